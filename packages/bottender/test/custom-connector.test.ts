/**
 * Connectors from anywhere: `channels.<name>.package` names any installed package exporting
 * `createConnector(options)`, and `channels.<name>.connector` takes a connector instance, as
 * `session.stores` takes a store instance.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';

import { type BottenderConfig, ConfigError, createBottender, silentLogger } from 'bottender';
import { Context, flushContext } from 'bottender/connector';
import { TestConnector } from 'bottender/testing';

import { echoPlatformPackage, makeBotFolder, removeBotFolders } from './support/cli';
import { createClient } from './support/http';

afterAll(removeBotFolders);

async function counter(context: any) {
  const count = (context.state.count ?? 0) + 1;
  context.setState({ count });
  await context.sendText(`Count: ${count}`);
}

/** The echo platform package of support/cli.ts, installed under another name. */
function packageNamed(name: string): Record<string, string> {
  const files: Record<string, string> = {};
  for (const [file, content] of Object.entries(echoPlatformPackage())) {
    files[file.replace('@bottender/echo', name)] = content.replace('"@bottender/echo"', JSON.stringify(name));
  }
  return files;
}

it('serves a connector from the package channels.<name>.package names, with its own options', async () => {
  const dir = makeBotFolder(packageNamed('acme-chat-connector'));
  const outFile = path.join(dir, 'out.txt');
  const config: BottenderConfig = {
    app: counter,
    channels: { acme: { enabled: true, package: 'acme-chat-connector', outFile, core: { Context, flushContext } } },
  };
  const app = await createBottender({ cwd: dir, config, logger: silentLogger });
  expect(app.channels.map((c) => [c.path, c.connector.platform])).toEqual([['/webhooks/acme', 'echo']]);
  const server = await app.serve(0, '127.0.0.1');
  const client = createClient(server.port);
  expect((await client.post('/webhooks/acme', { events: [{ user: 'u', text: 'hi' }] })).status).toBe(200);
  client.close();
  await app.close();
  expect(readFileSync(outFile, 'utf8')).toBe('echo:u Count: 1\n');
});

it('serves a connector instance given as channels.<name>.connector', async () => {
  const dir = makeBotFolder({});
  const connector = new TestConnector({ platform: 'mine' });
  let inits = 0;
  Object.assign(connector, { init: async () => void inits++ });
  const config: BottenderConfig = { app: counter, channels: { mine: { enabled: true, connector, path: '/hooks/mine' } } };
  const app = await createBottender({ cwd: dir, config, logger: silentLogger });
  await app.prepare();
  const server = await app.serve(0, '127.0.0.1');
  const client = createClient(server.port);
  expect((await client.post('/hooks/mine', { events: [{ user: 'u', text: 'hi' }] })).status).toBe(200);
  client.close();
  expect(await app.bot.store.read('mine:u')).toMatchObject({ state: { count: 1 } });
  await app.close();
  expect(connector.repliesTo('u')).toEqual(['Count: 1']);
  expect(inits).toBe(1); // prepare() and serve() both start the bot: init still runs once
});

describe('refusals name the key', () => {
  const load = (channels: BottenderConfig['channels'], files: Record<string, string> = {}) =>
    createBottender({ cwd: makeBotFolder(files), config: { app: counter, channels }, logger: silentLogger });

  it('a package that is not installed', async () => {
    await expect(load({ acme: { enabled: true, package: 'acme-missing' } })).rejects.toThrow(
      /channels\.acme\.package names acme-missing, which is not installed: npm install acme-missing/,
    );
  });

  it('a connector value that is not a connector', async () => {
    const error = await load({ acme: { enabled: true, connector: { platform: 'acme' } } }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toMatch(/channels\.acme\.connector must be a connector: an object with platform .* \(got an object\)/);
  });

  it('a package whose createConnector() returns something else', async () => {
    const files = {
      'node_modules/acme-odd/package.json': '{"name":"acme-odd","main":"index.js"}',
      'node_modules/acme-odd/index.js': 'exports.createConnector = () => ({ platform: "acme" });\n',
    };
    await expect(load({ acme: { enabled: true, package: 'acme-odd' } }, files)).rejects.toThrow(
      /acme-odd's createConnector\(\) did not return a connector/,
    );
  });
});

it('under dev, a connector with a loop runs it instead of answering webhooks (bottender dev: no public URL)', async () => {
  const { PollingTestConnector } = await import('bottender/testing');
  const both = Object.assign(new TestConnector({ platform: 'both' }), {
    runs: 0,
    async run(_dispatcher: unknown, signal: AbortSignal) {
      both.runs++;
      await new Promise((resolve) => signal.addEventListener('abort', resolve, { once: true }));
    },
  });
  const polling = new PollingTestConnector();
  const channels = { both: { enabled: true, connector: both }, polled: { enabled: true, connector: polling } };
  const prod = await createBottender({ cwd: makeBotFolder({}), config: { app: counter, channels }, logger: silentLogger });
  expect(prod.loopChannels.map((c) => c.connector)).toEqual([polling]);
  const dev = await createBottender({ cwd: makeBotFolder({}), dev: true, config: { app: counter, channels }, logger: silentLogger });
  expect(dev.loopChannels.map((c) => c.connector)).toEqual([both, polling]);
  await dev.prepare();
  expect(both.runs).toBe(1);
  polling.push({ user: 'u', id: 'p1', text: 'hi' });
  const until = Date.now() + 5000;
  while (polling.pending > 0 && Date.now() < until) await new Promise((resolve) => setTimeout(resolve, 10));
  expect(await dev.bot.store.read('polling:u')).toMatchObject({ state: { count: 1 } });
  await dev.close(); // aborts the loops and waits for them
  await prod.close();
});
