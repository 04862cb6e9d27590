import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { Bot, SessionStoreError, silentLogger } from 'bottender';
import { TestConnector, TestEvent } from 'bottender/testing';
import { Redis } from 'ioredis';

import { RedisSessionStore, type RedisStoreOptions } from '../src';
import { recordCommands } from './support/commands';
import { collect } from './support/stores';
import { redisTest, startRedisOrSkip, type TestRedis } from './support/redis-server';

/**
 * A Bottender 1.x bot whose `session.stores.redis` set `keyPrefix` keeps its users' state too.
 * 1.x handed those options unchanged to `new Redis(options)`, so ioredis put every session at
 * `${keyPrefix}${id}` (`mybot:line:U4af...`); the same config used here gives this driver the same
 * `keyPrefix`, and the driver looks there as well as at the bare `${id}`. When Bottender 1.5.5 is
 * installed in bench/bottender-1.5.5, its own config loading (getSessionStore reading a
 * bottender.config.js) writes the sessions, in a child process; otherwise ioredis writes them with
 * its `keyPrefix` option, as 1.5.5 sends them (SET, or SETEX with expiresIn × 60).
 *
 * Database 11 holds 1.x keys; 12 holds only this driver's keys (so the detection at start must
 * find nothing there); 13 only 1.x keys under a prefix. Every key written here contains the
 * process id, for the cleanup.
 */
const SUITE = 'redis, Bottender 1.x sessions under ioredis keyPrefix';
const test = redisTest(SUITE);
const ONE_X_DB = 11;
const OWN_KEYS_DB = 12;
const ONLY_PREFIXED_DB = 13;
const V1_DIR = join(__dirname, '..', '..', '..', 'bench', 'bottender-1.5.5');
const V1_INSTALLED = existsSync(join(V1_DIR, 'node_modules', 'bottender', 'dist', 'shared', 'getSessionStore.js'));
/** The prefix of a 1.x config, as its authors would write it. */
const PREFIX = `mybot${process.pid}:`;

/**
 * Run by `node -e` in a folder holding the 1.x bot's bottender.config.js: 1.5.5 builds its store
 * from that config as `bottender start` did, then writes each [key, session] of stdin as its Bot
 * did (stamping lastActivity, unless the test gives one to stand for an older write).
 */
const V1_WRITER = `
const { createRequire } = require('node:module');
const path = require('node:path');
const requireV1 = createRequire(path.join(process.argv[1], 'package.json'));
const store = requireV1('bottender/dist/shared/getSessionStore').default();
let input = '';
process.stdin.on('data', (chunk) => (input += chunk));
process.stdin.on('end', async () => {
  try {
    await store.init();
    for (const [key, session] of JSON.parse(input)) await store.write(key, { lastActivity: Date.now(), ...session });
    await store._cache.getRedis().quit();
    process.exit(0);
  } catch (error) {
    console.error(error);
    process.exit(1);
  }
});
`;

let redis: TestRedis | undefined;
let raw: Redis;
const opened: RedisSessionStore[] = [];
let users = 0;

beforeAll(async () => {
  redis = await startRedisOrSkip(SUITE);
  if (!redis) return;
  raw = new Redis(urlOf(ONE_X_DB), { maxRetriesPerRequest: 1 });
  const writer = V1_INSTALLED
    ? "Bottender 1.5.5's own config loading and RedisSessionStore"
    : 'ioredis with keyPrefix, as 1.5.5 sends them (1.5.5 not installed)';
  console.info(`1.x sessions written by ${writer}`);
});
afterEach(async () => {
  await Promise.all(opened.splice(0).map((store) => store.close()));
});
afterAll(async () => {
  if (!redis) return;
  // Remove what this file wrote (SCAN + DEL; never FLUSHDB).
  for (const db of [ONE_X_DB, OWN_KEYS_DB, ONLY_PREFIXED_DB]) {
    await raw.select(db);
    let cursor = '0';
    do {
      const [next, keys] = await raw.scan(cursor, 'MATCH', `*${process.pid}*`, 'COUNT', 500);
      cursor = next;
      if (keys.length > 0) await raw.del(...keys);
    } while (cursor !== '0');
  }
  raw.disconnect();
  await redis.dispose();
});

function urlOf(db: number): string {
  const parsed = new URL(redis!.url);
  parsed.pathname = `/${db}`;
  return parsed.toString();
}

/** A session id no other test uses. */
const user = () => `u${process.pid}x${++users}`;

type OneXSession = [string, Record<string, unknown>];

/** A 1.x session as 1.x's Bot kept it: the state under `_state`, plus what its connectors added. */
function oneX(key: string, state: unknown, lastActivity?: number): OneXSession {
  const [platform, id] = key.split(':');
  const session: Record<string, unknown> = { id: key, platform, type: 'user', user: { id }, _state: state };
  if (lastActivity !== undefined) session.lastActivity = lastActivity;
  return [key, session];
}

/** Writes sessions as a 1.x bot with `session.stores.redis = { host, port, db, keyPrefix }` did. */
async function writeOneX(
  sessions: OneXSession[],
  { keyPrefix, expiresIn, db = ONE_X_DB }: { keyPrefix?: string; expiresIn?: number; db?: number } = {},
): Promise<void> {
  const redisConfig = { host: redis!.host, port: redis!.port, db, ...(keyPrefix === undefined ? {} : { keyPrefix }) };
  if (V1_INSTALLED) {
    const dir = mkdtempSync(join(tmpdir(), 'bottender-1x-bot-'));
    try {
      const config = { session: { driver: 'redis', expiresIn, stores: { redis: redisConfig } } };
      writeFileSync(join(dir, 'bottender.config.js'), `module.exports = ${JSON.stringify(config)};\n`);
      const result = spawnSync(process.execPath, ['-e', V1_WRITER, V1_DIR], {
        cwd: dir,
        input: JSON.stringify(sessions),
        encoding: 'utf8',
        timeout: 30_000,
      });
      if (result.status !== 0) throw new Error(`Bottender 1.5.5 could not write its sessions: ${result.stderr}`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    return;
  }
  const client = new Redis({ ...redisConfig, maxRetriesPerRequest: 1 });
  try {
    for (const [key, session] of sessions) {
      const json = JSON.stringify({ lastActivity: Date.now(), ...session });
      if (expiresIn) await client.setex(key, expiresIn * 60, json);
      else await client.set(key, json);
    }
  } finally {
    await client.quit();
  }
}

/** The bot's store, configured as the 1.x config was (same db, same keyPrefix, if any). */
function store(options: RedisStoreOptions & { db?: number } = {}): RedisSessionStore {
  const { db = ONE_X_DB, ...rest } = options;
  const made = new RedisSessionStore({ url: urlOf(db), logger: silentLogger, lockLeaseMs: 60_000, ...rest });
  opened.push(made);
  return made;
}

function counterBot(sessions: RedisSessionStore) {
  const seen: unknown[] = [];
  const bot = new Bot({
    store: sessions,
    logger: silentLogger,
    app: async (context) => {
      seen.push({ ...context.state });
      context.setState({ count: ((context.state.count as number) ?? 0) + 1 });
    },
  });
  return { bot, seen, connector: new TestConnector() };
}

const names = (sent: string[][]) => sent.map(([name]) => name);

test("a session 1.x kept under ioredis's keyPrefix is read under the lock by its first event, carried over, and its key deleted", async () => {
  const [u1, u2] = [user(), user()];
  await writeOneX([oneX(`test:${u1}`, { count: 3, name: 'Ann', nested: { list: [1, 2] } }), oneX(`test:${u2}`, { count: 7 })], {
    keyPrefix: PREFIX,
  });
  // Where 1.x put them: the prefix, then the session id; nothing at the bare id.
  expect(await raw.type(`${PREFIX}test:${u1}`)).toBe('string');
  expect(await raw.exists(`test:${u1}`)).toBe(0);
  const writtenAt = JSON.parse((await raw.get(`${PREFIX}test:${u1}`))!).lastActivity;

  const sessions = store({ keyPrefix: PREFIX });
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
  const sent = recordCommands(sessions);
  expect(await bot.handleEvent(connector, new TestEvent({ user: u1, id: 'e1' }))).toBe('committed');
  // Lock and read (1); then, under the lock, both places 1.x may have used, in one MGET (1);
  // commit (1); delete the 1.x keys (1).
  expect(names(sent)).toEqual(['evalsha', 'mget', 'evalsha', 'del']);
  expect(sent[1].slice(1)).toEqual([`test:${u1}`, `${PREFIX}test:${u1}`]);
  expect(sent[3].slice(1)).toEqual([`test:${u1}`, `${PREFIX}test:${u1}`]);
  expect(seen).toEqual([{ count: 3, name: 'Ann', nested: { list: [1, 2] } }]);
  expect(await raw.exists(`${PREFIX}test:${u1}`)).toBe(0);
  expect(await raw.exists(`${PREFIX}test:${u2}`)).toBe(1);
  // The record is this driver's, under the same prefix, in its own layout.
  expect(await raw.type(`${PREFIX}{test:${u1}}`)).toBe('hash');
  expect(await sessions.read(`test:${u1}`)).toMatchObject({ state: { count: 4 }, version: 1, eventIds: ['e1'] });

  // From now on the session has a record: its events cost the usual two round trips.
  sent.length = 0;
  expect(await bot.handleEvent(connector, new TestEvent({ user: u1, id: 'e2' }))).toBe('committed');
  expect(names(sent)).toEqual(['evalsha', 'evalsha']);
  expect(seen[1]).toEqual({ count: 4, name: 'Ann', nested: { list: [1, 2] } });
});

test('never reads the prefixed 1.x key again once carried over, even if a 1.x server writes it again', async () => {
  const u = user();
  await writeOneX([oneX(`test:${u}`, { count: 3 })], { keyPrefix: PREFIX });
  const sessions = store({ keyPrefix: PREFIX });
  const { bot, seen, connector } = counterBot(sessions);
  await bot.init();
  await bot.handleEvent(connector, new TestEvent({ user: u, id: 'e1' }));
  await writeOneX([oneX(`test:${u}`, { count: 100 })], { keyPrefix: PREFIX });
  const sent = recordCommands(sessions);
  await bot.handleEvent(connector, new TestEvent({ user: u, id: 'e2' }));
  expect(names(sent)).toEqual(['evalsha', 'evalsha']);
  expect(seen).toEqual([{ count: 3 }, { count: 4 }]);
});

test("1.x's SETEX under the prefix: the TTL stays on the old key, and lastActivity is carried over", async () => {
  const u = user();
  await writeOneX([oneX(`test:${u}`, { count: 2 })], { keyPrefix: PREFIX, expiresIn: 30 });
  const ttl = await raw.ttl(`${PREFIX}test:${u}`);
  expect(ttl).toBeGreaterThan(29 * 60);
  expect(ttl).toBeLessThanOrEqual(30 * 60);
  const writtenAt = JSON.parse((await raw.get(`${PREFIX}test:${u}`))!).lastActivity;
  const sessions = store({ keyPrefix: PREFIX });
  await sessions.init();
  expect(await sessions.read(`test:${u}`)).toMatchObject({ state: { count: 2 }, lastActivity: writtenAt, version: 0 });
});

test('a session 1.x kept in both places: the copy with the later lastActivity wins (the prefixed one on a tie), and both keys go', async () => {
  const [prefixedNewer, bareNewer, tie] = [user(), user(), user()];
  const t = 1_750_000_000_000;
  // The same bot ran without keyPrefix, then with it (or the other way round).
  await writeOneX([
    oneX(`test:${prefixedNewer}`, { from: 'bare' }, t),
    oneX(`test:${bareNewer}`, { from: 'bare' }, t + 5_000),
    oneX(`test:${tie}`, { from: 'bare' }, t),
  ]);
  await writeOneX(
    [
      oneX(`test:${prefixedNewer}`, { from: 'prefixed' }, t + 5_000),
      oneX(`test:${bareNewer}`, { from: 'prefixed' }, t),
      oneX(`test:${tie}`, { from: 'prefixed' }, t),
    ],
    { keyPrefix: PREFIX },
  );
  const sessions = store({ keyPrefix: PREFIX });
  const { bot, seen, connector } = counterBot(sessions);
  await bot.init();
  expect(await sessions.read(`test:${bareNewer}`)).toMatchObject({ state: { from: 'bare' }, lastActivity: t + 5_000, version: 0 });

  const sent = recordCommands(sessions);
  for (const u of [prefixedNewer, bareNewer, tie]) {
    expect(await bot.handleEvent(connector, new TestEvent({ user: u, id: 'e1' }))).toBe('committed');
  }
  expect(seen).toEqual([{ from: 'prefixed' }, { from: 'bare' }, { from: 'prefixed' }]);
  // Still one lookup per session, and one DEL of both keys after each commit.
  expect(names(sent)).toEqual(['evalsha', 'mget', 'evalsha', 'del', 'evalsha', 'mget', 'evalsha', 'del', 'evalsha', 'mget', 'evalsha', 'del']);
  for (const u of [prefixedNewer, bareNewer, tie]) {
    expect(await raw.exists(`test:${u}`, `${PREFIX}test:${u}`)).toBe(0);
  }
});

test('a prefix with glob characters: its 1.x keys are found, and keys a glob of it would match are not taken for them', async () => {
  const prefix = `b*t?[x]\\${process.pid}:`;
  const [carried, decoyed] = [user(), user()];
  await writeOneX([oneX(`test:${carried}`, { count: 5 })], { keyPrefix: prefix });
  expect(await raw.exists(`${prefix}test:${carried}`)).toBe(1);
  // Matched by the prefix read as an unescaped pattern (`*` any, `?` one, `[x]`, `\d` a digit), but not the prefix.
  const decoy = `b-t-x${process.pid}:test:${decoyed}`;
  await writeOneX([[decoy, oneX(`test:${decoyed}`, { count: 99 })[1]]]);

  const sessions = store({ keyPrefix: prefix });
  const { bot, seen, connector } = counterBot(sessions);
  await bot.init();
  expect(sessions.readsOneXSessions).toBe(true);
  expect(await sessions.read(`test:${decoyed}`)).toBeUndefined();
  await bot.handleEvent(connector, new TestEvent({ user: carried, id: 'e1' }));
  await bot.handleEvent(connector, new TestEvent({ user: decoyed, id: 'e1' }));
  expect(seen).toEqual([{ count: 5 }, {}]);
  expect(await raw.exists(`${prefix}test:${carried}`)).toBe(0);
  expect(await raw.get(decoy)).not.toBeNull();
  // The driver's own keys under that prefix (`b*t?[x]\<pid>:{test:...}`) are never listed as 1.x sessions.
  const listed = (await collect(sessions.list())).filter((r) => r.id.endsWith(carried) || r.id.endsWith(decoyed));
  expect(listed.map((r) => [r.id, r.version]).sort()).toEqual(
    [
      [`test:${carried}`, 1],
      [`test:${decoyed}`, 1],
      [decoy, 0], // a bare-shaped 1.x key of its own, as it always was
    ].sort(),
  );
});

test("a keyPrefix but no 1.x data costs nothing: the driver's own records, locks and held events are not taken for 1.x keys", async () => {
  const [u1, u2] = [user(), user()];
  const first = store({ db: OWN_KEYS_DB, keyPrefix: PREFIX });
  const { bot, connector } = counterBot(first);
  await bot.init();
  expect(first.readsOneXSessions).toBe(false);
  await bot.handleEvent(connector, new TestEvent({ user: u1, id: 'e1' }));
  await first.holdEvent({ sessionId: `test:${u1}`, platform: 'test', eventId: 'e9', rawEvent: { id: 'e9' }, heldAt: 1 });
  const open = await first.begin(`test:${u2}`); // its lock key, a string, stays while the next store starts
  const own = new Redis(urlOf(OWN_KEYS_DB), { maxRetriesPerRequest: 1 });
  try {
    expect(await own.type(`${PREFIX}{test:${u2}}:lock`)).toBe('string');
    expect(await own.type(`${PREFIX}{test:${u1}}:held`)).toBe('hash');
  } finally {
    own.disconnect();
  }

  const next = store({ db: OWN_KEYS_DB, keyPrefix: PREFIX });
  const later = counterBot(next);
  await later.bot.init();
  expect(next.readsOneXSessions).toBe(false);
  expect(await collect(next.list())).toHaveLength(1);
  await open.release();
  const sent = recordCommands(next);
  await later.bot.handleEvent(later.connector, new TestEvent({ user: u1, id: 'e2' })); // has a record
  await later.bot.handleEvent(later.connector, new TestEvent({ user: user(), id: 'e1' })); // a new session
  expect(names(sent)).toEqual(['evalsha', 'evalsha', 'evalsha', 'evalsha']);
});

test('without keyPrefix in the options, only the bare key is looked at (one GET), as 1.x without keyPrefix wrote it', async () => {
  const [bare, prefixed] = [user(), user()];
  await writeOneX([oneX(`test:${bare}`, { count: 1 })]);
  await writeOneX([oneX(`test:${prefixed}`, { count: 1 })], { keyPrefix: PREFIX });
  const sessions = store();
  const { bot, seen, connector } = counterBot(sessions);
  await bot.init();
  const sent = recordCommands(sessions);
  await bot.handleEvent(connector, new TestEvent({ user: bare, id: 'e1' }));
  expect(sent.map(([name, ...args]) => (name === 'evalsha' ? name : [name, ...args]))).toEqual([
    'evalsha',
    ['get', `test:${bare}`],
    'evalsha',
    ['del', `test:${bare}`],
  ]);
  await bot.handleEvent(connector, new TestEvent({ user: prefixed, id: 'e1' }));
  expect(seen).toEqual([{ count: 1 }, {}]);
  expect(await raw.exists(`${PREFIX}test:${prefixed}`)).toBe(1);
});

test('lists 1.x sessions under the prefix not carried over yet, once each, under their own ids', async () => {
  const [listed, both, carried] = [user(), user(), user()];
  await writeOneX([oneX(`test:${both}`, { from: 'bare' }, 1_750_000_000_000)]);
  await writeOneX(
    [oneX(`test:${listed}`, { count: 1 }), oneX(`test:${both}`, { from: 'prefixed' }, 1_750_000_001_000), oneX(`test:${carried}`, { count: 1 })],
    { keyPrefix: PREFIX },
  );
  const sessions = store({ keyPrefix: PREFIX });
  const { bot, connector } = counterBot(sessions);
  await bot.init();
  await bot.handleEvent(connector, new TestEvent({ user: carried, id: 'e1' }));
  const ids = new Set([`test:${listed}`, `test:${both}`, `test:${carried}`]);
  const records = (await collect(sessions.list())).filter((r) => ids.has(r.id));
  expect(records.map((r) => [r.id, r.state, r.version]).sort()).toEqual(
    [
      [`test:${listed}`, { count: 1 }, 0],
      [`test:${both}`, { from: 'prefixed' }, 0],
      [`test:${carried}`, { count: 2 }, 1],
    ].sort(),
  );
});

test('a damaged value at the prefixed key is reported (naming that key), never taken for a new session, and left in place', async () => {
  const u = user();
  await raw.set(`${PREFIX}test:${u}`, 'not json');
  const sessions = store({ keyPrefix: PREFIX });
  const { bot, seen, connector } = counterBot(sessions);
  await bot.init();
  await expect(sessions.read(`test:${u}`)).rejects.toThrow(SessionStoreError);
  await expect(bot.handleEvent(connector, new TestEvent({ user: u, id: 'e1' }))).rejects.toThrow(
    `stored data at key ${JSON.stringify(`${PREFIX}test:${u}`)} is not a Bottender 1.x session`,
  );
  expect(seen).toEqual([]);
  expect(await raw.get(`${PREFIX}test:${u}`)).toBe('not json');
  // The lock was given back: once the operator deletes the key, the session starts over at once.
  await sessions.delete(`test:${u}`);
  expect(await raw.exists(`${PREFIX}test:${u}`)).toBe(0);
  expect(await bot.handleEvent(connector, new TestEvent({ user: u, id: 'e2' }))).toBe('committed');
});

test('the start-time SCAN finds keys only the prefix explains, with or without SCAN ... TYPE (Redis older than 6)', async () => {
  // A prefix that is not itself shaped like a session id, in a database holding nothing else:
  // only the prefix rule can recognise `my bot <pid>:test:u...` as a 1.x session.
  const prefix = `my bot ${process.pid}:`;
  const u = user();
  await writeOneX([oneX(`test:${u}`, { count: 4 })], { keyPrefix: prefix, db: ONLY_PREFIXED_DB });
  const withoutPrefix = store({ db: ONLY_PREFIXED_DB });
  await withoutPrefix.init();
  expect(withoutPrefix.readsOneXSessions).toBe(false);
  const modern = store({ db: ONLY_PREFIXED_DB, keyPrefix: prefix });
  await modern.init();
  expect(modern.readsOneXSessions).toBe(true);

  const old = store({ db: ONLY_PREFIXED_DB, keyPrefix: prefix });
  const client = old.client as Redis;
  const scan = client.scan.bind(client) as (...args: unknown[]) => Promise<[string, string[]]>;
  const scans: unknown[][] = [];
  (client as unknown as { scan: unknown }).scan = (...args: unknown[]) => {
    scans.push(args);
    return args.includes('TYPE') ? Promise.reject(new Error('ERR syntax error')) : scan(...args);
  };
  await old.init();
  expect(old.readsOneXSessions).toBe(true);
  expect(scans.some((args) => !args.includes('TYPE'))).toBe(true);
  const { bot, seen, connector } = counterBot(old);
  await bot.handleEvent(connector, new TestEvent({ user: u, id: 'e1' }));
  expect(seen).toEqual([{ count: 4 }]);
});
