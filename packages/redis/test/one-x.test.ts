import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

import { Bot, SessionStoreError, silentLogger } from 'bottender';
import { TestConnector, TestEvent } from 'bottender/testing';
import { Redis } from 'ioredis';

import { RedisSessionStore } from '../src';
import { recordCommandNames } from './support/commands';
import { collect, uniquePrefix } from './support/stores';
import { redisTest, startRedisOrSkip, type TestRedis } from './support/redis-server';

/**
 * A bot moved from Bottender 1.x keeps its users' state: the sessions 1.x's Redis store wrote
 * (a string key named by the session id, the whole session as JSON, SETEX when expiresIn was set)
 * are read under the session's lock by their first event, carried over to this driver's record,
 * and the 1.x key deleted. When Bottender 1.5.5 is installed in bench/bottender-1.5.5, its own
 * RedisSessionStore writes them (in a child process); otherwise they are written as it writes them.
 * Everything here uses database 9, so the detection at start sees only this file's keys.
 */
const SUITE = 'redis, Bottender 1.x sessions';
const test = redisTest(SUITE);
const DB = 9;
const V1_DIR = join(__dirname, '..', '..', '..', 'bench', 'bottender-1.5.5');
const V1_INSTALLED = existsSync(join(V1_DIR, 'node_modules', 'bottender', 'dist', 'session', 'RedisSessionStore.js'));
const WRITER = join(__dirname, '..', '..', 'bottender', 'test', 'support', 'write-1x-sessions.cjs');

let redis: TestRedis | undefined;
let raw: Redis;
let url: string;
const opened: RedisSessionStore[] = [];
let users = 0;

beforeAll(async () => {
  redis = await startRedisOrSkip(SUITE);
  if (!redis) return;
  const parsed = new URL(redis.url);
  parsed.pathname = `/${DB}`;
  url = parsed.toString();
  raw = new Redis(url, { maxRetriesPerRequest: 1 });
  console.info(`1.x sessions written by ${V1_INSTALLED ? "Bottender 1.5.5's own RedisSessionStore" : 'the commands 1.5.5 sends (1.5.5 not installed)'}`);
});
afterEach(async () => {
  await Promise.all(opened.splice(0).map((store) => store.close()));
});
afterAll(async () => {
  if (!redis) return;
  // Remove what this file wrote (SCAN + DEL; never FLUSHDB).
  let cursor = '0';
  do {
    const [next, keys] = await raw.scan(cursor, 'MATCH', `*${process.pid}*`, 'COUNT', 500);
    cursor = next;
    if (keys.length > 0) await raw.del(...keys);
  } while (cursor !== '0');
  raw.disconnect();
  await redis.dispose();
});

/** A session id no other test uses. */
const user = () => `u${process.pid}x${++users}`;

/** A 1.x session as 1.x's Bot kept it: the state under `_state`, plus what its connectors added. */
function oneX(key: string, state: unknown): [string, Record<string, unknown>] {
  const [platform, id] = key.split(':');
  return [key, { id: key, platform, type: 'user', user: { id, _updatedAt: '2024-01-01T00:00:00.000Z' }, _state: state }];
}

async function writeOneX(sessions: [string, Record<string, unknown>][], expiresIn?: number): Promise<void> {
  if (V1_INSTALLED) {
    const args = [WRITER, V1_DIR, 'redis', url, ...(expiresIn ? [String(expiresIn)] : [])];
    const result = spawnSync(process.execPath, args, { input: JSON.stringify(sessions), encoding: 'utf8', timeout: 30_000 });
    if (result.status !== 0) throw new Error(`Bottender 1.5.5 could not write its sessions: ${result.stderr}`);
    return;
  }
  for (const [key, session] of sessions) {
    const json = JSON.stringify({ ...session, lastActivity: Date.now() });
    if (expiresIn) await raw.setex(key, expiresIn * 60, json);
    else await raw.set(key, json);
  }
}

function store(): RedisSessionStore {
  const made = new RedisSessionStore({ url, keyPrefix: uniquePrefix('1x'), logger: silentLogger, lockLeaseMs: 60_000 });
  opened.push(made);
  return made;
}

function counterBot(sessions: RedisSessionStore, expiresIn?: number) {
  const seen: unknown[] = [];
  const bot = new Bot({
    store: sessions,
    expiresIn,
    logger: silentLogger,
    app: async (context) => {
      seen.push({ ...context.state });
      context.setState({ count: ((context.state.count as number) ?? 0) + 1 });
    },
  });
  return { bot, seen, connector: new TestConnector() };
}

test('a 1.x session is read under the lock by its first event, carried over, and its key deleted', async () => {
  const u1 = user();
  const u2 = user();
  await writeOneX([oneX(`test:${u1}`, { count: 3, name: 'Ann', nested: { list: [1, 2] } }), oneX(`test:${u2}`, { count: 7 })]);
  expect(await raw.type(`test:${u1}`)).toBe('string');
  const writtenAt = JSON.parse((await raw.get(`test:${u1}`))!).lastActivity;

  const sessions = store();
  await sessions.init();
  expect(sessions.readsOneXSessions).toBe(true);
  expect(await sessions.read(`test:${u1}`)).toEqual({
    id: `test:${u1}`,
    platform: 'test',
    state: { count: 3, name: 'Ann', nested: { list: [1, 2] } },
    lastActivity: writtenAt,
    version: 0,
    eventIds: [],
  });

  const { bot, seen, connector } = counterBot(sessions);
  const sent = recordCommandNames(sessions);
  expect(await bot.handleEvent(connector, new TestEvent({ user: u1, id: 'e1' }))).toBe('committed');
  // Lock and read (1), the 1.x key (1, under the lock: one MGET of `id` and `${keyPrefix}id`, as
  // this store was given a keyPrefix; see one-x-key-prefix.test.ts), commit (1), delete the 1.x key (1).
  expect(sent).toEqual(['evalsha', 'mget', 'evalsha', 'del']);
  expect(seen).toEqual([{ count: 3, name: 'Ann', nested: { list: [1, 2] } }]);
  expect(await raw.exists(`test:${u1}`)).toBe(0);
  expect(await raw.exists(`test:${u2}`)).toBe(1);
  expect(await sessions.read(`test:${u1}`)).toMatchObject({ state: { count: 4 }, version: 1, eventIds: ['e1'] });

  // From now on the session has a record: its events cost the usual two round trips.
  sent.length = 0;
  expect(await bot.handleEvent(connector, new TestEvent({ user: u1, id: 'e2' }))).toBe('committed');
  expect(sent).toEqual(['evalsha', 'evalsha']);
  expect(seen[1]).toEqual({ count: 4, name: 'Ann', nested: { list: [1, 2] } });
});

test('never reads the 1.x key again once carried over, even if a 1.x server writes it again', async () => {
  const u = user();
  await writeOneX([oneX(`test:${u}`, { count: 3 })]);
  const sessions = store();
  const { bot, seen, connector } = counterBot(sessions);
  await bot.init();
  await bot.handleEvent(connector, new TestEvent({ user: u, id: 'e1' }));
  await writeOneX([oneX(`test:${u}`, { count: 100 })]);
  await bot.handleEvent(connector, new TestEvent({ user: u, id: 'e2' }));
  expect(seen).toEqual([{ count: 3 }, { count: 4 }]);
});

test("1.x's expiry carries over: its SETEX TTL stays on the old key, and lastActivity counts for expiresIn", async () => {
  const [fresh, idle] = [user(), user()];
  await writeOneX([oneX(`test:${fresh}`, { count: 3 }), oneX(`test:${idle}`, { count: 5 })], 30);
  const ttl = await raw.ttl(`test:${fresh}`);
  expect(ttl).toBeGreaterThan(29 * 60);
  expect(ttl).toBeLessThanOrEqual(30 * 60);
  const sessions = store();
  const { bot, seen, connector } = counterBot(sessions, 30);
  await bot.init();
  await bot.handleEvent(connector, new TestEvent({ user: fresh, id: 'e1' }));
  expect(seen).toEqual([{ count: 3 }]);
  // Seen from 31 minutes later, the other session was idle past expiresIn: it starts over.
  const later = Date.now() + 31 * 60_000;
  const lateBot = new Bot({ store: sessions, expiresIn: 30, now: () => later, logger: silentLogger, app: async (context) => void seen.push({ ...context.state }) });
  await lateBot.handleEvent(connector, new TestEvent({ user: idle, id: 'e1' }));
  expect(seen[1]).toEqual({});
});

test('lists 1.x sessions not carried over yet, once each, next to its own records', async () => {
  const [u1, u2] = [user(), user()];
  await writeOneX([oneX(`test:${u1}`, { count: 1 }), oneX(`test:${u2}`, { count: 2 })]);
  const sessions = store();
  const { bot, connector } = counterBot(sessions);
  await bot.init();
  await bot.handleEvent(connector, new TestEvent({ user: u1, id: 'e1' }));
  const listed = (await collect(sessions.list()))
    .filter((r) => r.id === `test:${u1}` || r.id === `test:${u2}`)
    .map((r) => [r.id, r.state.count, r.version]);
  expect(listed.sort()).toEqual(
    [
      [`test:${u1}`, 2, 1],
      [`test:${u2}`, 2, 0],
    ].sort(),
  );
});

test('a damaged 1.x value is reported (503 for its events), never taken for a new session, and left in place', async () => {
  const u = user();
  await raw.set(`test:${u}`, '{"_state": "not an object"}');
  const sessions = store();
  const { bot, seen, connector } = counterBot(sessions);
  await bot.init();
  await expect(sessions.read(`test:${u}`)).rejects.toThrow(SessionStoreError);
  await expect(bot.handleEvent(connector, new TestEvent({ user: u, id: 'e1' }))).rejects.toThrow(/not a Bottender 1\.x session/);
  expect(seen).toEqual([]);
  expect(await raw.get(`test:${u}`)).toBe('{"_state": "not an object"}');
  // The lock was given back: once the operator deletes the key, the session starts over at once.
  await sessions.delete(`test:${u}`);
  expect(await bot.handleEvent(connector, new TestEvent({ user: u, id: 'e2' }))).toBe('committed');
});

test('a database 1.x never used costs no lookup: new sessions take the usual two round trips', async () => {
  const parsed = new URL(url);
  parsed.pathname = '/10';
  const empty = new RedisSessionStore({ url: parsed.toString(), keyPrefix: uniquePrefix('no1x'), logger: silentLogger });
  opened.push(empty);
  const { bot, connector } = counterBot(empty);
  await bot.init();
  expect(empty.readsOneXSessions).toBe(false);
  const sent = recordCommandNames(empty);
  await bot.handleEvent(connector, new TestEvent({ user: user(), id: 'e1' }));
  expect(sent).toEqual(['evalsha', 'evalsha']);
});

test('finds 1.x keys on a Redis older than 6 too (no SCAN ... TYPE): the types are asked instead', async () => {
  const u = user();
  await writeOneX([oneX(`test:${u}`, { count: 4 })]);
  const sessions = store();
  const client = sessions.client as Redis;
  const scan = client.scan.bind(client) as (...args: unknown[]) => Promise<[string, string[]]>;
  const scans: unknown[][] = [];
  (client as unknown as { scan: unknown }).scan = (...args: unknown[]) => {
    scans.push(args);
    if (args.includes('TYPE')) return Promise.reject(new Error('ERR syntax error'));
    return scan(...args);
  };
  await sessions.init();
  expect(sessions.readsOneXSessions).toBe(true);
  expect(scans.some((args) => !args.includes('TYPE'))).toBe(true);
  const { bot, seen, connector } = counterBot(sessions);
  await bot.handleEvent(connector, new TestEvent({ user: u, id: 'e1' }));
  expect(seen).toEqual([{ count: 4 }]);
});
