import { Client } from 'pg';

import { createTableSql, PostgresSessionStore } from '../src';
import { type Answer, type BotProcess, postEvents, spawnBot, stopAll } from './support/bots';
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

const SESSIONS = 10;
const EVENTS = 400;
const EVERY_MS = 8; // one event every 8 ms: the load spans about 3.2 s
const OUTAGE_AFTER_MS = 800;
const OUTAGE_MS = 1_000;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

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
  const events = Array.from({ length: EVENTS }, (_, i) => ({ user: `s${i % SESSIONS}`, id: `ev-${i}`, text: 'track' }));

  const started = Date.now();
  const outage = (async () => {
    await sleep(OUTAGE_AFTER_MS);
    await server!.stop(mode);
    const downAt = Date.now();
    await sleep(OUTAGE_MS);
    await server!.start();
    return { downAt, upAt: Date.now() };
  })();
  const pending: Promise<Answer>[] = [];
  for (const [i, event] of events.entries()) {
    pending.push(postEvents(bots[i % 2], [event]));
    await sleep(EVERY_MS);
  }
  const answers = await Promise.all(pending);
  const { downAt, upAt } = await outage;

  // Each event got one answer: 200, or 503 (store unavailable). Nothing else: no crash, no 500.
  expect(answers.filter((a) => a.status !== 200 && a.status !== 503)).toEqual([]);
  const ok = events.filter((_, i) => answers[i].status === 200).map((e) => e.id);
  const refused = events.filter((_, i) => answers[i].status === 503).map((e) => e.id);
  expect(refused.length).toBeGreaterThan(10); // the outage really happened under load
  expect(bots.every((bot) => bot.alive())).toBe(true);

  // Before any redelivery: every event answered 200 is in its session's state, exactly once.
  const store = new PostgresSessionStore({ connectionString: server!.url, table, sweepIntervalMs: 0 });
  stores.push(store);
  const before = await stateOfAll(store);
  const committed = Object.values(before).flatMap((s) => s.ids);
  expect(new Set(committed).size).toBe(committed.length);
  expect(ok.filter((id) => !committed.includes(id))).toEqual([]);
  for (const s of Object.values(before)) expect(s.count).toBe(s.ids.length);
  const refusedButWritten = refused.filter((id) => committed.includes(id));

  // The platform redelivers what was refused, until it is accepted.
  let unanswered = refused.map((id) => events.find((e) => e.id === id)!);
  for (let round = 0; unanswered.length > 0 && round < 20; round++) {
    const retry = await Promise.all(unanswered.map((event, i) => postEvents(bots[i % 2], [event])));
    unanswered = unanswered.filter((_, i) => retry[i].status !== 200);
    if (unanswered.length > 0) await sleep(250);
  }
  expect(unanswered).toEqual([]);

  const after = await stateOfAll(store);
  for (let s = 0; s < SESSIONS; s++) {
    const expected = events.filter((e) => e.user === `s${s}`).map((e) => e.id);
    const { ids, count } = after[`test:s${s}`];
    expect([...ids].sort()).toEqual([...expected].sort());
    expect(count).toBe(expected.length);
  }
  console.info(
    `postgres ${mode} restart under load: ${ok.length} events answered 200 and ${refused.length} answered 503 ` +
      `(outage ${upAt - downAt} ms; 503s whose write had landed: ${refusedButWritten.length}); ` +
      `after redelivery all ${EVENTS} counted once; load took ${Date.now() - started} ms`,
  );
});

async function stateOfAll(store: PostgresSessionStore): Promise<Record<string, { ids: string[]; count: number }>> {
  const out: Record<string, { ids: string[]; count: number }> = {};
  for (let s = 0; s < SESSIONS; s++) {
    const stored = await store.read(`test:s${s}`);
    out[`test:s${s}`] = { ids: stored?.state.ids ?? [], count: stored?.state.count ?? 0 };
  }
  return out;
}
