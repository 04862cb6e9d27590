// A private redis-server for S3, on a free loopback port, with nothing persisted.
// Only this server is ever flushed; a Redis already running on 6379 is never touched.
import { execFile, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { promisify } from 'node:util';

const run = promisify(execFile);

function freePort() {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address();
      probe.close(() => resolve(port));
    });
  });
}

async function cli(port, ...args) {
  const { stdout } = await run('redis-cli', ['-h', '127.0.0.1', '-p', String(port), ...args], { timeout: 5_000 });
  return stdout.trim();
}

/** Starts redis-server; resolves `{ port, flush(), stop() }` once it answers PING. */
export async function startRedis() {
  const port = await freePort();
  if (port === 6379) throw new Error('refusing to use port 6379 for the bench Redis');
  const child = spawn(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--loglevel', 'warning'],
    { stdio: 'ignore' },
  );
  let exited = false;
  child.once('exit', () => (exited = true));
  for (let attempt = 0; attempt < 100; attempt++) {
    if (exited) throw new Error('redis-server exited at start (is it installed?)');
    try {
      if ((await cli(port, 'PING')) === 'PONG') break;
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 100));
    if (attempt === 99) {
      child.kill('SIGKILL');
      throw new Error(`redis-server did not answer on port ${port}`);
    }
  }
  return {
    port,
    pid: child.pid,
    flush: () => cli(port, 'FLUSHDB'),
    stop: async () => {
      if (exited) return;
      const gone = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await gone;
    },
  };
}
