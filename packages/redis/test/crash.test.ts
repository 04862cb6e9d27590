import { killedLockHolderFreesAfterLease } from '../../../test-support/store-drivers/killed-lock-holder';
import { sessionKeys } from '../src';
import { type BotProcess, spawnBot, stopAll } from './support/bots';
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
  await killedLockHolderFreesAfterLease({
    doomed,
    survivor,
    // Renewed every LEASE_MS / 3.
    leaseMs: LEASE_MS,
    leaseLeft: async () => {
      const ms = await raw.pttl(lockKey);
      return ms === -2 ? null : ms; // -2: no such key
    },
    store: stores.store({ keyPrefix }),
    earlySlackMs: 100,
    lateSlackMs: 1_000,
    label: 'killed lock holder',
  });
});
