import { Bot, silentLogger } from 'bottender';
import type { HeldEventStore, SessionStore } from 'bottender/store';
import { TestConnector, TestEvent } from 'bottender/testing';

import { collect } from './records';

/**
 * Through the runtime: an event acknowledged to its platform at its deadline (before its commit)
 * is held in the store; after its process dies another process, on a new store sharing the
 * sessions, recovers it and runs it once, and the platform's later redelivery is a duplicate.
 * `openStore` opens a store on the shared sessions with the given lock lease; `kill` cuts a store
 * off from the database as a dead process would (no commit, no renewals).
 */
export async function heldEventRunsOnceAfterItsProcessDies<S extends SessionStore & HeldEventStore>(
  openStore: (lockLeaseMs: number) => S,
  kill: (doomed: S) => Promise<void> | void,
): Promise<void> {
  const lease = 500;
  const doomedStore = openStore(lease);
  const doomed = new Bot({
    store: doomedStore,
    logger: silentLogger,
    handlerTimeoutMs: 1_000, // so no timer of the "dead" bot outlives the test
    app: async () => {
      await new Promise(() => {}); // never finishes: the process "dies" before its commit
    },
  });
  const [delivery] = await doomed.dispatcher(new TestConnector({ answerDeadlineMs: 300 })).dispatch([new TestEvent({ user: 'u', id: 'e1', text: 'hi' })]);
  expect(delivery.outcome).toBe('deferred'); // acknowledged to the platform at its deadline
  const survivorStore = openStore(lease);
  expect((await collect(survivorStore.heldEvents())).map((e) => e.eventId)).toEqual(['e1']);
  await kill(doomedStore); // the process is gone: no commit, no renewals

  const runs: string[] = [];
  const survivorConnector = new TestConnector();
  const survivor = new Bot({
    store: survivorStore,
    logger: silentLogger,
    app: async (context) => {
      runs.push(context.event.rawEvent.id ?? '');
      context.setState({ count: (context.state.count ?? 0) + 1 });
    },
  });
  expect(await survivor.recoverHeldEvents([survivorConnector])).toBe(1);
  await survivor.drain();
  expect(runs).toEqual(['e1']);
  expect(await survivorStore.read('test:u')).toMatchObject({ version: 1, state: { count: 1 }, eventIds: ['e1'] });
  expect(await collect(survivorStore.heldEvents())).toEqual([]);
  // Redelivered by the platform later: a duplicate, not a second run.
  expect(await survivor.handleEvent(survivorConnector, new TestEvent({ user: 'u', id: 'e1', text: 'hi' }))).toBe('duplicate');
  expect(runs).toEqual(['e1']);
}
