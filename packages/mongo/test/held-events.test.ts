import type { HeldEvent } from 'bottender/store';
import type { CommandStartedEvent } from 'mongodb';

import { heldEventRunsOnceAfterItsProcessDies } from '../../../test-support/store-drivers/held-events';
import { collect, mongoBackends, notRun, record, uniqueDbName, useMongoSuite } from './support/stores';

/**
 * Held events (issue 8's contract): an event acknowledged to its platform at a deadline, before
 * its commit, is kept in `<collectionName>.held` until the commit, so a crash after the
 * acknowledgement does not lose it. A new store (the next process) finds what the last one held.
 */
const backends = mongoBackends('mongo held events');
if (backends.length === 0) notRun('mongo held events');

const held = (sessionId: string, eventId: string, heldAt: number, rawEvent: HeldEvent['rawEvent'] = { text: eventId }): HeldEvent => ({
  sessionId,
  platform: sessionId.split(':')[0],
  eventId,
  rawEvent,
  heldAt,
});

describe.each(backends)('against the %s', (backend) => {
  const { stores, withMongo } = useMongoSuite(backend);

  withMongo('held events survive the process, come back oldest first per session, and go once released', async () => {
    const dbName = uniqueDbName('held');
    const first = stores.store({ dbName });
    const hostile = { text: '__proto__', nested: { __proto__: { polluted: true }, 'a.b': 1, $x: '\u0000' } } as never;
    await first.holdEvent(held('slack:C1', 'e2', 2_000));
    await first.holdEvent(held('slack:C1', 'e1', 1_000, hostile));
    await first.holdEvent(held('slack:C2', 'e1', 1_500));
    await first.holdEvent(held('slack:C1', 'e2', 9_999)); // holding again changes nothing
    await first.close(); // the process stops before the commits

    const next = stores.store({ dbName });
    const c1 = await collect(next.heldEvents('slack:C1'));
    expect(c1.map((e) => [e.eventId, e.heldAt])).toEqual([
      ['e1', 1_000],
      ['e2', 2_000],
    ]);
    expect(c1[0].rawEvent).toEqual(JSON.parse(JSON.stringify(hostile)));
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect((await collect(next.heldEvents())).map((e) => `${e.sessionId}/${e.eventId}`)).toEqual(['slack:C1/e1', 'slack:C1/e2', 'slack:C2/e1']);

    await next.releaseHeldEvents('slack:C1', ['e1', 'never-held']);
    await next.releaseHeldEvents('slack:C2', []);
    expect((await collect(next.heldEvents())).map((e) => `${e.sessionId}/${e.eventId}`)).toEqual(['slack:C1/e2', 'slack:C2/e1']);
    expect(await collect(next.heldEvents('slack:none'))).toEqual([]);
    // Held events are not sessions: listing sessions does not show them.
    expect(await collect(next.list())).toEqual([]);
  });

  withMongo('sessions and event ids that differ only in characters BSON cannot keep stay apart', async () => {
    const store = stores.store();
    await store.holdEvent(held('test:\ud800', 'e\ud800', 1));
    await store.holdEvent(held('test:\ufffd', 'e\ufffd', 2));
    expect((await collect(store.heldEvents('test:\ud800'))).map((e) => e.eventId)).toEqual(['e\ud800']);
    await store.releaseHeldEvents('test:\ufffd', ['e\ud800']); // not that session's event
    expect(await collect(store.heldEvents())).toHaveLength(2);
  });

  withMongo('bad held events are refused with a clear error and store nothing', async () => {
    const store = stores.store();
    await expect(store.holdEvent({ ...held('test:a', 'e', 1), eventId: 5 as never })).rejects.toThrow("a held event's eventId must be a string, got number");
    await expect(store.holdEvent({ ...held('test:a', 'e', 1), heldAt: Number.NaN })).rejects.toThrow(/heldAt must be epoch milliseconds/);
    await expect(store.releaseHeldEvents('test:a', 'e' as never)).rejects.toThrow('eventIds must be a list of strings');
    expect(await collect(store.heldEvents())).toEqual([]);
  });

  withMongo('an ordinary event sends no held-events command', async () => {
    const client = stores.client({ monitorCommands: true });
    const sent: string[] = [];
    client.on('commandStarted', (e: CommandStartedEvent) => sent.push(`${e.commandName} ${String(e.command[e.commandName])}`));
    const store = stores.store({ client, dbName: uniqueDbName('held-none'), lockLeaseMs: 60_000 });
    await store.init();
    sent.length = 0;
    const tx = await store.begin('test:plain', { timeoutMs: 1_000 });
    await tx.commit(record('test:plain', 1), {});
    expect(sent).toEqual(['findAndModify sessions', 'update sessions']);
  });

  withMongo('through the runtime: an event acknowledged at its deadline is held; after its process dies another runs it once', async () => {
    const dbName = uniqueDbName('held-runtime');
    await heldEventRunsOnceAfterItsProcessDies(
      (lockLeaseMs) => stores.store({ dbName, lockLeaseMs }),
      (doomed) => doomed.client.close(),
    );
  });
});
