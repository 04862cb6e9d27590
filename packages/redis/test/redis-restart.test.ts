import { type Answer, type BotProcess, postEvents, spawnBot, stopAll } from './support/bots';
import { redisTest, startRedisOrSkip, type TestRedis } from './support/redis-server';
import { StoreFactory, uniquePrefix } from './support/stores';

/**
 * redis-server stops and comes back while two bot processes are under steady load. Every event
 * must be answered either 200 (and then its state is written) or with an error status (and then
 * the platform redelivers it); never 200 without the write. The processes stay up and recover on
 * their own. Redis here keeps an fsynced append-only file, so its data survives the restart.
 */
const it = redisTest('redis, restart under load', 'own server');
let redis: TestRedis | undefined;
let stores: StoreFactory;
let bots: BotProcess[] = [];

beforeAll(async () => {
  redis = await startRedisOrSkip('redis, restart under load', { persistent: true });
  if (redis) stores = new StoreFactory(redis);
});
afterEach(() => stopAll(bots.splice(0)));
afterAll(async () => {
  await stores?.closeAll();
  await redis?.dispose();
});

const SESSIONS = 10;
const EVENTS = 400;
const EVERY_MS = 8; // one event every 8 ms: the load spans about 3.2 s
const OUTAGE_AFTER_MS = 800;
const OUTAGE_MS = 1_000;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

it.each([
  ['stopped (SIGTERM) and restarted', 'stop'],
  ['killed (SIGKILL) and restarted', 'kill'],
] as const)('Redis %s under load: every event is 200-and-written or an error; none both, none lost', async (_how, stop) => {
  if (!redis?.controllable) throw new Error('no redis-server of our own');
  const keyPrefix = uniquePrefix('restart');
  const settings = { redisUrl: redis.url, keyPrefix, lockLeaseMs: 2_000, lockTimeoutMs: 5_000 };
  bots = await Promise.all([spawnBot(settings), spawnBot(settings)]);
  const events = Array.from({ length: EVENTS }, (_, i) => ({ user: `s${i % SESSIONS}`, id: `ev-${i}`, text: 'track' }));

  // The load, and meanwhile the outage.
  const started = Date.now();
  const outage = (async () => {
    await sleep(OUTAGE_AFTER_MS);
    await redis![stop]();
    const downAt = Date.now();
    await sleep(OUTAGE_MS);
    await redis!.restart();
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
  expect(answers.filter((a) => a.status === 200 && a.at > upAt + 1_000).length).toBeGreaterThan(10); // and ended
  expect(bots.every((bot) => bot.alive())).toBe(true);

  // Before any redelivery: every event answered 200 is in its session's state, exactly once.
  const store = stores.store({ keyPrefix });
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
  // Quiet failure: each process says the store is down once, then counts, then that it is back:
  // a few lines per process for the whole outage, not one (with a stack) per refused event.
  const logLines = bots.map((bot) => bot.stderr.length);
  const slowest503 = Math.max(...answers.filter((a) => a.status === 503).map((a) => a.ms));
  const median503 = median(answers.filter((a) => a.status === 503).map((a) => a.ms));
  console.info(
    `redis ${stop} under load: ${ok.length} events answered 200 and ${refused.length} answered 503 ` +
      `(outage ${upAt - downAt} ms; 503s whose write had landed: ${refusedButWritten.length}); ` +
      `after redelivery all ${EVENTS} counted once; load took ${Date.now() - started} ms; ` +
      `stderr lines per process: ${logLines.join(', ')}; 503 answered in ${median503} ms (median), ${slowest503} ms (slowest)`,
  );
  for (const bot of bots) {
    expect(bot.stderr.filter((line) => /unavailable \(/.test(line)).length).toBeGreaterThanOrEqual(1); // it said so
    expect(bot.stderr.length).toBeLessThanOrEqual(12); // down, a count every 5 s, back, and nothing per event
    expect(bot.stderr.some((line) => / is back after /.test(line))).toBe(true);
  }
  expect(median503).toBeLessThan(1_000); // refused at once (a few ms when idle), not after client retries
});

/** The `ids` and `count` of every session of the load. */
async function stateOfAll(store: ReturnType<StoreFactory['store']>): Promise<Record<string, { ids: string[]; count: number }>> {
  const out: Record<string, { ids: string[]; count: number }> = {};
  for (let s = 0; s < SESSIONS; s++) {
    const record = await store.read(`test:s${s}`);
    out[`test:s${s}`] = { ids: record?.state.ids ?? [], count: record?.state.count ?? 0 };
  }
  return out;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted.length === 0 ? NaN : sorted[Math.floor(sorted.length / 2)];
}
