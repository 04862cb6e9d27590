import { SessionBusyError } from 'bottender';

import { LeaseLostError, type MongoSessionStore } from '../src';
import { busyBeginGivesUpAtBound, deadOwnerFreesAfterLease, incrementsLoseNoUpdate, overtakenWriteIsRefusedAndUnlocks, secondProcessWaitsThenReads, slowHandlerKeepsItsLock, takenOverLeaseRefusesStaleWrite, transactionFinishesOnce, wait } from '../../../test-support/store-drivers/locking';
import { mongoBackends, notRun, record, uniqueDbName, useMongoSuite } from './support/stores';

/**
 * The cross-instance lock: each store below has its own client, standing in for one bot process.
 * An event takes the lock and reads in `begin`, and writes and unlocks in `commit`.
 */
const backends = mongoBackends('mongo locking');
if (backends.length === 0) notRun('mongo locking');

describe.each(backends)('against the %s', (backend) => {
  const { stores, withMongo } = useMongoSuite(backend);

  /** Two stores ("processes") sharing one database, plus a raw collection to look at the documents. */
  function twoProcesses(options: { lockLeaseMs?: number } = {}) {
    const dbName = uniqueDbName('lock');
    const a = stores.store({ dbName, ...options });
    return { a, b: stores.store({ dbName, ...options }), raw: stores.rawDb(a).collection('sessions') };
  }

  withMongo('begin locks the session with a lease and reads it; commit writes and unlocks', async () => {
    const { a, raw } = twoProcesses();
    const first = await a.begin('test:u', wait(1000));
    expect(first.record).toBeUndefined();
    const locked = await raw.findOne({ sid: 'test:u' });
    expect(typeof locked!.lock).toBe('string');
    expect(locked!.lockUntil.getTime() - Date.now()).toBeGreaterThan(1_000);
    expect(locked!.lockUntil.getTime() - Date.now()).toBeLessThanOrEqual(2_000);
    await first.commit(record('test:u', 1, { count: 1 }), { ttlMs: 60_000 });
    const written = await raw.findOne({ sid: 'test:u' });
    expect(written).toMatchObject({ lock: null, lockUntil: new Date(0), v: 1 });
    expect(written!.expiresAt.getTime() - Date.now()).toBeGreaterThan(59_000);
    const second = await a.begin('test:u', wait(1000));
    expect(second.record).toEqual(record('test:u', 1, { count: 1 }));
    await second.commit(record('test:u', 2, { count: 2 }), {});
    expect((await raw.findOne({ sid: 'test:u' }))!.expiresAt).toBeUndefined(); // no expiresIn: kept forever
  });

  withMongo('a second process waits for the lock and then reads what the first committed', async () => {
    const { a, b } = twoProcesses();
    await secondProcessWaitsThenReads(a, b);
  });

  withMongo('waiting is bounded by timeoutMs (what the runtime passes) or a signal: then SessionBusyError naming the session', async () => {
    const { a, b, raw } = twoProcesses();
    const held = await a.begin('test:busy', { timeoutMs: 1000 });
    const token = (await raw.findOne({ sid: 'test:busy' }))!.lock;
    for (const given of ['timeoutMs', 'signal'] as const) await busyBeginGivesUpAtBound(b, 'test:busy', { boundMs: 200, given, lessThanMs: 1_000 });
    expect((await raw.findOne({ sid: 'test:busy' }))!.lock).toBe(token); // the holder keeps its lock
    expect(await raw.countDocuments({})).toBe(1); // and waiting never created a second document
    await held.release();
    // An already aborted signal gives up at once, without touching MongoDB.
    const controller = new AbortController();
    controller.abort();
    await expect(b.begin('test:busy', { signal: controller.signal })).rejects.toBeInstanceOf(SessionBusyError);
    const next = await b.begin('test:busy', { timeoutMs: 200 });
    await next.release();
  });

  withMongo('a slow handler keeps its lock: the lease is renewed while the transaction is open', async () => {
    const { a, b, raw } = twoProcesses({ lockLeaseMs: 300 });
    await slowHandlerKeepsItsLock(a, b, {
      leaseMs: 300,
      holdMs: 1_000,
      leaseLeft: async (sid) => (await raw.findOne({ sid }))!.lockUntil.getTime() - Date.now(),
    });
  });

  withMongo('a lock whose owner stopped renewing (a dead process) frees itself after the lease', async () => {
    const { a, b } = twoProcesses({ lockLeaseMs: 300 });
    await deadOwnerFreesAfterLease(a, b, () => a.client.close(), 1_000);
  });

  withMongo('a write whose lease ran out and was taken over is refused; only the owner can release or extend a lock', async () => {
    const { a, b, raw } = twoProcesses();
    await takenOverLeaseRefusesStaleWrite(a, b, {
      // The lease ran out (the process stalled).
      expireLease: (sid) => raw.updateOne({ sid }, { $set: { lockUntil: new Date(0) } }),
      owner: async (sid) => (await raw.findOne({ sid }))!.lock,
    });
  });

  withMongo('a write whose version was overtaken is refused, and the lock is given up', async () => {
    const { a, raw } = twoProcesses();
    await overtakenWriteIsRefusedAndUnlocks(a, { owner: async (sid) => (await raw.findOne({ sid }))!.lock });
  });

  withMongo('a session deleted while an event holds it: the write is refused, nothing is resurrected', async () => {
    const { a } = twoProcesses();
    await a.write(record('test:gone', 1), { expectedVersion: 0 });
    const tx = await a.begin('test:gone', wait(1000));
    await a.delete('test:gone');
    await expect(tx.commit(record('test:gone', 2), {})).rejects.toBeInstanceOf(LeaseLostError);
    expect(await a.read('test:gone')).toBeUndefined();
  });

  withMongo('a transaction finishes once: a second commit is an error, release after it does nothing', async () => {
    const { a, b } = twoProcesses();
    await transactionFinishesOnce(a, b);
  });

  withMongo('an expired record is read as absent by begin, and its commit starts the session over', async () => {
    const { a, raw } = twoProcesses();
    await a.write(record('test:old', 5, { old: true }), { expectedVersion: 0, ttlMs: 60_000 });
    await raw.updateOne({ sid: 'test:old' }, { $set: { expiresAt: new Date(Date.now() - 1) } });
    const tx = await a.begin('test:old', wait(1000));
    expect(tx.record).toBeUndefined();
    await tx.commit(record('test:old', 1, { fresh: true }), {});
    expect(await a.read('test:old')).toEqual(record('test:old', 1, { fresh: true }));
  });

  withMongo('four processes incrementing one session 200 times in all lose no update', async () => {
    const dbName = uniqueDbName('race');
    const processes: MongoSessionStore[] = Array.from({ length: 4 }, () => stores.store({ dbName }));
    // Each process sends one event of the session at a time, as the runtime's in-process queue
    // does: the four contend for the lock on every increment.
    await incrementsLoseNoUpdate(processes, { total: 200, order: 'per process', bound: () => wait(20_000) });
    expect(await stores.rawDb(processes[0]).collection('sessions').countDocuments({})).toBe(1);
  });
});
