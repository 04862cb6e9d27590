import { type BeginOptions, SessionBusyError, type SessionStore, type SessionTransaction } from 'bottender/store';

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
