/**
 * A process killed (SIGKILL) after it acknowledged an event at the platform's deadline and
 * before the commit: the event was held in the file store, so the next start handles it, once.
 * Real child processes on the built runtime (npm test builds first).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { RedisSessionStore } from '@bottender/redis';

import { FileSessionStore, type SessionStore, silentLogger } from '../src';
import { redisTest, startRedisOrSkip, type TestRedis } from '../../redis/test/support/redis-server';
import { requireBuiltCli, waitFor } from './support/cli';
import { createClient } from './support/http';

const BOT = path.join(__dirname, 'support', 'held-bot.cjs');
const DEADLINE_MS = 1500;
const children: ChildProcess[] = [];
let dir: string;
/** The store the bot processes use (set per test). */
let storeEnv: Record<string, string> = {};

beforeAll(() => {
  requireBuiltCli();
  dir = mkdtempSync(path.join(os.tmpdir(), 'bottender-crash-held-'));
});
afterAll(() => {
  for (const child of children) child.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

function startBot(env: Record<string, string>) {
  const child = spawn(process.execPath, [BOT], {
    env: { ...process.env, BOT_DIR: dir, BOT_DEADLINE_MS: String(DEADLINE_MS), ...storeEnv, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let output = '';
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  return { child, read: () => output, exited };
}

async function killedAfterDeadline(store: SessionStore, held: () => Promise<number>): Promise<void> {
  const first = startBot({ BOT_HANG: '1' });
  const port = Number((await waitFor(first.read, /READY (\d+)/))[1]);
  const client = createClient(port);
  const event = { user: 'alice', id: 'evt-1', text: 'slow' };
  const started = Date.now();
  const answer = await client.post('/webhooks/test', { events: [event] });
  client.close();
  expect(answer.status).toBe(200); // acknowledged at the deadline, not after the commit
  expect(Date.now() - started).toBeLessThan(DEADLINE_MS);
  await waitFor(first.read, /HANG evt-1/);
  expect(await held()).toBe(1);
  first.child.kill('SIGKILL');
  await first.exited;

  expect(await store.read('test:alice')).toBeUndefined(); // never committed

  const second = startBot({ BOT_HANG: '0' });
  const port2 = Number((await waitFor(second.read, /READY (\d+)/))[1]);
  // Recovery runs at start, before (and independently of) any new event.
  await waitFor(second.read, /RUN evt-1 slow/);
  const deadline = Date.now() + 10_000;
  while ((await store.read('test:alice')) === undefined && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  expect(await store.read('test:alice')).toMatchObject({ state: { count: 1 }, version: 1, eventIds: ['evt-1'] });
  // The platform redelivers it (it may, having seen nothing wrong): not run again.
  const client2 = createClient(port2);
  expect((await client2.post('/webhooks/test', { events: [event] })).status).toBe(200);
  expect((await client2.post('/webhooks/test', { events: [{ user: 'alice', id: 'evt-2', text: 'next' }] })).status).toBe(200);
  client2.close();
  expect(second.read().match(/RUN evt-1/g)).toHaveLength(1);
  expect((await store.read('test:alice'))?.state).toEqual({ count: 2 });
  expect(await held()).toBe(0);
  second.child.kill('SIGKILL');
  await second.exited;
}

test('an event acknowledged at its deadline survives a SIGKILL before its commit and is handled once after restart (file store)', async () => {
  storeEnv = {};
  const store = new FileSessionStore({ dirname: dir, sweepIntervalMs: 0 });
  await killedAfterDeadline(store, async () => {
    try {
      return readdirSync(path.join(dir, 'held')).length;
    } catch {
      return 0;
    }
  });
});

const withRedis = redisTest('crash after a deadline acknowledgement, Redis store');
let redis: TestRedis | undefined;
afterAll(async () => {
  await redis?.dispose();
});

withRedis('the same with the Redis store: held in Redis, handled once by the restarted process', async () => {
  redis = await startRedisOrSkip('crash after a deadline acknowledgement, Redis store');
  const keyPrefix = `crash-held-${process.pid}-${Date.now()}:`;
  storeEnv = { BOT_STORE: 'redis', BOT_REDIS_URL: redis!.url, BOT_KEY_PREFIX: keyPrefix };
  const store = new RedisSessionStore({ url: redis!.url, keyPrefix, logger: silentLogger });
  await store.init();
  try {
    await killedAfterDeadline(store, async () => {
      let n = 0;
      for await (const _ of store.heldEvents()) n++;
      return n;
    });
  } finally {
    await store.close();
  }
});
