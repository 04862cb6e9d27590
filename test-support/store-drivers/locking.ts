import { type BeginOptions, LeaseLostError, SessionBusyError, SessionStoreError, type SessionStore, type SessionTransaction, VersionConflictError } from 'bottender/store';

import { record } from './records';

/**
 * Scenarios of the cross-process lock (`begin`, `commit`, `release`) that every driver with a
 * lock keeps the same way: each store passed in stands in for one bot process, all of them on the
 * same sessions. The drivers' locking tests call them, beside their store-specific checks (how
 * the lock and its lease look in the database).
 */
export type LockingStore = SessionStore & { begin(id: string, options: BeginOptions): Promise<SessionTransaction> };

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A signal that aborts after `ms`, like the runtime's lock wait bound. */
export function wait(ms: number): { signal: AbortSignal } {
  const controller = new AbortController();
  setTimeout(() => controller.abort(), ms).unref();
  return { signal: controller.signal };
}

/** A second process waits for the lock and then reads what the first committed. */
export async function secondProcessWaitsThenReads(a: LockingStore, b: LockingStore): Promise<void> {
  const held = await a.begin('test:u', wait(1000));
  let bGotIt = false;
  const waiting = b.begin('test:u', wait(5_000)).then((tx) => {
    bGotIt = true;
    return tx;
  });
  await sleep(150);
  expect(bGotIt).toBe(false);
  await held.commit(record('test:u', 1, { by: 'a' }), {});
  const tx = await waiting;
  expect(tx.record).toEqual(record('test:u', 1, { by: 'a' }));
  await tx.commit(record('test:u', 2, { by: 'b' }), {});
  expect((await a.read('test:u'))!.state).toEqual({ by: 'b' });
}

/** A transaction finishes once: a second commit is an error, and a release after it does nothing (never frees another's lock). */
export async function transactionFinishesOnce(a: LockingStore, b: LockingStore): Promise<void> {
  const tx = await a.begin('test:once', wait(1000));
  await tx.commit(record('test:once', 1), {});
  await expect(tx.commit(record('test:once', 2), {})).rejects.toThrow(/transaction already finished/);
  const next = await b.begin('test:once', wait(1000));
  await tx.release(); // must not free b's lock
  await expect(a.begin('test:once', wait(100))).rejects.toBeInstanceOf(SessionBusyError);
  await expect(next.commit(record('test:other', 2), {})).rejects.toThrow(TypeError); // wrong session
  await next.release();
  await next.release();
}

/**
 * Processes increment one session's `count` `total` times in all, through begin and commit, and
 * lose no update: the count and the version end at `total`. `order` says how the increments are
 * sent: `per process`, each process one at a time (as the runtime's in-process queue does, so the
 * processes contend for the lock on every increment), or `all at once`. `bound` is each begin's
 * wait bound.
 */
export async function incrementsLoseNoUpdate(
  processes: LockingStore[],
  options: { total: number; order: 'per process' | 'all at once'; bound: () => BeginOptions },
): Promise<void> {
  const increment = async (store: LockingStore) => {
    const tx = await store.begin('test:hot', options.bound());
    const count = (tx.record?.state.count ?? 0) + 1;
    await tx.commit(record('test:hot', (tx.record?.version ?? 0) + 1, { count }), {});
  };
  if (options.order === 'per process') {
    const each = options.total / processes.length;
    await Promise.all(
      processes.map(async (store) => {
        for (let i = 0; i < each; i++) await increment(store);
      }),
    );
  } else {
    await Promise.all(Array.from({ length: options.total }, (_, i) => increment(processes[i % processes.length])));
  }
  const final = await processes[0].read('test:hot');
  expect(final!.state.count).toBe(options.total);
  expect(final!.version).toBe(options.total);
}

/**
 * A lock whose owner stopped renewing (a dead process) frees the session once its lease runs out:
 * `b` gets it within `maxWaitMs` and reads the state as last committed, and the dead owner's
 * release never throws. `a` and `b` have a short lease (the drivers' tests use 300 ms);
 * `stopRenewing` cuts `a` off as if its process had died.
 */
export async function deadOwnerFreesAfterLease(a: LockingStore, b: LockingStore, stopRenewing: () => Promise<void> | void, maxWaitMs: number): Promise<void> {
  await a.write(record('test:dead', 1, { committed: true }), { expectedVersion: 0 });
  const orphan = await a.begin('test:dead', wait(1000));
  await stopRenewing(); // renewals stop, as if the process had died
  const started = Date.now();
  const tx = await b.begin('test:dead', wait(3_000));
  expect(Date.now() - started).toBeLessThan(maxWaitMs);
  expect(tx.record).toEqual(record('test:dead', 1, { committed: true })); // the state as last committed
  await tx.commit(record('test:dead', 2), {});
  await orphan.release(); // never throws, even with its connection gone
}

/**
 * `b`'s begin on `id`, which another process holds, gives up at its bound of `boundMs` (given as
 * `timeoutMs`, what the runtime passes, or as an aborting signal) with SessionBusyError naming the
 * session: not before the bound, and within `lessThanMs` (the store's slack on a loaded machine).
 */
export async function busyBeginGivesUpAtBound(
  b: LockingStore,
  id: string,
  options: { boundMs: number; given: 'timeoutMs' | 'signal'; lessThanMs: number },
): Promise<void> {
  const started = Date.now();
  const attempt = b.begin(id, options.given === 'timeoutMs' ? { timeoutMs: options.boundMs } : wait(options.boundMs));
  await expect(attempt).rejects.toBeInstanceOf(SessionBusyError);
  await expect(attempt).rejects.toThrow(`session "${id}" is busy`);
  const waited = Date.now() - started;
  expect(waited).toBeGreaterThanOrEqual(options.boundMs - 10);
  expect(waited).toBeLessThan(options.lessThanMs);
}

/**
 * A slow handler keeps its lock: `a` holds `test:slow` for `holdMs` (more than three of its leases
 * of `leaseMs`), the lease is still running (`leaseLeft` reads it in the store, in ms), `b` gives up
 * waiting one lease for it, and `a`'s commit then succeeds.
 */
export async function slowHandlerKeepsItsLock(
  a: LockingStore,
  b: LockingStore,
  options: { leaseMs: number; holdMs: number; leaseLeft: (id: string) => Promise<number> },
): Promise<void> {
  const held = await a.begin('test:slow', wait(1000));
  await sleep(options.holdMs);
  expect(await options.leaseLeft('test:slow')).toBeGreaterThan(0);
  await expect(b.begin('test:slow', wait(options.leaseMs))).rejects.toBeInstanceOf(SessionBusyError);
  await held.commit(record('test:slow', 1), {});
  expect((await a.read('test:slow'))!.version).toBe(1);
}

/**
 * A write whose lease ran out and was taken over is refused, and only the owner can end a lock:
 * `a` begins `test:lost`, `expireLease` makes its lease run out in the store (as if `a` had
 * stalled), `b` takes the session over; `a`'s commit is refused with LeaseLostError (a
 * SessionStoreError) and changes nothing, `a`'s release leaves `b`'s lock as `owner` read it, and
 * `b` commits.
 */
export async function takenOverLeaseRefusesStaleWrite(
  a: LockingStore,
  b: LockingStore,
  store: { expireLease: (id: string) => Promise<unknown>; owner: (id: string) => Promise<unknown> },
): Promise<void> {
  const stale = await a.begin('test:lost', wait(1000));
  await store.expireLease('test:lost');
  const current = await b.begin('test:lost', wait(1000));
  const bOwner = await store.owner('test:lost');

  const refused = stale.commit(record('test:lost', 1, { by: 'stale' }), {});
  await expect(refused).rejects.toBeInstanceOf(LeaseLostError);
  await expect(refused).rejects.toBeInstanceOf(SessionStoreError);
  await stale.release();
  expect(await a.read('test:lost')).toBeUndefined(); // never silently applied
  expect(await store.owner('test:lost')).toBe(bOwner); // b still owns its lock

  await current.commit(record('test:lost', 1, { by: 'b' }), {});
  expect((await a.read('test:lost'))!.state).toEqual({ by: 'b' });
}

/**
 * A write whose version was overtaken is refused, and the lock is given up: while `a` holds
 * `test:fenced` at version 1, a plain write makes it version 2; `a`'s commit is refused with
 * VersionConflictError naming both versions, `owner` (the lock's owner in the store) reads null
 * after it, and the overtaking write stands.
 */
export async function overtakenWriteIsRefusedAndUnlocks(a: LockingStore, store: { owner: (id: string) => Promise<unknown> }): Promise<void> {
  await a.write(record('test:fenced', 1), { expectedVersion: 0 });
  const tx = await a.begin('test:fenced', wait(1000));
  await a.write(record('test:fenced', 2, { by: 'someone else' }), { expectedVersion: 1 });
  const refused = tx.commit(record('test:fenced', 2, { by: 'tx' }), {});
  await expect(refused).rejects.toBeInstanceOf(VersionConflictError);
  await expect(refused).rejects.toMatchObject({ expectedVersion: 1, actualVersion: 2 });
  expect(await store.owner('test:fenced')).toBeNull();
  expect((await a.read('test:fenced'))!.state).toEqual({ by: 'someone else' });
}
