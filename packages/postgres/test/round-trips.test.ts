import { costOfAHundredEventsAtOnce, costOfDuplicateAndFailure, costOfEachEvent, countingBot, event, type Measure } from '../../../test-support/store-drivers/round-trips';
import { type PostgresSessionStore } from '../src';
import { DATABASE_URL } from './support/postgres';
import { collect, usePostgresSuite } from './support/stores';
import { startWireCounter, type WireCounter } from './support/wire-counter';

/**
 * The cost of one event, measured at the wire: the runtime drives the store, whose connections go
 * through a proxy that counts the round trips PostgreSQL sees (Sync and Query messages).
 */
const { pgTest, stores } = usePostgresSuite('postgres round trips');

let wire: WireCounter | undefined;
afterEach(async () => {
  await stores.closeAll();
  await wire?.close();
  wire = undefined;
});

/** A store whose connections are counted. */
async function countedStore(options: { sweepIntervalMs?: number } = {}): Promise<{ store: PostgresSessionStore; wire: WireCounter }> {
  wire = await startWireCounter(DATABASE_URL);
  const store = stores.store({ connectionString: wire.url, ...options });
  return { store, wire };
}

/** Counts what running something costs: the round trips `wire` sees meanwhile. */
const roundTrips =
  (wire: WireCounter): Measure<number> =>
  async (run) => {
    const before = wire.roundTrips();
    await run();
    return wire.roundTrips() - before;
  };

pgTest('each handled event costs one round trip to lease and read and one to write and unlock', async () => {
  const { store, wire } = await countedStore();
  // New sessions (u0..u4 first seen) and existing ones alike.
  const perEvent = await costOfEachEvent(store, roundTrips(wire));
  expect(perEvent).toEqual(Array.from({ length: 50 }, () => 2));
  // Prepared once per connection, then only Bind/Execute/Sync: far fewer Parses than statements.
  expect(wire.messages.P ?? 0).toBeLessThan(20);
});

pgTest('a duplicate event or a failing handler costs a round trip to lease and read and one to unlock', async () => {
  const { store, wire } = await countedStore();
  const costs = await costOfDuplicateAndFailure(store, roundTrips(wire), async ({ bot, connector }) => {
    // A failing first event of a new session leaves no row behind (its placeholder is removed).
    const newcomer = await roundTrips(wire)(async () => expect(await bot.handleEvent(connector, event('newcomer', 'n1', 'fail'))).toBe('handler-error'));
    expect(newcomer).toBe(2);
    const { rows } = await stores.raw.query(`SELECT id FROM ${store.tables.sessions} ORDER BY id`);
    expect(rows.map((r) => r.id)).toEqual(['test:u']);
  });
  expect(costs).toEqual([2, 2]);
});

pgTest('100 events over 10 sessions in parallel: exactly 200 round trips', async () => {
  const { store, wire } = await countedStore();
  expect(await costOfAHundredEventsAtOnce(store, roundTrips(wire))).toBe(200);
  expect(await collect(store.list())).toHaveLength(10);
});

pgTest('expiresIn is expires_at, renewed by every handled event; processed ids ride in the same write', async () => {
  const { store } = await countedStore();
  const { bot, connector, runs } = countingBot(store, 1);
  const expiresAt = async () =>
    (await stores.raw.query(`SELECT extract(epoch FROM expires_at - now()) * 1000 AS left FROM ${store.tables.sessions} WHERE id = 'test:u'`))
      .rows[0].left as number;
  await bot.handleEvent(connector, event('u', 'e1'));
  await new Promise((resolve) => setTimeout(resolve, 300));
  expect(Number(await expiresAt())).toBeLessThanOrEqual(59_700);
  await bot.handleEvent(connector, event('u', 'e2'));
  expect(Number(await expiresAt())).toBeGreaterThan(59_500);
  const { rows } = await stores.raw.query(`SELECT version, event_ids, state FROM ${store.tables.sessions} WHERE id = 'test:u'`);
  expect(rows[0]).toEqual({ version: '2', event_ids: ['e1', 'e2'], state: { count: 2 } });
  expect(await bot.handleEvent(connector, event('u', 'e2'))).toBe('duplicate');
  expect(runs).toHaveLength(2);
});
