import { DATABASE_URL } from './support/postgres';
import { type BotProcess, postEvents, spawnBot, stopAll } from './support/bots';
import { uniqueTable, usePostgresSuite } from './support/stores';

/**
 * Three bot processes behind an imaginary load balancer share one PostgreSQL table. 300 events of
 * one session arrive at the same time, spread over the three, while 100 events of 100 other
 * sessions arrive too. No update may be lost or forked, and the busy session must not hold up the
 * others.
 */
const { pgTest, stores } = usePostgresSuite('postgres three processes');
let bots: BotProcess[] = [];
afterAll(() => stopAll(bots));

const HOT = 300;
const OTHERS = 100;

pgTest(`${HOT} concurrent events of one session over three processes: count ${HOT}, each handler run once, others in parallel`, async () => {
  const table = uniqueTable('three');
  const settings = {
    databaseUrl: DATABASE_URL,
    schema: stores.schema,
    table,
    applicationName: stores.applicationName,
    lockLeaseMs: 5_000,
    lockTimeoutMs: 60_000,
    handlerDelayMs: 1,
  };
  bots = await Promise.all([spawnBot(settings), spawnBot(settings), spawnBot(settings)]);

  // HOT events for "hot" and, interleaved, one event each for OTHERS other sessions.
  const requests: { bot: BotProcess; user: string; id: string }[] = [];
  for (let i = 0; i < HOT; i++) {
    requests.push({ bot: bots[i % 3], user: 'hot', id: `hot-${i}` });
    if (i % 3 === 2) requests.push({ bot: bots[((i - 2) / 3) % 3], user: `other-${(i - 2) / 3}`, id: `other-${(i - 2) / 3}` });
  }
  const started = Date.now();
  const answers = await Promise.all(requests.map((r) => postEvents(r.bot, [{ user: r.user, id: r.id }])));
  const elapsed = Date.now() - started;
  expect(answers.filter((a) => a.status !== 200)).toEqual([]);

  // The state: every increment of the hot session landed, once.
  const store = stores.store({ table });
  const hot = await store.read('test:hot');
  expect(hot!.state.count).toBe(HOT);
  expect(hot!.version).toBe(HOT);
  for (let i = 0; i < OTHERS; i++) expect((await store.read(`test:other-${i}`))!.state.count).toBe(1);

  // The handler ran exactly HOT times for the hot session, each run saw the previous one's
  // commit (counts 1..HOT, each once), and no two runs overlapped in time, whichever process.
  const hotRuns = bots.flatMap((bot) => bot.runs).filter((run) => run.session === 'test:hot');
  expect(hotRuns).toHaveLength(HOT);
  expect(new Set(hotRuns.map((run) => run.event)).size).toBe(HOT);
  const byCount = [...hotRuns].sort((x, y) => x.count - y.count);
  expect(byCount.map((run) => run.count)).toEqual(Array.from({ length: HOT }, (_, i) => i + 1));
  const overlaps = byCount.slice(1).filter((run, i) => run.t0 < byCount[i].t1);
  expect(overlaps).toEqual([]);
  expect(new Set(hotRuns.map((run) => run.pid)).size).toBe(3);

  // The other sessions ran meanwhile: they finished before the hot session did.
  const hotDone = Math.max(...answers.filter((_, i) => requests[i].user === 'hot').map((a) => a.at));
  const otherDone = Math.max(...answers.filter((_, i) => requests[i].user !== 'hot').map((a) => a.at));
  expect(otherDone).toBeLessThan(hotDone);
  const otherRuns = bots.flatMap((bot) => bot.runs).filter((run) => run.session !== 'test:hot');
  expect(otherRuns).toHaveLength(OTHERS);

  console.info(
    `postgres, three processes: ${HOT + OTHERS} events in ${elapsed} ms; hot session serial for ` +
      `${Math.round(byCount[HOT - 1].t1 - byCount[0].t0)} ms (runs per process: ` +
      `${bots.map((bot) => bot.runs.filter((r) => r.session === 'test:hot').length).join('/')}); other sessions done after ${otherDone - started} ms`,
  );
});
