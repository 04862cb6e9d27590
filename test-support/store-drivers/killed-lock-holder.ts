import type { SessionStore } from 'bottender/store';

import { type BotProcess, postEvents } from './bot-processes';

/** What {@link killedLockHolderFreesAfterLease} needs from the calling test. */
export interface KilledLockHolderOptions {
  /** The process that takes the lock of `test:u` and is killed (SIGKILL) while holding it. */
  doomed: BotProcess;
  /** The process, on the same sessions, that handles the next event. */
  survivor: BotProcess;
  /** The lease both processes run with, in ms. */
  leaseMs: number;
  /** How long the lock of `test:u` has left in the store, in ms, read there; null when it is not locked. */
  leaseLeft: () => Promise<number | null>;
  /** A store on the same sessions, to read what was committed. */
  store: SessionStore;
  /** How much earlier than the rest of the lease the next event may proceed, in ms (clock and query slack). */
  earlySlackMs: number;
  /** How much longer than one lease the next event may take after the kill, in ms. */
  lateSlackMs: number;
  /** Names the store in the line that reports the wait. */
  label: string;
}

/**
 * A bot process dies (SIGKILL) while its handler holds a session's lock, after renewing its lease
 * past two leases. The lock does not outlive its lease: the next event for that session, at the
 * other process, proceeds after the rest of the lease (and not much longer), from the state as
 * last committed, and leaves the session unlocked; the hung request never got an answer.
 */
export async function killedLockHolderFreesAfterLease(options: KilledLockHolderOptions): Promise<void> {
  const { doomed, survivor, leaseMs, leaseLeft } = options;
  expect((await postEvents(doomed, [{ user: 'u', id: 'e1' }])).status).toBe(200);

  // e2's handler never returns: the doomed process holds the lock and keeps renewing its lease.
  const hung = postEvents(doomed, [{ user: 'u', id: 'e2', text: 'hang' }]);
  await doomed.waitForLine(/^HANG "test:u"$/);
  await new Promise((resolve) => setTimeout(resolve, 2 * leaseMs));
  expect(await leaseLeft()).toBeGreaterThan(0); // still held: renewed past two leases

  const left = (await leaseLeft())!;
  await doomed.kill('SIGKILL');
  const killedAt = Date.now();
  const answer = await postEvents(survivor, [{ user: 'u', id: 'e3' }]);
  const waited = answer.at - killedAt;

  expect(answer.status).toBe(200);
  // It waited for the rest of the lease, and not much longer.
  expect(waited).toBeGreaterThanOrEqual(left - options.earlySlackMs);
  expect(waited).toBeLessThan(leaseMs + options.lateSlackMs);
  expect((await hung).status).toBe(0); // the hung request never got an answer, certainly not 200

  const stored = await options.store.read('test:u');
  expect(stored).toMatchObject({ version: 2, eventIds: ['e1', 'e3'], state: { count: 2 } });
  expect(survivor.runs.map((run) => [run.event, run.count])).toEqual([['e3', 2]]);
  expect(await leaseLeft()).toBeNull();
  console.info(`${options.label}: the next event waited ${waited} ms (lease ${leaseMs} ms, ${Math.round(left)} ms left at the kill)`);
}
