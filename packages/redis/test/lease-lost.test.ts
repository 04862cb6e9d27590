import { type Answer, type BotProcess, postEvents, spawnBot, stopAll } from './support/bots';
import { redisTest, startRedisOrSkip, type TestRedis } from './support/redis-server';
import { StoreFactory, uniquePrefix } from './support/stores';

/**
 * A server paused longer than its lease (here frozen with SIGSTOP, as a stopped, swapping or
 * GC-bound process would be: its lease-renewal timer stops with it) wakes to find that another
 * server has taken the session and carried on. Its commit must be refused and answered 503, and
 * the platform's redelivery counted once: no lost update, no event applied twice.
 */
const it = redisTest('redis, lease lost while paused');
let redis: TestRedis | undefined;
let stores: StoreFactory;
let bots: BotProcess[] = [];

beforeAll(async () => {
  redis = await startRedisOrSkip('redis, lease lost while paused');
  if (redis) stores = new StoreFactory(redis);
});
afterAll(async () => {
  await stopAll(bots);
  await stores?.closeAll();
  await redis?.dispose();
});

const LEASE_MS = 1_000;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

it('a server frozen past its lease has its commit refused (503) while another carried on; the redelivery counts once', async () => {
  if (!redis) throw new Error('no Redis');
  const keyPrefix = uniquePrefix('paused');
  const settings = { redisUrl: redis.url, keyPrefix, lockLeaseMs: LEASE_MS, lockTimeoutMs: 10_000, slowMs: 1_500 };
  const [paused, other] = (bots = await Promise.all([spawnBot(settings), spawnBot(settings)]));

  expect((await postEvents(other, [{ user: 'u', id: 'e0', text: 'track' }])).status).toBe(200);

  // e1 starts at `paused` and is frozen inside its handler, holding the session's lock.
  const frozenAnswer: Promise<Answer> = postEvents(paused, [{ user: 'u', id: 'e1', text: 'slow' }]);
  await paused.waitForLine(/^SLOW "test:u" "e1"$/);
  paused.signal('SIGSTOP');
  const frozenAt = Date.now();

  // Meanwhile e2 goes to the other server: it waits for the lock, gets it once the frozen
  // server's lease has run out (nothing renews it), commits, and answers 200.
  const carriedOn = await postEvents(other, [{ user: 'u', id: 'e2', text: 'track' }]);
  expect(carriedOn.status).toBe(200);
  expect(carriedOn.at - frozenAt).toBeGreaterThanOrEqual(LEASE_MS - 100);
  await sleep(Math.max(0, 2 * LEASE_MS - (Date.now() - frozenAt))); // well past the lease

  // The frozen server wakes, finishes its handler, and its commit is refused.
  paused.signal('SIGCONT');
  const refused = await frozenAnswer;
  expect(refused.status).toBe(503);
  // Why: the lease ran out (LeaseLostError), as the runtime logs it.
  expect(paused.stderr.join('\n')).toMatch(/session "test:u": the lock's lease \(1000 ms\) ran out before the write/);
  expect(paused.runs.map((run) => run.event)).toEqual(['e1']); // its handler did run to the end
  expect(paused.alive()).toBe(true);

  const store = stores.store({ keyPrefix });
  const afterWake = await store.read('test:u');
  expect(afterWake!.state).toEqual({ count: 2, ids: ['e0', 'e2'] }); // e1's refused write left no trace
  expect(afterWake!.version).toBe(2);

  // The platform redelivers e1 (to either server): it is counted once; a second redelivery is a duplicate.
  expect((await postEvents(paused, [{ user: 'u', id: 'e1', text: 'track' }])).status).toBe(200);
  expect((await postEvents(other, [{ user: 'u', id: 'e1', text: 'track' }])).status).toBe(200);
  const final = await store.read('test:u');
  expect(final!.state).toEqual({ count: 3, ids: ['e0', 'e2', 'e1'] });
  expect(final!.eventIds).toEqual(['e0', 'e2', 'e1']);
  expect([...paused.runs, ...other.runs].filter((run) => run.event === 'e1')).toHaveLength(2); // the refused run and the redelivery
}, 60_000);
