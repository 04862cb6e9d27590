import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';

import { type BottenderConfig, createBottender, silentLogger } from 'bottender';
import { Context, flushContext } from 'bottender/connector';

import { echoPlatformPackage, makeBotFolder, removeBotFolders, REPO, requireBuiltCli, run, writeFiles } from './support/cli';

afterAll(removeBotFolders);

async function counter(context: Context<{ count: number }>) {
  if (context.event.text === 'slow') await new Promise((resolve) => setTimeout(resolve, 300));
  const count = context.state.count + 1;
  context.setState({ count });
  await context.sendText(`Count: ${count}`);
}

/**
 * A bot folder with the echo platform and a counting handler that waits on "slow", and its config.
 * The config is given in code: it hands the echo connector this (source) runtime's Context.
 */
function echoBot(session: BottenderConfig['session'] = {}) {
  const dir = makeBotFolder({
    ...echoPlatformPackage(),
    'index.js': `module.exports = async function App(context) {
      if (context.event.text === 'slow') await new Promise((resolve) => setTimeout(resolve, 300));
      const count = context.state.count + 1;
      context.setState({ count });
      await context.sendText('Count: ' + count);
    };\n`,
  });
  const config: BottenderConfig<{ count: number }> = {
    // In code, not index.js: objects made by modules jiti loads come from another realm than Jest's.
    app: counter,
    initialState: { count: 0 },
    session,
    channels: { echo: { enabled: true, outFile: path.join(dir, 'out.txt'), core: { Context, flushContext } } },
  };
  return { dir, config, replies: () => readFileSync(path.join(dir, 'out.txt'), 'utf8').trim().split('\n') };
}

function listen(server: Server): Promise<number> {
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port)));
}

function post(port: number, pathname: string, events: object[]) {
  return fetch(`http://127.0.0.1:${port}${pathname}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ events }),
  });
}

describe('createBottender', () => {
  it('serves the enabled channels on node:http', async () => {
    const { dir, config, replies } = echoBot();
    const app = await createBottender({ cwd: dir, config, logger: silentLogger });
    expect(app.channels.map((c) => c.path)).toEqual(['/webhooks/echo']);
    const server = await app.serve(0, '127.0.0.1');
    try {
      expect((await post(server.port, '/webhooks/echo', [{ user: 'u1', text: 'hi' }, { user: 'u1', text: 'hi' }])).status).toBe(200);
      expect(replies()).toEqual(['echo:u1 Count: 1', 'echo:u1 Count: 2']);
    } finally {
      await app.close();
    }
  });

  it('mounts in another framework: its paths only, other requests to next(), a body already read as req.rawBody', async () => {
    const { dir, config, replies } = echoBot();
    const app = await createBottender({ cwd: dir, config, logger: silentLogger });
    await app.prepare();
    // An Express-like host: a JSON body parser that keeps the raw bytes, as documented.
    const host = createServer(async (request: IncomingMessage & { rawBody?: Buffer }, response) => {
      const chunks: Buffer[] = [];
      for await (const chunk of request) chunks.push(chunk as Buffer);
      request.rawBody = Buffer.concat(chunks);
      app.requestHandler(request, response, () => {
        response.writeHead(200, { 'content-type': 'text/plain' });
        response.end('the host app');
      });
    });
    const port = await listen(host);
    try {
      expect((await post(port, '/webhooks/echo', [{ user: 'u2', text: 'hi' }])).status).toBe(200);
      expect(replies()).toEqual(['echo:u2 Count: 1']);
      expect(await (await fetch(`http://127.0.0.1:${port}/`)).text()).toBe('the host app');
      expect(await (await fetch(`http://127.0.0.1:${port}/healthz`)).json()).toEqual({ status: 'ok' });
    } finally {
      host.close();
      await app.close();
    }
  });

  it('close() lets in-flight events finish and commit, then closes the store', async () => {
    const { dir, config, replies } = echoBot({ driver: 'file' });
    const app = await createBottender({ cwd: dir, config, logger: silentLogger });
    const server = await app.serve(0, '127.0.0.1');
    const answer = post(server.port, '/webhooks/echo', [{ user: 'u3', text: 'slow' }]);
    await new Promise((resolve) => setTimeout(resolve, 100));
    await app.close();
    expect((await answer).status).toBe(200);
    expect(replies()).toEqual(['echo:u3 Count: 1']);

    // The state was written before the store closed: a new process sees it.
    const again = await createBottender({ cwd: dir, config, logger: silentLogger });
    expect((await again.bot.store.read('echo:u3'))?.state).toEqual({ count: 1 });
    await again.close();
  });

  it('takes the config from code, still finding the handler in cwd', async () => {
    const { dir } = echoBot();
    const app = await createBottender({ cwd: dir, config: { initialState: { count: 10 } }, logger: silentLogger });
    expect(app.handlers.app.name).toBe('App');
    expect(app.channels).toEqual([]);
    expect(app.loaded.label).toBe('config');
    expect(app.handlers.appFile).toBe(path.join(dir, 'index.js'));
    await app.close();
    await expect(createBottender({ cwd: dir, config: { session: { driver: 'nope' } } })).rejects.toThrow(
      /^config: session\.driver must be one of/,
    );
  });

  it('builds no connectors when asked not to (console mode)', async () => {
    const { dir, config } = echoBot();
    const app = await createBottender({ cwd: dir, config, channels: false });
    expect(app.channels).toEqual([]);
    await app.close();
  });

  it("runs connectors' init once, whether prepare() or serve() comes first", async () => {
    const dir = makeBotFolder({
      'index.js': 'module.exports = () => {};',
      'bottender.config.js': 'module.exports = { channels: { counted: { enabled: true } } };',
      'node_modules/@bottender/counted/index.js': `let inits = 0;
        exports.inits = () => inits;
        exports.createConnector = () => ({ platform: 'counted', init: async () => { inits++; }, receive() {}, sessionKey() {}, createContext() {} });`,
    });
    const app = await createBottender({ cwd: dir });
    await app.prepare();
    await app.serve(0, '127.0.0.1');
    await app.close();
    expect(require(path.join(dir, 'node_modules/@bottender/counted')).inits()).toBe(1);
  });
});

describe("bottender(), Bottender 1.x's custom-server entry", () => {
  it("runs a 1.x server.js unchanged: a handler that waits for prepare(), 404 elsewhere", async () => {
    requireBuiltCli();
    const { dir, replies } = echoBot();
    writeFiles(dir, {
      'bottender.config.js': "module.exports = { initialState: { count: 0 }, channels: { echo: { enabled: true, outFile: __dirname + '/out.txt' } } };\n",
      // As a 1.x project wrote it, but requiring the built package by path (the folder has no node_modules/bottender).
      'server.js': `const http = require('node:http');
const { bottender } = require(${JSON.stringify(path.join(REPO, 'packages', 'bottender'))});
const app = bottender({ dev: process.env.NODE_ENV !== 'production' });
const handle = app.getRequestHandler();
const server = http.createServer((req, res) => handle(req, res));
server.listen(0, '127.0.0.1', async () => {
  const base = 'http://127.0.0.1:' + server.address().port;
  const early = fetch(base + '/webhooks/echo', { method: 'POST', body: JSON.stringify({ events: [{ user: 'u4', text: 'hi' }] }) });
  await app.prepare();
  const statuses = [(await early).status, (await fetch(base + '/elsewhere')).status];
  console.log(JSON.stringify(statuses));
  await app.close(); // not in 1.x: drains and closes the store, so the process can end by itself
  server.close();
});
`,
    });
    const result = await run(process.execPath, ['server.js'], { cwd: dir });
    expect(result.stderr).toBe('');
    expect(result.stdout).toBe('[200,404]\n');
    expect(replies()).toEqual(['echo:u4 Count: 1']);
  });
});
