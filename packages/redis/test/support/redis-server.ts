import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { freePort } from '../../../../test-support/store-drivers/ports';

/**
 * ioredis's reply parser (redis-parser 3) starts a ref'd 50 ms interval, `decreaseBufferPool`,
 * whenever a reply outgrows its buffer pool (any reply over 32 KiB, as the 1 MiB state of the
 * conformance suite), and the interval runs until the pool has shrunk back, about 2 s later. It
 * holds nothing the tests need, but a Jest run whose last file read a large reply then ends with
 * "Jest did not exit one second after the test run has completed". So, in the tests only, that
 * interval is unref'd when it is created: the parser is loaded in each test file's context and
 * calls that context's `setInterval`, wrapped here (by the callback's name; no async hooks, which
 * would slow every promise). A bot process is held by it at most 2 s at exit, after a large reply.
 */
const originalSetInterval = globalThis.setInterval;
globalThis.setInterval = ((callback: (...args: unknown[]) => void, ms?: number, ...args: unknown[]) => {
  const timer = originalSetInterval(callback, ms, ...args);
  if (callback?.name === 'decreaseBufferPool') timer.unref();
  return timer;
}) as typeof setInterval;

/** A Redis the tests can reach, and, when they started it, stop and restart. */
export interface TestRedis {
  url: string;
  host: string;
  port: number;
  /** True when this process started the server, so it can be stopped and restarted. */
  readonly controllable: boolean;
  /** Stops the server gracefully (SIGTERM) and waits until it has exited. */
  stop(): Promise<void>;
  /** Kills the server at once (SIGKILL). */
  kill(): Promise<void>;
  /** Freezes (SIGSTOP) or thaws (SIGCONT) the server: connections stay open, nothing answers. */
  pause(): void;
  resume(): void;
  /** Starts it again on the same port and directory; resolves when it answers PING. */
  restart(): Promise<void>;
  /** Stops it for good and removes its directory. */
  dispose(): Promise<void>;
}

export interface StartOptions {
  /** Write every command to an append-only file, fsynced before replying, so a restart keeps data. */
  persistent?: boolean;
  /** Extra redis-server arguments, e.g. `['--cluster-enabled', 'yes']`. */
  args?: string[];
}

/** Whether a `redis-server` binary is on the PATH. */
export function hasRedisServer(): boolean {
  return spawnSync('redis-server', ['--version'], { stdio: 'ignore' }).status === 0;
}

/**
 * Starts a private redis-server on a free loopback port, without RDB snapshots. Commands that
 * would touch the whole database (KEYS, FLUSHDB, FLUSHALL) are disabled, so a driver that used
 * them would fail its tests.
 */
export async function startRedisServer(options: StartOptions = {}): Promise<TestRedis> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'bottender-redis-'));
  const args = [
    '--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '',
    '--appendonly', options.persistent ? 'yes' : 'no',
    ...(options.persistent ? ['--appendfsync', 'always'] : []),
    '--rename-command', 'KEYS', '', '--rename-command', 'FLUSHDB', '', '--rename-command', 'FLUSHALL', '',
    ...(options.args ?? []),
  ];
  let child: ChildProcess | undefined;
  const launch = async () => {
    const started = spawn('redis-server', args, { cwd: dir, stdio: 'ignore' });
    child = started;
    try {
      await waitForPing(port, 10_000, () => started.exitCode !== null);
    } catch (error) {
      await terminate('SIGKILL');
      throw error;
    }
  };
  const terminate = async (signal: NodeJS.Signals) => {
    const running = child;
    child = undefined;
    if (!running || running.exitCode !== null || running.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => running.once('exit', () => resolve()));
    running.kill(signal);
    await exited;
  };
  try {
    await launch();
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
  return {
    url: `redis://127.0.0.1:${port}`,
    host: '127.0.0.1',
    port,
    controllable: true,
    stop: () => terminate('SIGTERM'),
    kill: () => terminate('SIGKILL'),
    pause: () => child?.kill('SIGSTOP'),
    resume: () => child?.kill('SIGCONT'),
    restart: launch,
    dispose: async () => {
      child?.kill('SIGCONT');
      await terminate('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Whether this file already printed the no-Redis notice (once is loud enough). */
let warned = false;

/**
 * Decides, synchronously (so a test file can decide which tests to define), where the tests get
 * their Redis: `'server'` when a redis-server binary exists (they start their own), `'url'` when
 * only REDIS_URL is set. With neither, a CI run (CI=true) throws, failing the suite; a local run
 * warns loudly and returns undefined.
 */
export function redisAvailability(suite: string): 'server' | 'url' | undefined {
  if (hasRedisServer()) return 'server';
  if (process.env.REDIS_URL) return 'url';
  const message = `${suite}: no redis-server binary on PATH and no REDIS_URL set`;
  if (inCI()) throw new Error(`${message}; a CI run must test against a real Redis`);
  if (warned) return undefined;
  warned = true;
  console.warn(`\n!!!!!!!!!!\n!!! SKIPPED: ${message}.\n!!! These tests did NOT run. Install Redis or set REDIS_URL.\n!!!!!!!!!!\n`);
  return undefined;
}

/**
 * The Redis for a test file: a private redis-server when the binary exists, else the one at
 * REDIS_URL (which cannot be stopped). Without either see {@link redisAvailability}: undefined
 * outside CI (the tests that need Redis return early), a failure in CI.
 */
export async function startRedisOrSkip(suite: string, options: StartOptions = {}): Promise<TestRedis | undefined> {
  const where = redisAvailability(suite);
  if (where === 'server') return startRedisServer(options);
  if (where === undefined) return undefined;
  const url = process.env.REDIS_URL as string;
  const parsed = new URL(url);
  const unsupported = () => Promise.reject(new Error('the Redis at REDIS_URL was not started by the tests'));
  return {
    url,
    host: parsed.hostname,
    port: Number(parsed.port || 6379),
    controllable: false,
    stop: unsupported,
    kill: unsupported,
    pause: () => {
      throw new Error('the Redis at REDIS_URL was not started by the tests');
    },
    resume: () => {},
    restart: unsupported,
    dispose: async () => {},
  };
}

/** What a test file needs: any Redis, or one it starts itself (to stop, kill, pause or cluster it). */
export type RedisNeed = 'any' | 'own server';

/**
 * Jest's `test` when the Redis a file needs can be had, else `test.skip`, so a run without Redis
 * reports these tests as skipped, never as passed. Decided once, when the file is loaded (Jest
 * needs to know which tests to skip before any of them runs). Without it a local run prints a
 * loud notice; a CI run (CI=true) throws instead, which fails the file: CI has redis-server.
 */
export function redisTest(suite: string, need: RedisNeed = 'any'): jest.It {
  const where = redisAvailability(suite);
  if (where === undefined) return test.skip;
  if (need === 'own server' && where !== 'server') {
    const message = `${suite}: needs a redis-server binary on PATH (the tests stop, kill or reconfigure it; REDIS_URL cannot be)`;
    if (inCI()) throw new Error(`${message}; a CI run must run them`);
    console.warn(`\n!!!!!!!!!!\n!!! SKIPPED: ${message}.\n!!! These tests did NOT run.\n!!!!!!!!!!\n`);
    return test.skip;
  }
  return test;
}

function inCI(): boolean {
  return Boolean(process.env.CI) && process.env.CI !== 'false';
}

/** Resolves once `PING` on `port` gets an answer (`+PONG`, or `-NOAUTH` from a server with a password). */
export async function waitForPing(port: number, timeoutMs: number, gaveUp: () => boolean = () => false): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await ping(port)) return;
    if (gaveUp()) throw new Error(`redis-server on port ${port} exited during start-up`);
    if (Date.now() > deadline) throw new Error(`redis-server on port ${port} did not answer within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

function ping(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    let reply = '';
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(500, () => done(false));
    socket.on('error', () => done(false));
    socket.on('connect', () => socket.write('PING\r\n'));
    socket.on('data', (chunk) => {
      reply += chunk.toString();
      if (reply.includes('\r\n')) done(reply.startsWith('+PONG') || reply.startsWith('-NOAUTH'));
    });
  });
}
