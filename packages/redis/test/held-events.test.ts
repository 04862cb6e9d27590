import { type HeldEvent, SessionStoreError } from 'bottender/store';

import { escapeSessionId, type RedisSessionStore } from '../src';
import { heldKey } from '../src/keys';
import { heldEventRunsOnceAfterItsProcessDies } from '../../../test-support/store-drivers/held-events';
import { recordCommandNames } from './support/commands';
import { collect, record, uniquePrefix, useRedisSuite } from './support/stores';

/**
 * Held events (bottender/store's HeldEventStore) in Redis: events the runtime acknowledged at
 * their platform's deadline before their commit, kept per session in one hash beside the record
 * until the runtime releases them.
 */
const { stores, withRedis } = useRedisSuite('redis held events');

function held(sessionId: string, eventId: string, heldAt: number, text = eventId): HeldEvent {
  return { sessionId, platform: sessionId.split(':')[0], eventId, rawEvent: { id: eventId, text, nested: [1, null, 'ü'] }, heldAt };
}

function twoProcesses() {
  const keyPrefix = uniquePrefix('held');
  return { keyPrefix, a: stores.store({ keyPrefix }), b: stores.store({ keyPrefix }), raw: stores.client() };
}

withRedis('holds events and gives them back, oldest first, to any process sharing the prefix', async () => {
  const { a, b } = twoProcesses();
  await a.holdEvent(held('test:u', 'e2', 2_000));
  await a.holdEvent(held('test:u', 'e1', 1_000));
  await a.holdEvent(held('test:v', 'e3', 1_500));
  expect(await collect(b.heldEvents('test:u'))).toEqual([held('test:u', 'e1', 1_000), held('test:u', 'e2', 2_000)]);
  expect(await collect(b.heldEvents('test:none'))).toEqual([]);
  const all = await collect(b.heldEvents());
  expect(all.map((e) => `${e.sessionId}/${e.eventId}`).sort()).toEqual(['test:u/e1', 'test:u/e2', 'test:v/e3']);
  // Oldest first within each session, in the listing of all too.
  expect(all.filter((e) => e.sessionId === 'test:u').map((e) => e.eventId)).toEqual(['e1', 'e2']);
});

withRedis('holding the same event again keeps the first copy', async () => {
  const { a } = twoProcesses();
  await a.holdEvent(held('test:u', 'e1', 1_000, 'first'));
  await a.holdEvent(held('test:u', 'e1', 9_000, 'second'));
  expect(await collect(a.heldEvents('test:u'))).toEqual([held('test:u', 'e1', 1_000, 'first')]);
});

withRedis('releasing forgets only the given events; unknown ids and sessions are not an error', async () => {
  const { a, b, raw, keyPrefix } = twoProcesses();
  await a.holdEvent(held('test:u', 'e1', 1));
  await a.holdEvent(held('test:u', 'e2', 2));
  await b.releaseHeldEvents('test:u', ['e1', 'never-held']);
  expect((await collect(a.heldEvents('test:u'))).map((e) => e.eventId)).toEqual(['e2']);
  await b.releaseHeldEvents('test:u', ['e2']);
  await b.releaseHeldEvents('test:nobody', ['x']);
  await b.releaseHeldEvents('test:u', []);
  expect(await collect(a.heldEvents())).toEqual([]);
  expect(await raw.exists(heldKey(keyPrefix, 'test:u'))).toBe(0); // an emptied hash is gone
});

withRedis('held events stay apart from records: list() and read() never see them, and stores of other prefixes do not either', async () => {
  const { a } = twoProcesses();
  const other = stores.store({ keyPrefix: uniquePrefix('held-other') });
  await a.write(record('test:u', 1), { expectedVersion: 0 });
  await a.holdEvent(held('test:u', 'e1', 1));
  await a.holdEvent(held('test:only-held', 'e2', 2));
  expect((await collect(a.list())).map((r) => r.id)).toEqual(['test:u']);
  expect(await a.read('test:only-held')).toBeUndefined();
  expect(await collect(other.heldEvents())).toEqual([]);
});

withRedis("a session's held events share its hash tag (one cluster slot), for hostile ids too", async () => {
  const { a, keyPrefix } = twoProcesses();
  for (const id of ['test:{x}', 'test:}{', 'test:*', '', 'test:ünï\ud800']) {
    expect(heldKey(keyPrefix, id)).toBe(`${keyPrefix}{${escapeSessionId(id)}}:held`);
    await a.holdEvent(held(id, 'e', 1));
    expect((await collect(a.heldEvents(id))).map((e) => e.sessionId)).toEqual([id]);
  }
  expect(await collect(a.heldEvents())).toHaveLength(5);
});

withRedis('damaged held data is reported, never skipped; bad arguments are refused before anything is sent', async () => {
  const { a, raw, keyPrefix } = twoProcesses();
  await raw.hset(heldKey(keyPrefix, 'test:bad'), 'e1', '{"not json');
  await expect(collect(a.heldEvents('test:bad'))).rejects.toBeInstanceOf(SessionStoreError);
  await expect(collect(a.heldEvents())).rejects.toThrow(/not valid JSON/);
  await raw.hset(heldKey(keyPrefix, 'test:bad'), 'e1', JSON.stringify(held('test:other', 'e1', 1)));
  await expect(collect(a.heldEvents('test:bad'))).rejects.toThrow(/not a held event of that key/);

  await expect(a.holdEvent({ ...held('test:u', 'e', 1), eventId: 5 as unknown as string })).rejects.toThrow(TypeError);
  await expect(a.holdEvent({ ...held('test:u', 'e', 1), heldAt: Number.NaN })).rejects.toThrow(TypeError);
  await expect(a.releaseHeldEvents('test:u', 'e1' as unknown as string[])).rejects.toThrow(TypeError);
});

withRedis('an ordinary event costs no held-events command', async () => {
  const { a } = twoProcesses();
  const store: RedisSessionStore = a;
  await store.init();
  const sent = recordCommandNames(store);
  const tx = await store.begin('test:plain', { timeoutMs: 1_000 });
  await tx.commit(record('test:plain', 1), {});
  expect(sent).toEqual(['evalsha', 'evalsha']);
});

withRedis('through the runtime: an event acknowledged at its deadline is held in Redis; after its process dies another runs it once', async () => {
  const keyPrefix = uniquePrefix('held-runtime');
  await heldEventRunsOnceAfterItsProcessDies(
    (lockLeaseMs) => stores.store({ keyPrefix, lockLeaseMs }),
    (doomed) => doomed.client.disconnect(),
  );
});
