import { Client } from 'pg';

import { createTableSql, PostgresSessionStore } from '../src';
import { restartUnderLoad } from '../../../test-support/store-drivers/restart-under-load';
import { type BotProcess, spawnBot, stopAll } from './support/bots';
import { type OwnPostgres, ownPostgresUnavailable, startOwnPostgres } from './support/own-postgres';
import { warnSkipped } from './support/postgres';
import { uniqueTable } from './support/stores';

/**
 * PostgreSQL stops and comes back while two bot processes are under steady load. Every event must
 * be answered either 200 (and then its state is written) or with an error status (and then the
 * platform redelivers it); never 200 without the write. The processes stay up and recover on
 * their own.
 *
 * The shared server on 5432 is never restarted: this file starts a throwaway cluster of its own
 * (initdb on a free port, in a temp folder), which it may stop, crash and restart.
 */
const unavailable = ownPostgresUnavailable();
if (unavailable) warnSkipped('postgres restart under load', unavailable);
const restartTest = unavailable ? test.skip : test;

let server: OwnPostgres | undefined;
let bots: BotProcess[] = [];
const stores: PostgresSessionStore[] = [];

beforeAll(async () => {
  if (unavailable) return;
  server = await startOwnPostgres();
});
afterEach(async () => {
  await stopAll(bots.splice(0));
  await Promise.all(stores.splice(0).map((store) => store.close()));
});
afterAll(() => server?.dispose());

const EVENTS = 400;

restartTest.each([
  ['shut down (fast) and restarted', 'fast'],
  ['crashed (immediate: no checkpoint, recovery at start) and restarted', 'immediate'],
] as const)('PostgreSQL %s under load: every event is 200-and-written or 503; none both, none lost', async (_how, mode) => {
  const table = uniqueTable('restart');
  // The table exists before the bots start: they must not need the database to start.
  const setup = new Client({ connectionString: server!.url });
  await setup.connect();
  await setup.query(createTableSql({ table }));
  await setup.end();
  const settings = { databaseUrl: server!.url, schema: 'public', table, applicationName: 'bottender_restart', lockLeaseMs: 2_000, lockTimeoutMs: 5_000 };
  bots = await Promise.all([spawnBot(settings), spawnBot(settings)]);

  const { ok, refused, refusedButWritten, started, downAt, upAt } = await restartUnderLoad({
    bots,
    sessions: 10,
    events: EVENTS,
    everyMs: 8, // one event every 8 ms: the load spans about 3.2 s
    outageAfterMs: 800,
    outageMs: 1_000,
    stop: () => server!.stop(mode),
    start: () => server!.start(),
    openReader: () => {
      const store = new PostgresSessionStore({ connectionString: server!.url, table, sweepIntervalMs: 0 });
      stores.push(store);
      return store;
    },
  });
  console.info(
    `postgres ${mode} restart under load: ${ok.length} events answered 200 and ${refused.length} answered 503 ` +
      `(outage ${upAt - downAt} ms; 503s whose write had landed: ${refusedButWritten.length}); ` +
      `after redelivery all ${EVENTS} counted once; load took ${Date.now() - started} ms`,
  );
});
