import { median } from '../../../test-support/store-drivers/in-process-bot';
import { expectQuietOutageLogs, restartUnderLoad } from '../../../test-support/store-drivers/restart-under-load';
import { type BotProcess, spawnBot, stopAll } from './support/bots';
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

const EVENTS = 500;

server.test('MongoDB stopped and restarted under load: every event is 200-and-written or an error; none both, none lost', async () => {
  const mongo = server.mongo();
  stores = new StoreFactory(mongo);
  const dbName = uniqueDbName('restart');
  const settings = { mongoUrl: mongo.url, dbName, lockLeaseMs: 2_000, lockTimeoutMs: 5_000, connectTimeoutMs: 1_000 };
  bots = await Promise.all([spawnBot(settings), spawnBot(settings)]);

  const { answers, ok, refused, refusedButWritten, started, downAt, upAt } = await restartUnderLoad({
    bots,
    sessions: 10,
    events: EVENTS,
    everyMs: 10, // one event every 10 ms: the load spans about 5 s
    outageAfterMs: 800,
    // Longer than the bots' connectTimeoutMs (1 s): events that wait that long for a server answer
    // 503; those that arrive in its last second wait and then succeed once the server is back.
    outageMs: 2_500,
    stop: () => mongo.down(),
    start: () => mongo.up(),
    openReader: () => stores!.store({ dbName }),
    answeredAfterUpMs: 500,
  });

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
  expectQuietOutageLogs(bots, / is unavailable \(/);
  // Refused at once once known down, not after connectTimeoutMs (1 s here) each.
  expect(median(refusedMs)).toBeLessThan(500);
});
