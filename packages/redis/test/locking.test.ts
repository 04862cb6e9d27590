import { SessionBusyError } from 'bottender';

import { type RedisSessionStore, sessionKeys } from '../src';
import { busyBeginGivesUpAtBound, deadOwnerFreesAfterLease, incrementsLoseNoUpdate, overtakenWriteIsRefusedAndUnlocks, secondProcessWaitsThenReads, slowHandlerKeepsItsLock, takenOverLeaseRefusesStaleWrite, transactionFinishesOnce, wait } from '../../../test-support/store-drivers/locking';
import { record, uniquePrefix, useRedisSuite } from './support/stores';

/**
 * The cross-instance lock: each store below has its own connection, standing in for one bot
 * process. An event takes the lock and reads in `begin`, and writes and unlocks in `commit`.
 */
const { stores, withRedis } = useRedisSuite('redis locking');

/** Two stores ("processes") sharing one prefix, plus a raw client to look at the keys. */
function twoProcesses(options: { lockLeaseMs?: number } = {}) {
  const keyPrefix = uniquePrefix('lock');
  return {
    a: stores.store({ keyPrefix, ...options }),
    b: stores.store({ keyPrefix, ...options }),
    raw: stores.client(),
    keys: (id: string) => sessionKeys(keyPrefix, id),
  };
}

withRedis('begin locks the session with a lease and reads it; commit writes and unlocks', async () => {
  const { a, raw, keys } = twoProcesses();
  const first = await a.begin('test:u', wait(1000));
  expect(first.record).toBeUndefined();
  const pttl = await raw.pttl(keys('test:u').lock);
  expect(pttl).toBeGreaterThan(1_000);
  expect(pttl).toBeLessThanOrEqual(2_000);
  await first.commit(record('test:u', 1, { count: 1 }), { ttlMs: 60_000 });
  expect(await raw.exists(keys('test:u').lock)).toBe(0);
  expect(await raw.pttl(keys('test:u').data)).toBeGreaterThan(59_000);
  const second = await a.begin('test:u', wait(1000));
  expect(second.record).toEqual(record('test:u', 1, { count: 1 }));
  await second.commit(record('test:u', 2, { count: 2 }), {});
  expect(await raw.pttl(keys('test:u').data)).toBe(-1); // no expiresIn: kept forever
});

withRedis('a second process waits for the lock and then reads what the first committed', async () => {
  const { a, b } = twoProcesses();
  await secondProcessWaitsThenReads(a, b);
});

withRedis('waiting is bounded by the signal: past it, SessionBusyError naming the session', async () => {
  const { a, b, raw, keys } = twoProcesses();
  const held = await a.begin('test:busy', wait(1000));
  await busyBeginGivesUpAtBound(b, 'test:busy', { boundMs: 200, given: 'signal', lessThanMs: 600 });
  expect(await raw.exists(keys('test:busy').lock)).toBe(1); // the holder keeps its lock
  await held.release();
  // An already aborted signal gives up at once, without touching Redis.
  const controller = new AbortController();
  controller.abort();
  await expect(b.begin('test:busy', { signal: controller.signal })).rejects.toBeInstanceOf(SessionBusyError);
});

withRedis('waiting is bounded by timeoutMs (what the runtime passes) the same way', async () => {
  const { a, b } = twoProcesses();
  const held = await a.begin('test:busy-timeout', { timeoutMs: 1000 });
  await busyBeginGivesUpAtBound(b, 'test:busy-timeout', { boundMs: 200, given: 'timeoutMs', lessThanMs: 600 });
  await held.release();
  const next = await b.begin('test:busy-timeout', { timeoutMs: 200 });
  await next.release();
});

withRedis('a slow handler keeps its lock: the lease is renewed while the transaction is open', async () => {
  const { a, b, raw, keys } = twoProcesses({ lockLeaseMs: 300 });
  await slowHandlerKeepsItsLock(a, b, { leaseMs: 300, holdMs: 1_000, leaseLeft: (id) => raw.pttl(keys(id).lock) });
});

withRedis('a lock whose owner stopped renewing (a dead process) frees itself after the lease', async () => {
  const { a, b } = twoProcesses({ lockLeaseMs: 300 });
  await deadOwnerFreesAfterLease(a, b, () => a.client.disconnect(), 1_000);
});

withRedis('a write whose lease ran out is refused, and only the owner can release or extend a lock', async () => {
  const { a, b, raw, keys } = twoProcesses();
  await takenOverLeaseRefusesStaleWrite(a, b, {
    expireLease: (id) => raw.del(keys(id).lock), // the lease ran out (e.g. the process stalled)
    owner: (id) => raw.get(keys(id).lock),
  });
});

withRedis('a write whose version was overtaken is refused, and the lock is given up', async () => {
  const { a, raw, keys } = twoProcesses();
  await overtakenWriteIsRefusedAndUnlocks(a, { owner: (id) => raw.get(keys(id).lock) });
});

withRedis('a transaction finishes once: a second commit is an error, release after it does nothing', async () => {
  const { a, b } = twoProcesses();
  await transactionFinishesOnce(a, b);
});

withRedis('four processes incrementing one session 200 times in all lose no update', async () => {
  const keyPrefix = uniquePrefix('race');
  const processes: RedisSessionStore[] = Array.from({ length: 4 }, () => stores.store({ keyPrefix }));
  // Fairness is not the point here: a loaded CI machine may starve one waiter for seconds.
  await incrementsLoseNoUpdate(processes, { total: 200, order: 'all at once', bound: () => wait(45_000) });
});
