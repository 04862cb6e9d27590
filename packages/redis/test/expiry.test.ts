import { Bot, silentLogger, VersionConflictError } from 'bottender';
import { TestConnector, TestEvent } from 'bottender/testing';

import { sessionKeys } from '../src';
import { record, uniquePrefix, useRedisSuite } from './support/stores';

/**
 * A session's record is a key whose TTL is the session's `expiresIn`. An event that began while
 * the record was alive continues it: while the event holds the session's lock, the record is kept
 * at least as long as the lock (raised to the lease plus a second at `begin` and at every
 * renewal), so a key that would have expired mid-event is neither lost nor reported as "changed
 * by another writer". Once the event lets go, the record expires at most a lease later than its
 * own TTL said (and the runtime judges expiry by `lastActivity` anyway).
 */
const { stores, withRedis } = useRedisSuite('redis expiry');

const LEASE_MS = 400;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function setup() {
  const keyPrefix = uniquePrefix('expiry');
  return {
    store: stores.store({ keyPrefix, lockLeaseMs: LEASE_MS }),
    raw: stores.client(),
    data: (id: string) => sessionKeys(keyPrefix, id).data,
  };
}

withRedis('a record whose TTL runs out while its event runs is kept by the lease; the commit succeeds', async () => {
  const { store, raw, data } = setup();
  // A TTL longer than a loaded machine may take from this write to the begin below, shorter
  // than the wait after it.
  await store.write(record('test:ttl', 1, { count: 1 }), { expectedVersion: 0, ttlMs: 1_000 });
  const tx = await store.begin('test:ttl', { timeoutMs: 1_000 });
  expect(tx.record!.state).toEqual({ count: 1 });
  // Past the record's TTL and past several leases: the renewals keep the record too.
  await sleep(2_500);
  expect(await raw.exists(data('test:ttl'))).toBe(1);
  await tx.commit(record('test:ttl', 2, { count: 2 }), { ttlMs: 60_000 });
  expect((await store.read('test:ttl'))!.state).toEqual({ count: 2 });
  expect(await raw.pttl(data('test:ttl'))).toBeGreaterThan(59_000); // the commit set the session's own TTL again
});

withRedis('without the keep-alive the same commit would be refused as another writer\'s change (the control)', async () => {
  const { store, raw, data } = setup();
  await store.write(record('test:gone', 1), { expectedVersion: 0, ttlMs: 60_000 });
  const tx = await store.begin('test:gone', { timeoutMs: 1_000 });
  await raw.del(data('test:gone')); // what an expiry mid-event did before the keep-alive
  await expect(tx.commit(record('test:gone', 2), {})).rejects.toBeInstanceOf(VersionConflictError);
});

withRedis('a record with a TTL longer than the lease keeps its TTL; one without a TTL gets none', async () => {
  const { store, raw, data } = setup();
  await store.write(record('test:long', 1), { expectedVersion: 0, ttlMs: 60_000 });
  await store.write(record('test:forever', 1), { expectedVersion: 0 });
  const long = await store.begin('test:long', { timeoutMs: 1_000 });
  const forever = await store.begin('test:forever', { timeoutMs: 1_000 });
  expect(await raw.pttl(data('test:long'))).toBeGreaterThan(59_000);
  expect(await raw.pttl(data('test:forever'))).toBe(-1);
  await Promise.all([long.release(), forever.release()]);
});

withRedis('after an event lets go without a commit, the record expires a lease (and a second) later at most', async () => {
  const { store, raw, data } = setup();
  await store.write(record('test:release', 1), { expectedVersion: 0, ttlMs: 1_000 });
  const tx = await store.begin('test:release', { timeoutMs: 1_000 });
  const kept = await raw.pttl(data('test:release'));
  expect(kept).toBeGreaterThan(LEASE_MS);
  expect(kept).toBeLessThanOrEqual(LEASE_MS + 1_000);
  await tx.release();
  await sleep(LEASE_MS + 1_000 + 300);
  expect(await raw.exists(data('test:release'))).toBe(0);
});

withRedis('through the runtime: a handler outlasting the session\'s TTL commits, counting on from the state it read', async () => {
  const { store } = setup();
  const connector = new TestConnector();
  const bot = new Bot({
    store,
    logger: silentLogger,
    app: async (context) => {
      if (context.event.text === 'slow') await sleep(2_500);
      context.setState({ count: (context.state.count ?? 0) + 1 });
    },
  });
  // The runtime's expiresIn is in minutes; a short TTL is given to the record directly instead.
  await store.write(
    { ...record('test:u', 1, { count: 1 }), lastActivity: Date.now() },
    { expectedVersion: 0, ttlMs: 1_000 },
  );
  const outcome = await bot.handleEvent(connector, new TestEvent({ user: 'u', id: 'e2', text: 'slow' }));
  expect(['committed', 'handled']).toContain(outcome);
  const stored = await store.read('test:u');
  expect(stored).toMatchObject({ version: 2, state: { count: 2 } });
});
