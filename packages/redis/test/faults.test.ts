import { serve, SessionStoreError, silentLogger } from 'bottender';
import { Redis } from 'ioredis';

import { RedisSessionStore } from '../src';
import { eventually, inProcessBot, recordingLogger } from '../../../test-support/store-drivers/in-process-bot';
import { freePort } from '../../../test-support/store-drivers/ports';
import { redisTest, startRedisOrSkip, type TestRedis } from './support/redis-server';
import { record, StoreFactory } from './support/stores';

/**
 * What happens when Redis is missing, refuses us, goes away or stops answering: a clear error at
 * start, 503 answers (never a crash, never a 200 without a write) while it is gone, and handling
 * that resumes by itself. These tests stop and start their own redis-server.
 */
const it = redisTest('redis faults', 'own server');
let redis: TestRedis | undefined;
let stores: StoreFactory;

beforeAll(async () => {
  redis = await startRedisOrSkip('redis faults', { persistent: true });
  if (redis) stores = new StoreFactory(redis);
});
afterEach(() => stores?.closeAll());
afterAll(() => redis?.dispose());

function withOwnRedis(name: string, body: (redis: TestRedis) => Promise<void>): void {
  it(name, async () => {
    if (!redis?.controllable) throw new Error('no redis-server of our own');
    await body(redis);
  });
}

/** A counter bot and a function that posts the next event of `u` to it as a webhook request. */
const counterBot = (store: RedisSessionStore) => inProcessBot(store, { lockTimeoutMs: 2_000 });

test('init fails at once with a clear message when nothing listens, and stops retrying', async () => {
  const port = await freePort();
  for (const options of [{ port }, { url: `redis://:secret@127.0.0.1:${port}/0` }]) {
    const store = new RedisSessionStore({ ...options, logger: silentLogger });
    const started = Date.now();
    const init = store.init();
    await expect(init).rejects.toBeInstanceOf(SessionStoreError);
    await expect(init).rejects.toThrow(
      'port' in options
        ? `cannot connect to Redis at 127.0.0.1:${port}: connect ECONNREFUSED 127.0.0.1:${port}`
        : `cannot connect to Redis at redis://:***@127.0.0.1:${port}/0: connect ECONNREFUSED`,
    );
    expect(Date.now() - started).toBeLessThan(2_000);
    // No reconnection loop is left behind: the connection ends once its socket has closed.
    const endBy = Date.now() + 1_000;
    while (store.client.status !== 'end' && Date.now() < endBy) await new Promise((resolve) => setTimeout(resolve, 10));
    expect(store.client.status).toBe('end');
    await store.close();
  }
});

test('serve() refuses to start when Redis is unreachable, naming where it looked', async () => {
  const port = await freePort();
  const store = new RedisSessionStore({ port, logger: silentLogger });
  const { bot, connector } = counterBot(store);
  await expect(serve({ bot, channels: [{ path: '/webhooks/test', connector }], port: 0, host: '127.0.0.1' })).rejects.toThrow(
    `cannot connect to Redis at 127.0.0.1:${port}`,
  );
  await store.close();
});

it('a wrong password is a clear start error; the right one and db work', async () => {
  const guarded = await startRedisOrSkip('redis faults (password)', { args: ['--requirepass', 's3cret'] });
  if (!guarded?.controllable) throw new Error('no redis-server of our own');
  const wrong = new RedisSessionStore({ host: guarded.host, port: guarded.port, password: 'nope', logger: silentLogger });
  const right = new RedisSessionStore({ host: guarded.host, port: guarded.port, password: 's3cret', db: 3 });
  const raw = new Redis({ port: guarded.port, password: 's3cret', db: 3, lazyConnect: true });
  try {
    await expect(wrong.init()).rejects.toThrow(/^cannot connect to Redis at 127\.0\.0\.1:\d+: WRONGPASS/);
    await right.write(record('test:db', 1), { expectedVersion: 0 });
    await raw.connect();
    expect(await raw.dbsize()).toBe(1); // landed in database 3
  } finally {
    raw.disconnect();
    await wrong.close();
    await right.close();
    await guarded.dispose();
  }
});

withOwnRedis('Redis going away mid-run: prompt 503s, the process stays up, and handling resumes by itself', async (redis) => {
  const logger = recordingLogger();
  const store = stores.store({ logger });
  const { bot, post } = counterBot(store);
  const ok = [await post(), await post()];
  expect(ok.map((a) => a.status)).toEqual([200, 200]);

  await redis.kill();
  try {
    const down = [await post(), await post(), await post()];
    expect(down.map((a) => a.status)).toEqual([503, 503, 503]);
    expect(Math.max(...down.map((a) => a.ms))).toBeLessThan(1_000);
    // The loss is reported once, when ioredis notices the closed socket (possibly after a 503).
    await eventually(() => logger.lines.some((l) => l.startsWith(`warn: redis session store: ${redis.url} is unavailable`)), 2_000);
  } finally {
    await redis.restart(); // also when an assertion failed, so later tests have their Redis
  }
  const deadline = Date.now() + 10_000;
  let answer = await post();
  while (answer.status !== 200 && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    answer = await post();
  }
  expect(answer.status).toBe(200);
  await eventually(() => logger.lines.some((l) => l.startsWith(`info: redis session store: ${redis.url} is back after `)), 2_000);
  // Once down, once back: no line per refused event.
  expect(logger.lines.filter((l) => l.includes(redis.url))).toHaveLength(2);
  // Two answered 200 before the outage (the data survived the restart), one after it.
  expect((await store.read('test:u'))!.state.count).toBe(3);
  await bot.close();
});

withOwnRedis('a frozen Redis (connected, not answering) fails the event after commandTimeoutMs', async (redis) => {
  const store = stores.store({ commandTimeoutMs: 300, outageRetryMs: 100 });
  const { post } = counterBot(store);
  expect((await post()).status).toBe(200);
  redis.pause();
  try {
    const frozen = await post();
    expect(frozen.status).toBe(503);
    expect(frozen.ms).toBeGreaterThanOrEqual(250);
    expect(frozen.ms).toBeLessThan(1_500);
  } finally {
    redis.resume();
  }
  // The begin that timed out still ran once Redis thawed; the release sent after it freed the
  // lock at once, so the session is not blocked for a lease. (The timeout marked Redis down:
  // events are refused at once until the next try, outageRetryMs later.)
  await new Promise((resolve) => setTimeout(resolve, 150));
  const after = await post();
  expect(after.status).toBe(200);
  expect(after.ms).toBeLessThan(500);
});

withOwnRedis('a client you pass is used as it is and stays open after close()', async (redis) => {
  const client = new Redis(redis.url, { lazyConnect: true, enableOfflineQueue: false, maxRetriesPerRequest: 0 });
  try {
    const store = new RedisSessionStore({ client, keyPrefix: 'bottender-test:own-client:' });
    await store.write(record('test:own', 1), { expectedVersion: 0 });
    expect(store.client).toBe(client);
    await store.close();
    expect(client.status).toBe('ready');
    expect(await client.ping()).toBe('PONG');
    await expect(store.read('test:own')).rejects.toThrow('the redis session store is closed');
  } finally {
    client.disconnect();
  }
});
