import { SessionBusyError } from 'bottender';

import { type PostgresSessionStore } from '../src';
import { busyBeginGivesUpAtBound, deadOwnerFreesAfterLease, incrementsLoseNoUpdate, overtakenWriteIsRefusedAndUnlocks, secondProcessWaitsThenReads, slowHandlerKeepsItsLock, takenOverLeaseRefusesStaleWrite, transactionFinishesOnce, wait } from '../../../test-support/store-drivers/locking';
import { record, uniqueTable, usePostgresSuite } from './support/stores';

/**
 * The cross-instance lease: each store below has its own pool, standing in for one bot process.
 * An event takes the lease and reads in `begin`, and writes and ends the lease in `commit`.
 */
const { pgTest, stores } = usePostgresSuite('postgres locking');

/** Two stores ("processes") sharing one table, plus a way to look at the lease columns. */
function twoProcesses(options: { lockLeaseMs?: number } = {}) {
  const table = uniqueTable('lock');
  const a = stores.store({ table, ...options });
  const b = stores.store({ table, ...options });
  const lease = async (id: string) => {
    const { rows } = await stores.raw.query(
      `SELECT lease_owner::text AS owner, extract(epoch FROM lease_until - now()) * 1000 AS left_ms FROM ${a.tables.sessions} WHERE id = $1`,
      [id],
    );
    return rows[0] as { owner: string | null; left_ms: string | null } | undefined;
  };
  return { a, b, lease };
}

pgTest('begin leases the session and reads it; commit writes and ends the lease', async () => {
  const { a, lease } = twoProcesses();
  const first = await a.begin('test:u', wait(1000));
  expect(first.record).toBeUndefined();
  const held = await lease('test:u');
  expect(held?.owner).toMatch(/^[0-9a-f-]{36}$/);
  expect(Number(held?.left_ms)).toBeGreaterThan(1_000);
  expect(Number(held?.left_ms)).toBeLessThanOrEqual(2_000);
  await first.commit(record('test:u', 1, { count: 1 }), { ttlMs: 60_000 });
  expect(await lease('test:u')).toEqual({ owner: null, left_ms: null });
  const second = await a.begin('test:u', wait(1000));
  expect(second.record).toEqual(record('test:u', 1, { count: 1 }));
  await second.commit(record('test:u', 2, { count: 2 }), {});
  const { rows } = await stores.raw.query(`SELECT expires_at FROM ${a.tables.sessions} WHERE id = 'test:u'`);
  expect(rows[0].expires_at).toBeNull(); // no expiresIn: kept forever
});

pgTest('a second process waits for the lease and then reads what the first committed', async () => {
  const { a, b } = twoProcesses();
  await secondProcessWaitsThenReads(a, b);
});

pgTest('waiting is bounded by timeoutMs (what the runtime passes): past it, SessionBusyError naming the session', async () => {
  const { a, b, lease } = twoProcesses();
  const held = await a.begin('test:busy', { timeoutMs: 1000 });
  // Generous: a loaded machine slows the statements, not the bound.
  await busyBeginGivesUpAtBound(b, 'test:busy', { boundMs: 200, given: 'timeoutMs', lessThanMs: 1_500 });
  expect((await lease('test:busy'))?.owner).not.toBeNull(); // the holder keeps its lease
  await held.release();
  const next = await b.begin('test:busy', { timeoutMs: 200 });
  await next.release();
});

pgTest('waiting is bounded by the signal the same way; an aborted signal gives up at once', async () => {
  const { a, b } = twoProcesses();
  const held = await a.begin('test:busy', wait(1000));
  const started = Date.now();
  await expect(b.begin('test:busy', wait(200))).rejects.toBeInstanceOf(SessionBusyError);
  expect(Date.now() - started).toBeLessThan(1_500);
  const controller = new AbortController();
  controller.abort();
  await expect(b.begin('test:busy', { signal: controller.signal })).rejects.toBeInstanceOf(SessionBusyError);
  await held.release();
});

pgTest('a slow handler keeps its lease: it is renewed while the transaction is open', async () => {
  const { a, b, lease } = twoProcesses({ lockLeaseMs: 600 });
  await slowHandlerKeepsItsLock(a, b, { leaseMs: 600, holdMs: 2_000, leaseLeft: async (id) => Number((await lease(id))?.left_ms) });
});

pgTest('a lease whose owner stopped renewing (a dead process) frees the session after it runs out', async () => {
  const { a, b } = twoProcesses({ lockLeaseMs: 300 });
  await deadOwnerFreesAfterLease(a, b, () => a.close(), 2_000); // the 300 ms lease, plus a loaded machine's slack
});

pgTest('a write whose lease was taken over is refused; only the owner can end a lease', async () => {
  const { a, b, lease } = twoProcesses();
  await takenOverLeaseRefusesStaleWrite(a, b, {
    // The lease ran out (e.g. the process stalled) and another event took the session.
    expireLease: (id) => stores.raw.query(`UPDATE ${a.tables.sessions} SET lease_until = now() - interval '1 second' WHERE id = $1`, [id]),
    owner: async (id) => (await lease(id))?.owner,
  });
});

pgTest('a lease that ran out with nobody taking over still commits: the version fence alone keeps it safe', async () => {
  const { a } = twoProcesses();
  await a.write(record('test:late', 1), { expectedVersion: 0 });
  const late = await a.begin('test:late', wait(1000));
  await stores.raw.query(`UPDATE ${a.tables.sessions} SET lease_until = now() - interval '1 second' WHERE id = 'test:late'`);
  await late.commit(record('test:late', 2, { late: true }), {});
  expect((await a.read('test:late'))!.state).toEqual({ late: true });
});

pgTest('a write whose version was overtaken is refused, and the lease is given up', async () => {
  const { a, lease } = twoProcesses();
  await overtakenWriteIsRefusedAndUnlocks(a, { owner: async (id) => (await lease(id))?.owner });
});

pgTest('a session deleted while leased: the commit is refused as a conflict with version 0', async () => {
  const { a } = twoProcesses();
  await a.write(record('test:gone', 1), { expectedVersion: 0 });
  const tx = await a.begin('test:gone', wait(1000));
  await a.delete('test:gone');
  await expect(tx.commit(record('test:gone', 2), {})).rejects.toMatchObject({ name: 'VersionConflictError', actualVersion: 0 });
  expect(await a.read('test:gone')).toBeUndefined();
});

pgTest('a transaction finishes once: a second commit is an error, release after it does nothing', async () => {
  const { a, b } = twoProcesses();
  await transactionFinishesOnce(a, b);
});

pgTest('an expired session reads as absent in begin, and its next commit starts it over at version 1', async () => {
  const { a } = twoProcesses();
  await a.write(record('test:old', 7, { stale: true }), { expectedVersion: 0, ttlMs: 60_000 });
  await stores.raw.query(`UPDATE ${a.tables.sessions} SET expires_at = now() - interval '1 second' WHERE id = 'test:old'`);
  const tx = await a.begin('test:old', wait(1000));
  expect(tx.record).toBeUndefined();
  await tx.commit(record('test:old', 1, { fresh: true }), { ttlMs: 60_000 });
  expect(await a.read('test:old')).toEqual(record('test:old', 1, { fresh: true }));
});

pgTest('four processes incrementing one session 200 times in all lose no update', async () => {
  const table = uniqueTable('race');
  const processes: PostgresSessionStore[] = Array.from({ length: 4 }, () => stores.store({ table }));
  // Each process takes its own events of the session one at a time, as the runtime's per-session
  // queue does; the four processes race each other for the lease.
  await incrementsLoseNoUpdate(processes, { total: 200, order: 'per process', bound: () => ({ timeoutMs: 20_000 }) });
});
