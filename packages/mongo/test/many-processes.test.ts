import { type BotProcess, postEvents, spawnBot, stopAll } from './support/bots';
import { useTestServer } from './support/mongo-server';
import { StoreFactory, uniqueDbName } from './support/stores';

/**
 * Two bot processes behind an imaginary load balancer share one MongoDB. 300 events of one session
 * arrive at the same time, spread over the two, while 100 events of 100 other sessions arrive
 * too. No update may be lost or forked, and the busy session must not hold up the others.
 */
const server = useTestServer('mongo, two bot processes');
let stores: StoreFactory | undefined;
let bots: BotProcess[] = [];
afterAll(async () => {
  await stopAll(bots);
  await stores?.closeAll();
});

server.test('300 concurrent events of one session over two processes: count 300, 300 handler runs, others in parallel', async () => {
  const mongo = server.mongo();
  stores = new StoreFactory(mongo);
  const dbName = uniqueDbName('two');
  const settings = { mongoUrl: mongo.url, dbName, lockLeaseMs: 5_000, lockTimeoutMs: 30_000, handlerDelayMs: 1 };
  bots = await Promise.all([spawnBot(settings), spawnBot(settings)]);

  // 300 events for "hot" and, interleaved, one event each for 100 other sessions.
  const requests: { bot: BotProcess; user: string; id: string }[] = [];
  for (let i = 0; i < 300; i++) {
    requests.push({ bot: bots[i % 2], user: 'hot', id: `hot-${i}` });
    if (i % 3 === 2) requests.push({ bot: bots[((i - 2) / 3) % 2], user: `other-${(i - 2) / 3}`, id: `other-${(i - 2) / 3}` });
  }
  const started = Date.now();
  const answers = await Promise.all(requests.map((r) => postEvents(r.bot, [{ user: r.user, id: r.id }])));
  const elapsed = Date.now() - started;

  expect(answers.filter((a) => a.status !== 200)).toEqual([]);

  // The state: every increment of the hot session landed, once.
  const store = stores.store({ dbName });
  const hot = await store.read('test:hot');
  expect(hot!.state.count).toBe(300);
  expect(hot!.version).toBe(300);
  for (let i = 0; i < 100; i++) expect((await store.read(`test:other-${i}`))!.state.count).toBe(1);

  // The handler ran exactly 300 times for the hot session, each run saw the previous one's commit
  // (counts 1..300, each once), and no two runs overlapped in time, whichever process ran them.
  const hotRuns = bots.flatMap((bot) => bot.runs).filter((run) => run.session === 'test:hot');
  expect(hotRuns).toHaveLength(300);
  expect(new Set(hotRuns.map((run) => run.event)).size).toBe(300);
  const byCount = [...hotRuns].sort((x, y) => x.count - y.count);
  expect(byCount.map((run) => run.count)).toEqual(Array.from({ length: 300 }, (_, i) => i + 1));
  expect(byCount.slice(1).filter((run, i) => run.t0 < byCount[i].t1)).toEqual([]);
  expect(new Set(hotRuns.map((run) => run.pid)).size).toBe(2);

  // The other sessions ran in parallel meanwhile: their answers all came before the hot session's last.
  const hotDone = Math.max(...answers.filter((_, i) => requests[i].user === 'hot').map((a) => a.at));
  const otherDone = Math.max(...answers.filter((_, i) => requests[i].user !== 'hot').map((a) => a.at));
  expect(otherDone).toBeLessThan(hotDone);
  console.info(
    `two processes: 400 events in ${elapsed} ms; hot session serial for ${Math.round(byCount[299].t1 - byCount[0].t0)} ms ` +
      `(runs per process: ${bots.map((bot) => bot.runs.filter((r) => r.session === 'test:hot').length).join('/')}); ` +
      `other sessions done after ${otherDone - started} ms`,
  );
});
