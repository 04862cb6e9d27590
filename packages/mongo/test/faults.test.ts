import { serve, SessionStoreError, silentLogger } from 'bottender';

import { MongoSessionStore } from '../src';
import { type EventAnswer, eventually, inProcessBot, recordingLogger } from '../../../test-support/store-drivers/in-process-bot';
import { freePort } from '../../../test-support/store-drivers/ports';
import { type TestMongo, useTestServer } from './support/mongo-server';
import { StoreFactory } from './support/stores';

/**
 * What happens when MongoDB is missing, goes away or stops answering: a clear error at start, 503
 * answers (never a crash, never a 200 without a write) while it is gone, and handling that resumes
 * by itself. These tests take their own test server down and bring it back.
 */
const server = useTestServer('mongo faults');
let stores: StoreFactory | undefined;

afterEach(() => stores?.closeAll());

/** A test that takes the test server down or freezes it (skipped when it is not installed). */
function withOwnMongo(name: string, body: (mongo: TestMongo) => Promise<void>): void {
  server.test(name, async () => {
    stores ??= new StoreFactory(server.mongo());
    await body(server.mongo());
  });
}

/** A counter bot and a function that posts the next event of `u` to it as a webhook request. */
const counterBot = (store: MongoSessionStore) => inProcessBot(store, { lockTimeoutMs: 3_000 });

test('init fails within connectTimeoutMs with a clear message when nothing listens, password hidden', async () => {
  const port = await freePort();
  const store = new MongoSessionStore({ url: `mongodb://bot:s3cret@127.0.0.1:${port}/app`, connectTimeoutMs: 500, logger: silentLogger });
  const started = Date.now();
  const init = store.init();
  await expect(init).rejects.toBeInstanceOf(SessionStoreError);
  await expect(init).rejects.toThrow(`cannot connect to MongoDB at mongodb://bot:***@127.0.0.1:${port}/app: connect ECONNREFUSED 127.0.0.1:${port}`);
  expect(Date.now() - started).toBeLessThan(2_000);
  // A later init tries again (the store is not left broken), and fails the same way.
  await expect(store.init()).rejects.toThrow('cannot connect to MongoDB at');
  await store.close();
});

test('serve() refuses to start when MongoDB is unreachable, naming where it looked', async () => {
  const port = await freePort();
  const store = new MongoSessionStore({ url: `mongodb://127.0.0.1:${port}`, connectTimeoutMs: 300, logger: silentLogger });
  const { bot, connector } = counterBot(store);
  await expect(serve({ bot, channels: [{ path: '/webhooks/test', connector }], port: 0, host: '127.0.0.1' })).rejects.toThrow(
    `cannot connect to MongoDB at mongodb://127.0.0.1:${port}`,
  );
  await store.close();
});

withOwnMongo('MongoDB going away mid-run: 503s (at once once it is known down), the process stays up, and handling resumes by itself', async (mongo) => {
  const logger = recordingLogger();
  // outageRetryMs 5 s: the two events after the first are inside the window in which a known outage
  // is refused without trying (at the default 2 s, a first event that waited out connectTimeoutMs
  // could leave the next one to be the event that tries again).
  const store = stores!.store({ logger, connectTimeoutMs: 1_000, outageRetryMs: 5_000 });
  const { bot, post } = counterBot(store);
  expect([(await post()).status, (await post()).status]).toEqual([200, 200]);

  await mongo.down();
  try {
    const down = [await post(), await post(), await post()];
    expect(down.map((a) => a.status)).toEqual([503, 503, 503]);
    expect(down[0].ms).toBeLessThan(2_500); // within connectTimeoutMs (and some load)
    // Known down: refused without trying, well under the 1 s a try would take (500 ms: a loaded
    // CI machine has taken 376 ms to answer a refusal).
    expect(Math.max(down[1].ms, down[2].ms)).toBeLessThan(500);
    await eventually(() => logger.lines.some((l) => l.startsWith('warn: mongo session store: mongodb://127.0.0.1:') && l.includes(' is unavailable (')), 5_000, 20);
  } finally {
    await mongo.up(); // also when an assertion failed, so later tests have their server
  }
  const deadline = Date.now() + 15_000;
  let answer = await post();
  while (answer.status !== 200 && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    answer = await post();
  }
  expect(answer.status).toBe(200);
  await eventually(() => logger.lines.some((l) => l.startsWith('info: mongo session store: mongodb://127.0.0.1:') && l.includes(' is back after ')), 5_000, 20);
  expect(logger.lines.filter((l) => l.includes(' is unavailable ('))).toHaveLength(1);
  // Two answered 200 before the outage (the data survived), one after it; no 503 wrote anything.
  expect((await store.read('test:u'))!.state.count).toBe(3);
  await bot.close();
});

withOwnMongo('a frozen MongoDB (connected, not answering) fails the event after commandTimeoutMs, is an outage until an event gets through, and the session is free again after it', async (mongo) => {
  const store = stores!.store({ commandTimeoutMs: 1_000, lockLeaseMs: 1_500, outageRetryMs: 3_000 });
  const { post } = counterBot(store);
  expect((await post()).status).toBe(200);
  mongo.pause();
  let frozen: EventAnswer;
  try {
    frozen = await post();
  } finally {
    mongo.resume();
  }
  expect(frozen.status).toBe(503);
  expect(frozen.ms).toBeGreaterThanOrEqual(950);
  expect(frozen.ms).toBeLessThan(3_000);
  // It did not answer: an outage. The next event, before outageRetryMs, is refused without trying.
  const refused = await post();
  expect(refused.status).toBe(503);
  expect(refused.ms).toBeLessThan(500); // not the 1 s of commandTimeoutMs
  // The lock-and-read that timed out may still have run once MongoDB thawed; the release sent
  // after it, or else the lease, frees the session for the event that tries again.
  const started = Date.now();
  let after = await post();
  while (after.status !== 200 && Date.now() - started < 3_000 + 1_500 + 2_000) {
    await new Promise((resolve) => setTimeout(resolve, 50));
    after = await post();
  }
  expect(after.status).toBe(200);
  expect((await store.read('test:u'))!.state.count).toBe(2);
});
