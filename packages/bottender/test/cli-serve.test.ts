import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';

import {
  BIN,
  cleanEnv,
  collect,
  COUNTER_CJS,
  echoPlatformPackage,
  makeBotFolder,
  removeBotFolders,
  requireBuiltCli,
  runBottender,
  waitFor,
} from './support/cli';

beforeAll(requireBuiltCli);
afterAll(removeBotFolders);

const SLOW_COUNTER = `module.exports = async function App(context) {
  if (context.event.text === 'slow') await new Promise((resolve) => setTimeout(resolve, 600));
  const count = context.state.count + 1;
  context.setState({ count });
  await context.sendText('Count: ' + count);
};
`;

/** A bot folder serving `channels.echo` with the file driver. */
function echoFolder(channel = '{ enabled: true, outFile: __dirname + "/out.txt" }') {
  return makeBotFolder({
    ...echoPlatformPackage(),
    'bottender.config.js': `module.exports = {
  initialState: { count: 0 },
  session: { driver: 'file' },
  channels: { echo: ${channel}, line: { enabled: false } },
};
`,
    'index.js': SLOW_COUNTER,
  });
}

/** Starts `bottender <args>` and waits for it to print where it listens. */
async function startServer(dir: string, args: string[], env = cleanEnv()) {
  const child = spawn(process.execPath, [BIN, ...args], { cwd: dir, env, stdio: 'pipe' });
  const done = collect(child, 30_000);
  let out = '';
  child.stdout!.on('data', (chunk: Buffer) => (out += chunk.toString()));
  const [, origin] = await waitFor(() => out, /Bottender is listening on (http:\/\/\S+)\n/);
  return { child, done, origin, output: () => out };
}

function post(url: string, events: object[]) {
  return fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ events }) });
}

function replies(dir: string): string[] {
  return readFileSync(path.join(dir, 'out.txt'), 'utf8').trim().split('\n');
}

let running: ChildProcess | undefined;
afterEach(() => {
  running?.kill('SIGKILL');
  running = undefined;
});

describe('bottender start (HTTP)', () => {
  it('prints the listening URL and each channel path, and answers webhooks after saving', async () => {
    const dir = echoFolder('{ enabled: true, path: "/hooks/echo", outFile: __dirname + "/out.txt" }');
    const server = await startServer(dir, ['start', '--port', '0', '--host', '127.0.0.1']);
    running = server.child;
    const port = Number(new URL(server.origin).port);
    expect(server.origin).toBe(`http://127.0.0.1:${port}`);
    await waitFor(server.output, /echo: /);
    expect(server.output()).toBe(`Bottender is listening on http://127.0.0.1:${port}\n  echo: http://127.0.0.1:${port}/hooks/echo\n`);

    expect((await post(`${server.origin}/hooks/echo`, [{ user: 'u1', text: 'hi' }, { user: 'u1', text: 'hi' }])).status).toBe(200);
    expect(replies(dir)).toEqual(['echo:u1 Count: 1', 'echo:u1 Count: 2']);
    expect((await fetch(`${server.origin}/healthz`)).status).toBe(200);
    expect((await fetch(`${server.origin}/webhooks/line`, { method: 'POST' })).status).toBe(404);

    server.child.kill('SIGTERM');
    expect((await server.done).code).toBe(0);
  });

  it('on SIGTERM, finishes the events in flight (answered 200, state saved), closes the store and exits 0', async () => {
    const dir = echoFolder();
    const server = await startServer(dir, ['start', '--port', '0', '--host', '127.0.0.1']);
    running = server.child;
    const url = `${server.origin}/webhooks/echo`;
    const inFlight = post(url, [{ user: 'u2', text: 'slow' }]);
    await new Promise((resolve) => setTimeout(resolve, 200));
    server.child.kill('SIGTERM');

    expect((await inFlight).status).toBe(200);
    const result = await server.done;
    expect(result.code).toBe(0);
    expect(result.stderr).toContain('SIGTERM: finishing in-flight events, then closing the store');
    expect(replies(dir)).toEqual(['echo:u2 Count: 1']);

    // The state was on disk before the process exited.
    const again = await startServer(dir, ['start', '--port', '0', '--host', '127.0.0.1']);
    running = again.child;
    expect((await post(`${again.origin}/webhooks/echo`, [{ user: 'u2', text: 'hi' }])).status).toBe(200);
    expect(replies(dir)).toEqual(['echo:u2 Count: 1', 'echo:u2 Count: 2']);
    again.child.kill('SIGINT');
    expect((await again.done).code).toBe(0);
  });

  it('takes the port and host from PORT and HOST, and warns when no channel is enabled', async () => {
    const port = await freePort();
    const dir = makeBotFolder({ 'index.js': COUNTER_CJS });
    const server = await startServer(dir, ['start'], cleanEnv({ PORT: String(port), HOST: '127.0.0.1' }));
    running = server.child;
    expect(server.origin).toBe(`http://127.0.0.1:${port}`);
    server.child.kill('SIGTERM');
    const result = await server.done;
    expect(result.code).toBe(0);
    expect(result.stderr).toContain('warning: no channel is enabled; set channels.<name>.enabled in bottender.config');
  });

  it('says so when the port is taken, exit code 1', async () => {
    const blocker = createServer();
    const port = await new Promise<number>((resolve) =>
      blocker.listen(0, '127.0.0.1', () => resolve((blocker.address() as { port: number }).port)),
    );
    try {
      const dir = makeBotFolder({ 'index.js': COUNTER_CJS });
      const result = await runBottender(['start', '--port', String(port), '--host', '127.0.0.1'], { cwd: dir });
      expect(result).toMatchObject({
        code: 1,
        stderr: `port ${port} is already in use: choose another with --port or PORT\n`,
      });
    } finally {
      blocker.close();
    }
  });
});

function freePort(): Promise<number> {
  const probe = createServer();
  return new Promise((resolve) =>
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    }),
  );
}
