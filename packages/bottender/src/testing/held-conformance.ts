import assert from 'node:assert/strict';

import { isHeldEventStore } from '../runtime/held';
import type { HeldEvent, HeldEventStore, SessionStore } from '../session/types';

/**
 * The held-event checks of the store conformance suite (for stores implementing
 * `HeldEventStore`, checked when `holdsEvents: true` is given).
 */
export function heldEventCheckBodies(
  idOf: (label: string) => string,
): [name: string, body: (store: SessionStore) => Promise<void>][] {
  const held = (sessionId: string, eventId: string, heldAt = Date.now()): HeldEvent => ({
    sessionId,
    platform: sessionId.slice(0, sessionId.indexOf(':')),
    eventId,
    rawEvent: { id: eventId, nested: { text: 'héllo 👋', list: [1, null, true] } },
    heldAt,
  });
  const holds = (store: SessionStore): SessionStore & HeldEventStore => {
    assert.ok(isHeldEventStore(store), 'holdsEvents is true, but the store lacks holdEvent, heldEvents or releaseHeldEvents');
    return store;
  };
  return [
    [
      'holds events per session, oldest first, once per event id, and gives them back intact',
      async (store) => {
        const s = holds(store);
        const a = idOf('held-a');
        const b = idOf('held-b');
        await s.holdEvent(held(a, 'e1', 1));
        await s.holdEvent(held(a, 'e2', 2));
        await s.holdEvent(held(a, 'e1', 3)); // a second hold of one event changes nothing
        await s.holdEvent(held(b, 'e1', 4));
        assert.deepStrictEqual(await collect(s.heldEvents(a)), [held(a, 'e1', 1), held(a, 'e2', 2)]);
        const all = (await collect(s.heldEvents())).filter((e) => e.sessionId === a || e.sessionId === b);
        assert.equal(all.length, 3);
        assert.deepStrictEqual(all.filter((e) => e.sessionId === a).map((e) => e.eventId), ['e1', 'e2']);
        assert.deepStrictEqual(await collect(s.heldEvents(idOf('held-none'))), []);
      },
    ],
    [
      'releases held events by id, and releasing absent ones is not an error',
      async (store) => {
        const s = holds(store);
        const a = idOf('held-release');
        await s.holdEvent(held(a, 'e1'));
        await s.holdEvent(held(a, 'e2'));
        await s.releaseHeldEvents(a, ['e1', 'never-held']);
        assert.deepStrictEqual((await collect(s.heldEvents(a))).map((e) => e.eventId), ['e2']);
        await s.releaseHeldEvents(a, ['e2']);
        await s.releaseHeldEvents(idOf('held-never'), ['e1']);
        assert.deepStrictEqual(await collect(s.heldEvents(a)), []);
        assert.ok(!(await collect(s.heldEvents())).some((e) => e.sessionId === a));
      },
    ],
  ];
}

async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
}
