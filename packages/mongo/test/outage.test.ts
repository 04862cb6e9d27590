import { SessionBusyError, SessionStoreError, StoreUnavailableError, VersionConflictError } from 'bottender/store';
import { MongoNetworkError, MongoNetworkTimeoutError, MongoServerError, MongoServerSelectionError, type TopologyDescription } from 'mongodb';

import { isOutage } from '../src/health';
import { type EventAnswer, inProcessBot, median, recordingLogger, waitFor } from '../../../test-support/store-drivers/in-process-bot';
import { useTestServer } from './support/mongo-server';
import { record, StoreFactory } from './support/stores';

/**
 * A MongoDB outage is quiet and fast, as every driver's is (bottender/store's StoreHealth): once
 * MongoDB is known down, events that need it get their 503 at once instead of each waiting for
 * the driver's server selection; one event every `outageRetryMs` tries again; the log says "down"
 * once, then counts, then "back", instead of a line per refused event. Errors that are not
 * outages (a document too large, a busy lock, a version conflict) stay what they were.
 */
const server = useTestServer('mongo outages');
let stores: StoreFactory | undefined;
afterEach(() => stores?.closeAll());
const factory = () => (stores ??= new StoreFactory(server.mongo()));
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('which driver errors are outages', () => {
  it.each<[string, unknown]>([
    ['no server selectable', new MongoServerSelectionError('Server selection timed out after 5000 ms', {} as TopologyDescription)],
    ['a network error', new MongoNetworkError('connection 4 to 127.0.0.1:27017 closed')],
    ['a network timeout (a frozen server)', new MongoNetworkTimeoutError('connection 4 to 127.0.0.1:27017 timed out')],
    ['a primary that stepped down', new MongoServerError({ code: 189, errmsg: 'PrimarySteppedDown' })],
    ['a node that is not primary', new MongoServerError({ code: 10107, errmsg: 'not primary' })],
    ['a node shutting down', new MongoServerError({ code: 91, errmsg: 'The server is in quiesce mode and will shut down' })],
    ['an error labelled RetryableWriteError', new MongoServerError({ code: 262, errmsg: 'exceeded time limit', errorLabels: ['RetryableWriteError'] })],
    ['an old server saying "not master" in words', new MongoServerError({ errmsg: 'not master' })],
  ])('%s is an outage', (_what, error) => {
    expect(isOutage(error)).toBe(true);
  });

  it.each<[string, unknown]>([
    ['a duplicate key (the lock fencing)', new MongoServerError({ code: 11000, errmsg: 'E11000 duplicate key error' })],
    ['a document past 16 MB', new MongoServerError({ code: 10334, errmsg: 'BSONObj size is invalid' })],
    ['a bad command', new MongoServerError({ code: 2, errmsg: 'BadValue' })],
    ["the store's own error (damaged data)", new SessionStoreError('stored data for session "a" is not a session record')],
    ['a programming error', new TypeError('x is not a function')],
    ['something that is not an error', 'ECONNREFUSED'],
  ])('%s is not an outage', (_what, error) => {
    expect(isOutage(error)).toBe(false);
  });
});

const SESSIONS = 10;
const EVENTS = 300;
const EVERY_MS = 8; // one event every 8 ms: the load spans about 2.4 s
const OUTAGE_AFTER_MS = 500;
const OUTAGE_MS = 1_500;
const CONNECT_TIMEOUT_MS = 1_000;

server.test('MongoDB stopped under load: 503s at once, a few log lines, then every event handled; after redelivery each counted once', async () => {
  const mongo = server.mongo();
  const logger = recordingLogger();
  const store = factory().store({ logger, connectTimeoutMs: CONNECT_TIMEOUT_MS, outageRetryMs: 500 });
  const { bot, post } = inProcessBot(store, { logger, lockTimeoutMs: 3_000, track: true });
  const events = Array.from({ length: EVENTS }, (_, i) => ({ user: `s${i % SESSIONS}`, id: `ev-${i}` }));
  await store.init();

  const outage = (async () => {
    await sleep(OUTAGE_AFTER_MS);
    await mongo.down();
    const downAt = Date.now();
    await sleep(OUTAGE_MS);
    await mongo.up();
    return { downAt, upAt: Date.now() };
  })();
  let answers: EventAnswer[];
  try {
    const pending: Promise<EventAnswer>[] = [];
    for (const event of events) {
      pending.push(post(event));
      await sleep(EVERY_MS);
    }
    answers = await Promise.all(pending);
  } finally {
    await outage; // the server is back for the next test, whatever happened
  }
  const { downAt, upAt } = await outage;

  // Each event got one answer: 200 or 503, nothing else.
  expect(answers.filter((a) => a.status !== 200 && a.status !== 503)).toEqual([]);
  const refused = events.filter((_, i) => answers[i].status === 503);
  const refusedMs = answers.filter((a) => a.status === 503).map((a) => a.ms);
  expect(refused.length).toBeGreaterThan(20); // the outage really happened under load
  // Refused at once: not after the driver's server selection timeout (1 s here, 5 s by default).
  expect(median(refusedMs)).toBeLessThan(500); // each would wait out connectTimeoutMs (1 s) if it tried
  // Only the events that tried MongoDB (in flight when it went, or the one every outageRetryMs),
  // and those of the same sessions queued behind them, waited for it.
  const waited = refusedMs.filter((ms) => ms >= 500).length; // a try waits for connectTimeoutMs (1 s)
  expect(waited).toBeLessThan(refused.length / 4);

  // The log: down once, maybe a count, back once. Nothing per refused event, from the store or
  // the runtime.
  await waitFor(() => logger.lines.some((l) => / is back after /.test(l)));
  const target = `${mongo.url.replace(/\?.*$/, '')}`;
  expect(logger.lines.filter((l) => l.startsWith(`warn: mongo session store: ${target} is unavailable (`))).toHaveLength(1);
  expect(logger.lines.filter((l) => l.startsWith(`info: mongo session store: ${target} is back after `))).toHaveLength(1);
  expect(logger.lines.length).toBeLessThanOrEqual(4);
  expect(logger.lines.filter((l) => l.startsWith('error:'))).toEqual([]);

  // Handled again once it was back.
  expect(answers.filter((a) => a.status === 200 && a.at > upAt + 300).length).toBeGreaterThan(10);

  // The platform redelivers what was refused, until it is accepted; then every event is counted
  // exactly once (a 503 whose write had landed is recognised by its event id).
  let unanswered = refused;
  for (let round = 0; unanswered.length > 0 && round < 20; round++) {
    const retry = await Promise.all(unanswered.map((event) => post(event)));
    unanswered = unanswered.filter((_, i) => retry[i].status !== 200);
    if (unanswered.length > 0) await sleep(200);
  }
  expect(unanswered).toEqual([]);
  for (let s = 0; s < SESSIONS; s++) {
    const state = (await store.read(`test:s${s}`))?.state as { ids: string[]; count: number };
    const expected = events.filter((e) => e.user === `s${s}`).map((e) => e.id);
    expect([...state.ids].sort()).toEqual([...expected].sort());
    expect(state.count).toBe(expected.length);
  }
  console.info(
    `mongo outage under load: ${EVENTS - refused.length} answered 200, ${refused.length} answered 503 ` +
      `(outage ${upAt - downAt} ms); 503 in ${median(refusedMs)} ms (median), ${Math.max(...refusedMs)} ms (slowest), ` +
      `${waited} of them took 500 ms or more; ` +
      `log lines: ${logger.lines.length}; after redelivery all ${EVENTS} counted once`,
  );
  await bot.close();
});

server.test("the driver's heartbeats mark MongoDB down before any event tries it, and back before any event succeeds", async () => {
  const mongo = server.mongo();
  const logger = recordingLogger();
  // A client of your own, polled often, so its monitor notices quickly; the store follows it.
  const client = factory().client({ heartbeatFrequencyMS: 200, serverSelectionTimeoutMS: 5_000 });
  const store = factory().store({ client, logger });
  const { bot, post } = inProcessBot(store, { logger, lockTimeoutMs: 3_000, track: true });
  expect((await post({ user: 'u', id: 'a' })).status).toBe(200);

  await mongo.down();
  try {
    // No event is sent: only the driver's monitor can tell.
    expect(await waitFor(() => logger.lines.some((l) => / is unavailable \(/.test(l)))).toBe(true);
    const refused = await post({ user: 'u', id: 'b' });
    expect(refused.status).toBe(503);
    expect(refused.ms).toBeLessThan(1_000); // not the 5 s of server selection
  } finally {
    await mongo.up();
  }
  expect(await waitFor(() => logger.lines.some((l) => / is back after /.test(l)))).toBe(true);
  const back = await post({ user: 'u', id: 'c' });
  expect(back.status).toBe(200);
  expect(logger.lines.filter((l) => / is unavailable \(/.test(l))).toHaveLength(1);
  expect(logger.lines.filter((l) => l.startsWith('error:'))).toEqual([]);
  expect((await store.read('test:u'))!.state).toEqual({ count: 2, ids: ['a', 'c'] });
  await bot.close();
});

server.test('errors that are not outages stay what they were: no outage reported, the next event proceeds at once', async () => {
  const logger = recordingLogger();
  const store = factory().store({ logger });
  await store.write(record('test:big', 1, { small: true }), { expectedVersion: 0 });

  // A document past 16 MB.
  const huge = record('test:big', 2, { text: 'x'.repeat(17 * 1024 * 1024) });
  const tooLarge = await store.write(huge, { expectedVersion: 1 }).catch((e: unknown) => e);
  expect(tooLarge).toBeInstanceOf(SessionStoreError);
  expect(tooLarge).not.toBeInstanceOf(StoreUnavailableError);
  // A version conflict, and a busy lock (the upsert's duplicate key).
  await expect(store.write(record('test:big', 5), { expectedVersion: 3 })).rejects.toBeInstanceOf(VersionConflictError);
  const held = await store.begin('test:big', { timeoutMs: 1_000 });
  await expect(store.begin('test:big', { timeoutMs: 50 })).rejects.toBeInstanceOf(SessionBusyError);
  await held.release();

  // Nothing was reported, and the store is not refusing anything.
  expect(logger.lines).toEqual([]);
  const started = Date.now();
  const transaction = await store.begin('test:big', { timeoutMs: 1_000 });
  expect(transaction.record).toEqual(record('test:big', 1, { small: true }));
  await transaction.commit(record('test:big', 2, { small: false }), {});
  expect(Date.now() - started).toBeLessThan(1_000);
  expect(logger.lines).toEqual([]);
});

server.test('the store stops following a client of yours when it closes', async () => {
  const client = factory().client();
  const before = client.listenerCount('topologyDescriptionChanged');
  const store = factory().store({ client });
  await store.init();
  expect(client.listenerCount('topologyDescriptionChanged')).toBe(before + 1);
  await store.close();
  expect(client.listenerCount('topologyDescriptionChanged')).toBe(before);
});
