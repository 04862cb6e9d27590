import { median } from '../../../test-support/store-drivers/in-process-bot';
import { expectQuietOutageLogs, restartUnderLoad } from '../../../test-support/store-drivers/restart-under-load';
import { type BotProcess, spawnBot, stopAll } from './support/bots';
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

const EVENTS = 400;

it.each([
  ['stopped (SIGTERM) and restarted', 'stop'],
  ['killed (SIGKILL) and restarted', 'kill'],
] as const)('Redis %s under load: every event is 200-and-written or an error; none both, none lost', async (_how, stop) => {
  if (!redis?.controllable) throw new Error('no redis-server of our own');
  const keyPrefix = uniquePrefix('restart');
  const settings = { redisUrl: redis.url, keyPrefix, lockLeaseMs: 2_000, lockTimeoutMs: 5_000 };
  bots = await Promise.all([spawnBot(settings), spawnBot(settings)]);

  const { answers, ok, refused, refusedButWritten, started, downAt, upAt } = await restartUnderLoad({
    bots,
    sessions: 10,
    events: EVENTS,
    everyMs: 8, // one event every 8 ms: the load spans about 3.2 s
    outageAfterMs: 800,
    outageMs: 1_000,
    stop: () => redis![stop](),
    start: () => redis!.restart(),
    openReader: () => stores.store({ keyPrefix }),
    answeredAfterUpMs: 1_000,
  });

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
  expectQuietOutageLogs(bots, /unavailable \(/);
  expect(median503).toBeLessThan(1_000); // refused at once (a few ms when idle), not after client retries
});
