import { sessionKeys } from '../src';
import { type BotProcess, postEvents, spawnBot, stopAll } from './support/bots';
import { redisTest, startRedisOrSkip, type TestRedis } from './support/redis-server';
import { StoreFactory, uniquePrefix } from './support/stores';

/**
 * A bot process dies (SIGKILL) while its handler holds a session's lock. The lock must not
 * outlive its lease: the next event for that session, at another process, proceeds after it,
 * with the state as last committed (the dead process's half-done event left no trace).
 */
const it = redisTest('redis, killed lock holder');
let redis: TestRedis | undefined;
let stores: StoreFactory;
let bots: BotProcess[] = [];

beforeAll(async () => {
  redis = await startRedisOrSkip('redis, killed lock holder');
  if (redis) stores = new StoreFactory(redis);
});
afterAll(async () => {
  await stopAll(bots);
  await stores?.closeAll();
  await redis?.dispose();
});

const LEASE_MS = 1_500;

it('killing the process that holds a lock: the next event proceeds after the lease, from the last commit', async () => {
  if (!redis) throw new Error('no Redis');
  const keyPrefix = uniquePrefix('crash');
  const settings = { redisUrl: redis.url, keyPrefix, lockLeaseMs: LEASE_MS, lockTimeoutMs: 8_000 };
  const [doomed, survivor] = (bots = await Promise.all([spawnBot(settings), spawnBot(settings)]));
  const raw = stores.client();
  const lockKey = sessionKeys(keyPrefix, 'test:u').lock;

  expect((await postEvents(doomed, [{ user: 'u', id: 'e1' }])).status).toBe(200);

  // e2's handler never returns: the doomed process holds the lock and keeps renewing its lease.
  const hung = postEvents(doomed, [{ user: 'u', id: 'e2', text: 'hang' }]);
  await doomed.waitForLine(/^HANG "test:u"$/);
  await new Promise((resolve) => setTimeout(resolve, 2 * LEASE_MS));
  expect(await raw.pttl(lockKey)).toBeGreaterThan(0); // still held: renewed past two leases

  const leaseLeft = await raw.pttl(lockKey);
  await doomed.kill('SIGKILL');
  const killedAt = Date.now();
  const answer = await postEvents(survivor, [{ user: 'u', id: 'e3' }]);
  const waited = answer.at - killedAt;

  expect(answer.status).toBe(200);
  // It waited for the rest of the lease (renewed every LEASE_MS / 3), and not much longer.
  expect(waited).toBeGreaterThanOrEqual(leaseLeft - 100);
  expect(waited).toBeLessThan(LEASE_MS + 1_000);
  expect((await hung).status).toBe(0); // the hung request never got an answer, certainly not 200

  const store = stores.store({ keyPrefix });
  const record = await store.read('test:u');
  expect(record).toMatchObject({ version: 2, eventIds: ['e1', 'e3'], state: { count: 2 } });
  expect(survivor.runs.map((run) => [run.event, run.count])).toEqual([['e3', 2]]);
  expect(await raw.exists(lockKey)).toBe(0);
  console.info(`killed lock holder: the next event waited ${waited} ms (lease ${LEASE_MS} ms, ${leaseLeft} ms left at the kill)`);
});
