import { describeSessionStoreConformance } from 'bottender/testing';
import { Redis } from 'ioredis';

import { RedisSessionStore, sessionKeys } from '../src';
import { redisAvailability, startRedisOrSkip, type TestRedis } from './support/redis-server';
import { uniquePrefix } from './support/stores';

/**
 * The core conformance suite (the promises every driver keeps), run against a real
 * redis-server that this file starts on a free port (or REDIS_URL when there is no binary).
 */
const availability = redisAvailability('redis conformance');
let redis: TestRedis | undefined;
let raw: Redis | undefined;
const prefixes = new WeakMap<RedisSessionStore, string>();

beforeAll(async () => {
  redis = await startRedisOrSkip('redis conformance');
  if (!redis) return;
  raw = new Redis(redis.url, { lazyConnect: true, maxRetriesPerRequest: 1 });
  await raw.connect();
});
afterAll(async () => {
  raw?.disconnect();
  await redis?.dispose();
});

function makeStore(): RedisSessionStore {
  if (!redis) throw new Error('no Redis for the conformance suite');
  const keyPrefix = uniquePrefix('conformance');
  const store = new RedisSessionStore({ url: redis.url, keyPrefix });
  prefixes.set(store, keyPrefix);
  return store;
}

if (availability) {
  describeSessionStoreConformance('redis', makeStore, {
    // Damages the stored record the way a bad migration or another program might.
    corrupt: async (store, id) => {
      await raw!.hset(sessionKeys(prefixes.get(store)!, id).data, 'r', '{"id": truncated');
    },
    // Removes whatever the check left under its prefix (SCAN + DEL; never KEYS or FLUSHDB).
    cleanup: async (store) => {
      const prefix = prefixes.get(store)!;
      let cursor = '0';
      do {
        const [next, keys] = await raw!.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500);
        cursor = next;
        if (keys.length > 0) await raw!.del(...keys);
      } while (cursor !== '0');
    },
    // Redis removes expired keys itself; reads never see them past their TTL.
    ttlMs: 50,
    holdsEvents: true,
    expiryGraceMs: 1_000,
  });
} else {
  // Reported by Jest as skipped (after redisAvailability's notice), never as passed.
  test.skip('redis session store conformance (no Redis: see the notice above)', () => {});
}
