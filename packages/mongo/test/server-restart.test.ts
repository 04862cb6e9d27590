import { type Answer, type BotProcess, postEvents, spawnBot, stopAll } from './support/bots';
import { useTestServer } from './support/mongo-server';
import { StoreFactory, uniqueDbName } from './support/stores';

/**
 * The MongoDB server stops (listener closed, every connection dropped) and comes back while two bot
 * processes are under steady load. Every event must be answered either 200 (and then its state is
 * written) or with an error status (and then the platform redelivers it); never 200 without the
 * write. The processes stay up and recover on their own. The test server keeps its data across the
 * restart, as a mongod keeps what it acknowledged (journaling).
 */
const server = useTestServer('mongo, restart under load');
let stores: StoreFactory | undefined;
let bots: BotProcess[] = [];
afterEach(() => stopAll(bots.splice(0)));
afterAll(async () => {
  await stores?.closeAll();
});

const SESSIONS = 10;
const EVENTS = 500;
const EVERY_MS = 10; // one event every 10 ms: the load spans about 5 s
const OUTAGE_AFTER_MS = 800;
// Longer than the bots' connectTimeoutMs (1 s): events that wait that long for a server answer 503;
// those that arrive in its last second wait and then succeed once the server is back.
const OUTAGE_MS = 2_500;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

server.test('MongoDB stopped and restarted under load: every event is 200-and-written or an error; none both, none lost', async () => {
  const mongo = server.mongo();
  stores = new StoreFactory(mongo);
  const dbName = uniqueDbName('restart');
  const settings = { mongoUrl: mongo.url, dbName, lockLeaseMs: 2_000, lockTimeoutMs: 5_000, connectTimeoutMs: 1_000 };
  bots = await Promise.all([spawnBot(settings), spawnBot(settings)]);
  const events = Array.from({ length: EVENTS }, (_, i) => ({ user: `s${i % SESSIONS}`, id: `ev-${i}`, text: 'track' }));

  // The load, and meanwhile the outage.
  const started = Date.now();
  const outage = (async () => {
    await sleep(OUTAGE_AFTER_MS);
    await mongo!.down();
    const downAt = Date.now();
    await sleep(OUTAGE_MS);
    await mongo!.up();
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
  expect(answers.filter((a) => a.status === 200 && a.at > upAt + 500).length).toBeGreaterThan(10); // and ended
  expect(bots.every((bot) => bot.alive())).toBe(true);

  // Before any redelivery: every event answered 200 is in its session's state, exactly once.
  const store = stores.store({ dbName });
  const before = await stateOfAll(store);
  const committed = Object.values(before).flatMap((s) => s.ids);
  expect(new Set(committed).size).toBe(committed.length); // nothing applied twice
  expect(ok.filter((id) => !committed.includes(id))).toEqual([]); // nothing answered 200 was lost
  for (const s of Object.values(before)) expect(s.count).toBe(s.ids.length);
  // A 503 whose write landed anyway (its reply was lost with the connection) is possible; the
  // redelivery below is then dropped as a duplicate instead of counted twice.
  const refusedButWritten = refused.filter((id) => committed.includes(id));

  // The platform redelivers what was refused, until it is accepted.
  let unanswered = refused.map((id) => events.find((e) => e.id === id)!);
  for (let round = 0; unanswered.length > 0 && round < 20; round++) {
    const retry = await Promise.all(unanswered.map((event, i) => postEvents(bots[i % 2], [event])));
    unanswered = unanswered.filter((_, i) => retry[i].status !== 200);
    if (unanswered.length > 0) await sleep(250);
  }
  expect(unanswered).toEqual([]);

  // Now every event is counted exactly once, in every session.
  const after = await stateOfAll(store);
  for (let s = 0; s < SESSIONS; s++) {
    const expected = events.filter((e) => e.user === `s${s}`).map((e) => e.id);
    const { ids, count } = after[`test:s${s}`];
    expect([...ids].sort()).toEqual([...expected].sort());
    expect(count).toBe(expected.length);
  }
  // Quiet failure: each process says MongoDB is down once, then counts, then that it is back: a
  // few lines per process for the whole outage, not one (with a stack) per refused event.
  const logLines = bots.map((bot) => bot.stderr.length);
  const refusedMs = answers.filter((a) => a.status === 503).map((a) => a.ms);
  console.info(
    `mongo restart under load: ${ok.length} events answered 200 and ${refused.length} answered 503 ` +
      `(outage ${upAt - downAt} ms; 503s whose write had landed: ${refusedButWritten.length}); ` +
      `after redelivery all ${EVENTS} counted once; load took ${Date.now() - started} ms; ` +
      `stderr lines per process: ${logLines.join(', ')}; 503 answered in ${median(refusedMs)} ms (median), ${Math.max(...refusedMs)} ms (slowest)`,
  );
  for (const bot of bots) {
    expect(bot.stderr.filter((line) => / is unavailable \(/.test(line)).length).toBeGreaterThanOrEqual(1); // it said so
    expect(bot.stderr.length).toBeLessThanOrEqual(12); // down, a count every 5 s, back, and nothing per event
    expect(bot.stderr.some((line) => / is back after /.test(line))).toBe(true);
  }
  // Refused at once once known down, not after connectTimeoutMs (1 s here) each.
  expect(median(refusedMs)).toBeLessThan(500);
});

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted.length === 0 ? NaN : sorted[Math.floor(sorted.length / 2)];
}

/** The `ids` and `count` of every session of the load. */
async function stateOfAll(store: ReturnType<StoreFactory['store']>): Promise<Record<string, { ids: string[]; count: number }>> {
  const out: Record<string, { ids: string[]; count: number }> = {};
  for (let s = 0; s < SESSIONS; s++) {
    const record = await store.read(`test:s${s}`);
    out[`test:s${s}`] = { ids: record?.state.ids ?? [], count: record?.state.count ?? 0 };
  }
  return out;
}
