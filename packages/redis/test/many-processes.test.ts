import { type BotProcess, postEvents, spawnBot, stopAll } from './support/bots';
import { redisTest, startRedisOrSkip, type TestRedis } from './support/redis-server';
import { StoreFactory, uniquePrefix } from './support/stores';

/**
 * Three bot processes behind an imaginary load balancer share one Redis. 600 events of one
 * session arrive at the same time, spread over the three, while 200 events of 200 other sessions
 * arrive too. No update may be lost or forked, and the busy session must not hold up the others.
 */
const it = redisTest('redis, three bot processes');
let redis: TestRedis | undefined;
let stores: StoreFactory;
let bots: BotProcess[] = [];

beforeAll(async () => {
  redis = await startRedisOrSkip('redis, three bot processes');
  if (redis) stores = new StoreFactory(redis);
});
afterAll(async () => {
  await stopAll(bots);
  await stores?.closeAll();
  await redis?.dispose();
});

it('600 concurrent events of one session over three processes: count 600, 600 handler runs, others in parallel', async () => {
  if (!redis) throw new Error('no Redis');
  const keyPrefix = uniquePrefix('three');
  const settings = { redisUrl: redis.url, keyPrefix, lockLeaseMs: 5_000, lockTimeoutMs: 20_000, handlerDelayMs: 1 };
  bots = await Promise.all([spawnBot(settings), spawnBot(settings), spawnBot(settings)]);

  // 600 events for "hot" and, interleaved, one event each for 200 other sessions.
  const requests: { bot: BotProcess; user: string; id: string }[] = [];
  for (let i = 0; i < 600; i++) {
    requests.push({ bot: bots[i % 3], user: 'hot', id: `hot-${i}` });
    if (i % 3 === 2) requests.push({ bot: bots[((i - 2) / 3) % 3], user: `other-${(i - 2) / 3}`, id: `other-${(i - 2) / 3}` });
  }
  const started = Date.now();
  const answers = await Promise.all(requests.map((r) => postEvents(r.bot, [{ user: r.user, id: r.id }])));
  const elapsed = Date.now() - started;

  const failed = answers.filter((a) => a.status !== 200);
  expect(failed).toEqual([]);

  // The state: every increment of the hot session landed, once.
  const store = stores.store({ keyPrefix });
  const hot = await store.read('test:hot');
  expect(hot!.state.count).toBe(600);
  expect(hot!.version).toBe(600);
  for (let i = 0; i < 200; i++) expect((await store.read(`test:other-${i}`))!.state.count).toBe(1);

  // The handler ran exactly 600 times for the hot session, each run saw the previous one's
  // commit (counts 1..600, each once), and no two runs overlapped in time, whichever process.
  const hotRuns = bots.flatMap((bot) => bot.runs).filter((run) => run.session === 'test:hot');
  expect(hotRuns).toHaveLength(600);
  expect(new Set(hotRuns.map((run) => run.event)).size).toBe(600);
  const byCount = [...hotRuns].sort((x, y) => x.count - y.count);
  expect(byCount.map((run) => run.count)).toEqual(Array.from({ length: 600 }, (_, i) => i + 1));
  const overlaps = byCount.slice(1).filter((run, i) => run.t0 < byCount[i].t1);
  expect(overlaps).toEqual([]);
  // Every process took part in the hot session.
  expect(new Set(hotRuns.map((run) => run.pid)).size).toBe(3);

  // The other sessions ran in parallel meanwhile: each of their 200 answers came before the hot
  // session's last one, and their handler runs interleaved with the hot session's.
  const hotAnswers = answers.filter((_, i) => requests[i].user === 'hot');
  const otherAnswers = answers.filter((_, i) => requests[i].user !== 'hot');
  const hotDone = Math.max(...hotAnswers.map((a) => a.at));
  const otherDone = Math.max(...otherAnswers.map((a) => a.at));
  expect(otherDone).toBeLessThan(hotDone);
  const otherRuns = bots.flatMap((bot) => bot.runs).filter((run) => run.session !== 'test:hot');
  expect(otherRuns).toHaveLength(200);
  const hotWindow = [byCount[0].t0, byCount[599].t1];
  const inside = otherRuns.filter((run) => run.t0 > hotWindow[0] && run.t1 < hotWindow[1]);
  expect(inside.length).toBeGreaterThan(100);

  console.info(
    `three processes: 800 events in ${elapsed} ms; hot session serial for ${Math.round(hotWindow[1] - hotWindow[0])} ms ` +
      `(runs per process: ${bots.map((bot) => bot.runs.filter((r) => r.session === 'test:hot').length).join('/')}); ` +
      `other sessions done after ${otherDone - started} ms, ${inside.length}/200 of their runs inside the hot window`,
  );
});
