import { Bot, silentLogger } from 'bottender';
import { TestConnector, TestEvent } from 'bottender/testing';
import { Client } from 'pg';

import { PostgresSessionStore } from '../src';
import { type OwnPostgres, ownPostgresUnavailable, startOwnPostgres } from './support/own-postgres';
import { warnSkipped } from './support/postgres';

/**
 * One WAL flush per handled event: the state write waits for the disk (a 2xx means saved), the
 * lease statements do not. Counted with `pg_stat_wal.wal_sync` on a throwaway cluster of the
 * tests' own with fsync on (the shared server's counters include everyone else's work).
 */
const unavailable = ownPostgresUnavailable();
if (unavailable) warnSkipped('postgres WAL flushes per event', unavailable);
const walTest = unavailable ? test.skip : test;

let server: OwnPostgres | undefined;
let admin: Client | undefined;
beforeAll(async () => {
  if (unavailable) return;
  server = await startOwnPostgres({ fsync: true });
  admin = new Client({ connectionString: server.url });
  await admin.connect();
});
afterAll(async () => {
  await admin?.end();
  await server?.dispose();
});

const walSyncs = async () => Number((await admin!.query('SELECT wal_sync FROM pg_stat_wal')).rows[0].wal_sync);

/** Runs `events` through a fresh store and bot, then closes it: a backend leaving flushes its statistics. */
async function walSyncsFor(events: TestEvent[], expected: string): Promise<number> {
  const store = new PostgresSessionStore({ connectionString: server!.url, sweepIntervalMs: 0, max: 1 });
  const bot = new Bot({
    store,
    logger: silentLogger,
    app: async (context) => {
      if (context.event.text === 'fail') throw new Error('handler failed on purpose');
      context.setState({ count: (context.state.count ?? 0) + 1 });
    },
  });
  const connector = new TestConnector();
  await bot.init();
  const before = await walSyncs();
  for (const event of events) expect(await bot.handleEvent(connector, event)).toBe(expected);
  await store.close();
  // The backend's counters reach pg_stat_wal as it exits.
  const deadline = Date.now() + 5_000;
  let idle = false;
  while (!idle && Date.now() < deadline) {
    idle = (await admin!.query(`SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name = 'bottender'`)).rows[0].n === 0;
    if (!idle) await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return (await walSyncs()) - before;
}

const event = (user: string, id: string, text = 'hi') => new TestEvent({ user, id, text });

walTest('handled events flush the WAL once each; duplicates and failed handlers do not wait for the disk', async () => {
  const handled = await walSyncsFor(Array.from({ length: 100 }, (_, i) => event(`u${i % 10}`, `e${i}`)), 'committed');
  // 100 durable commits; the 100 lease statements add none (a few more may come from the
  // server's own background work).
  expect(handled).toBeGreaterThanOrEqual(100);
  expect(handled).toBeLessThan(130);

  const duplicates = await walSyncsFor(Array.from({ length: 50 }, (_, i) => event(`u${i % 10}`, `e${i}`)), 'duplicate');
  const failures = await walSyncsFor(Array.from({ length: 50 }, (_, i) => event(`new${i}`, `f${i}`, 'fail')), 'handler-error');
  expect(duplicates + failures).toBeLessThan(20);
  console.info(`postgres WAL flushes: 100 handled events ${handled}, 50 duplicates ${duplicates}, 50 failed handlers ${failures}`);
});
