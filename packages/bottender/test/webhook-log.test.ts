import { spawn } from 'node:child_process';

import { formatWebhookLine } from 'bottender';

import { BIN, cleanEnv, collect, COUNTER_CJS, echoPlatformPackage, makeBotFolder, removeBotFolders, requireBuiltCli, waitFor } from './support/cli';

beforeAll(requireBuiltCli);
afterAll(removeBotFolders);

describe('the per-webhook log line', () => {
  it('says method, path, status, platform, each session and outcome, and time', () => {
    expect(
      formatWebhookLine({
        method: 'POST',
        path: '/webhooks/line',
        platform: 'line',
        events: [
          { session: 'line:U1', outcome: 'handled' },
          { session: 'line:U2', outcome: 'duplicate' },
        ],
        status: 200,
        durationMs: 12.4,
      }),
    ).toBe('POST /webhooks/line 200 line line:U1 handled, line:U2 duplicate 12ms');
    expect(formatWebhookLine({ method: 'GET', path: '/webhooks/line', platform: 'line', events: [], status: 405, durationMs: 0 })).toBe(
      'GET /webhooks/line 405 line no events 0ms',
    );
  });

  it('cannot be forged by request data: session ids with spaces or newlines are quoted', () => {
    const line = formatWebhookLine({
      method: 'POST',
      path: '/webhooks/x',
      platform: 'x',
      events: [{ session: 'x:evil\nPOST /fake 200', outcome: 'handled' }],
      status: 200,
      durationMs: 1,
    });
    expect(line).not.toContain('\n');
    expect(line).toContain('"x:evil\\nPOST /fake 200" handled');
  });
});

/** A served echo channel; resolves with the server's origin and its stderr so far. */
async function serve(config: string, args: string[]) {
  const dir = makeBotFolder({
    ...echoPlatformPackage(),
    'bottender.config.js': `module.exports = { initialState: { count: 0 }, ${config} channels: { echo: { enabled: true, outFile: __dirname + '/out.txt' } } };\n`,
    'index.js': COUNTER_CJS,
  });
  const child = spawn(process.execPath, [BIN, 'start', '--port', '0', '--host', '127.0.0.1', ...args], { cwd: dir, env: cleanEnv(), stdio: 'pipe' });
  const done = collect(child, 30_000);
  let out = '';
  child.stdout!.on('data', (chunk: Buffer) => (out += chunk.toString()));
  const [, origin] = await waitFor(() => out, /Bottender is listening on (http:\/\/\S+)\n/);
  const post = (events: object[]) =>
    fetch(`${origin}/webhooks/echo`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ events }) });
  const stop = async () => {
    child.kill('SIGTERM');
    return (await done).stderr;
  };
  return { post, stop };
}

describe('bottender start', () => {
  it('logs no line per webhook by default', async () => {
    const bot = await serve('', []);
    expect((await bot.post([{ user: 'u1', text: 'hi' }])).status).toBe(200);
    expect(await bot.stop()).not.toMatch(/POST \/webhooks\/echo/);
  });

  it('logs one line per webhook with --verbose', async () => {
    const bot = await serve('', ['--verbose']);
    expect((await bot.post([{ user: 'u1', text: 'hi' }, { user: 'u2', text: 'yo' }])).status).toBe(200);
    const stderr = await bot.stop();
    expect(stderr).toMatch(/^\[bottender\] POST \/webhooks\/echo 200 echo echo:u1 handled, echo:u2 handled \d+ms$/m);
  });

  it("logs them with logLevel: 'verbose' in the config", async () => {
    const bot = await serve("logLevel: 'verbose',", []);
    await bot.post([{ user: 'u3', text: 'hi' }]);
    expect(await bot.stop()).toMatch(/^\[bottender\] POST \/webhooks\/echo 200 echo echo:u3 handled \d+ms$/m);
  });
});

describe('DEBUG namespaces', () => {
  async function chat(env: NodeJS.ProcessEnv, config = '') {
    const dir = makeBotFolder({ 'bottender.config.js': `module.exports = { initialState: { count: 0 }, ${config} };\n`, 'index.js': COUNTER_CJS });
    const child = spawn(process.execPath, [BIN, 'start', '--console'], { cwd: dir, env: { ...cleanEnv(), ...env }, stdio: 'pipe' });
    child.stdin!.end('hi\n');
    return collect(child, 30_000);
  }

  it('DEBUG=bottender:store shows each store call with its session and time', async () => {
    const result = await chat({ DEBUG: 'bottender:store' });
    expect(result.stdout).toBe('Bot > Count: 1\n');
    expect(result.stderr).toMatch(/bottender:store read console:you none \d+ms/);
    expect(result.stderr).toMatch(/bottender:store write console:you ok \d+ms/);
  });

  it("logLevel: 'debug' turns them on too; without either, nothing", async () => {
    expect((await chat({}, "logLevel: 'debug'")).stderr).toMatch(/bottender:store read console:you/);
    expect((await chat({})).stderr).toBe('');
  });
});
