/**
 * Promise 1 (docs/promises.md) across a refusal: within one delivery of several events (a
 * webhook request, a polled page), once an event of a session is refused, that session's later
 * events of the delivery are not run (`earlier-refused`), so a redelivery handles them after it,
 * in arrival order. Other sessions' events are not held back.
 */
import {
  Bot,
  type EventReport,
  LeaseLostError,
  MemorySessionStore,
  type SessionRecord,
  type SessionStore,
  type SessionTransaction,
  silentLogger,
} from '../src';
import type { Delivery } from '../src/connector';
import { PollingTestConnector, TestConnector, TestEvent, type TestRawEvent } from '../src/testing';
import { startTestBot } from './support/bot';

/** Refuses, once, the first write (commit) of session `id`: a store that blips. */
class RefusesFirstWriteStore extends MemorySessionStore {
  refused = 0;
  constructor(private readonly id: string) {
    super();
  }
  override async write(record: SessionRecord, options: Parameters<SessionStore['write']>[1]) {
    if (record.id === this.id && this.refused === 0) {
      this.refused++;
      throw new Error('connection reset');
    }
    return super.write(record, options);
  }
}

/** A store with a lock whose lease runs out, once, under the first event of session `id`. */
class LosesFirstLeaseStore extends MemorySessionStore {
  lost = 0;
  constructor(private readonly id: string) {
    super();
  }
  async begin(id: string): Promise<SessionTransaction> {
    const record = await this.read(id);
    return {
      record,
      commit: async (next, { ttlMs }) => {
        if (id === this.id && this.lost === 0) {
          this.lost++;
          throw new LeaseLostError(id, 1000);
        }
        await this.write(next, { expectedVersion: record?.version ?? 0, ttlMs });
      },
      release: async () => {},
    };
  }
}

/**
 * The handler: records each run's event id under its session key (`-` without one), in the order
 * the runs started, and appends the event id to the state.
 */
function recordingApp(options: { hangOnce?: string } = {}) {
  const runs: Record<string, string[]> = {};
  let hung = false;
  const app = async (context: any) => {
    const raw = context.event.rawEvent as TestRawEvent;
    (runs[raw.user ?? '-'] ??= []).push(raw.id!);
    if (raw.id === options.hangOnce && !hung) {
      hung = true;
      await new Promise((resolve) => setTimeout(resolve, 400)); // past handlerTimeoutMs
    }
    context.setState({ seen: [...(context.state.seen ?? []), raw.id] });
  };
  return { app, runs };
}

const BATCH: TestRawEvent[] = [
  { user: 's', id: 's1', text: 'first' },
  { user: 's', id: 's2', text: 'second' },
  { user: 't', id: 't1', text: 'other' },
];
const events = (raws: TestRawEvent[]) => raws.map((raw) => new TestEvent(raw));
const outcomes = (deliveries: Delivery[]) => deliveries.map((d) => d.outcome);

describe('an event refused within a delivery of several', () => {
  it.each([
    ['the store refuses its commit', 'store-unavailable', () => ({ store: new RefusesFirstWriteStore('test:s') }), {}],
    ['its lease is lost', 'lease-lost', () => ({ store: new LosesFirstLeaseStore('test:s') }), {}],
    [
      'its handler runs past handlerTimeoutMs',
      'timed-out',
      () => ({ store: new MemorySessionStore(), handlerTimeoutMs: 100 }),
      { hangOnce: 's1' },
    ],
  ] as const)(
    'when %s: the session\'s later event is not run, another session\'s is, and a redelivery runs them in order, once',
    async (_why, refusal, setup, appOptions) => {
      const { app, runs } = recordingApp(appOptions);
      const { store, ...options } = setup();
      const bot = new Bot({ app, store, logger: silentLogger, ...options });
      const connector = new TestConnector();
      const dispatcher = bot.dispatcher(connector);

      const first = await dispatcher.dispatch(events(BATCH));
      expect(outcomes(first)).toEqual([refusal, 'earlier-refused', 'handled']);
      expect(runs).toEqual({ s: ['s1'], t: ['t1'] });
      expect(await store.read('test:s')).toBeUndefined();

      // The platform delivers the whole batch again.
      const again = await dispatcher.dispatch(events(BATCH));
      expect(outcomes(again)).toEqual(['handled', 'handled', 'duplicate']);
      expect(runs).toEqual({ s: ['s1', 's1', 's2'], t: ['t1'] });
      expect((await store.read('test:s'))?.state).toEqual({ seen: ['s1', 's2'] });
      expect((await store.read('test:t'))?.state).toEqual({ seen: ['t1'] });
      await bot.close();
    },
  );

  it('refuses every later event of the session, whatever came between, and says why', async () => {
    const { app, runs } = recordingApp();
    const store = new RefusesFirstWriteStore('test:s');
    const bot = new Bot({ app, store, logger: silentLogger });
    const reports: EventReport[] = [];
    bot.observe((report) => reports.push(report));
    const batch: TestRawEvent[] = [
      { user: 's', id: 's1' },
      { user: 't', id: 't1' },
      { user: 's', id: 's2' },
      { id: 'n1', text: 'no session' },
      { user: 's', id: 's3' },
      { user: 't', id: 't2' },
    ];
    const deliveries = await bot.dispatcher(new TestConnector()).dispatch(events(batch));
    expect(outcomes(deliveries)).toEqual(['store-unavailable', 'handled', 'earlier-refused', 'no-session', 'earlier-refused', 'handled']);
    expect(runs).toEqual({ s: ['s1'], t: ['t1', 't2'], '-': ['n1'] });
    const skipped = reports.find((r) => r.eventId === 's2')!;
    expect(skipped.outcome).toBe('earlier-refused');
    expect((skipped.error as Error).message).toBe(
      'session "test:s": not run, because an earlier event of the session in the same delivery was refused ' +
        '(store-unavailable); to be redelivered after it',
    );
    await bot.close();
  });

  it('answers the webhook 503 with the first refusal\'s reason, and the redelivered request 200', async () => {
    const store = new RefusesFirstWriteStore('test:s');
    const { app, runs } = recordingApp();
    const bot = await startTestBot({ store, app });
    try {
      const answer = await bot.send(BATCH);
      expect(answer.status).toBe(503);
      expect(JSON.parse(String(answer.body))).toEqual({ error: 'session store unavailable, retry later' });
      expect(runs).toEqual({ s: ['s1'], t: ['t1'] });
      expect((await bot.send(BATCH)).status).toBe(200);
      expect(runs).toEqual({ s: ['s1', 's1', 's2'], t: ['t1'] });
    } finally {
      await bot.stop();
    }
  });

  it('makes Bot.handleEvents reject with the refusal itself, not the events it held back', async () => {
    const { app, runs } = recordingApp();
    const bot = new Bot({ app, store: new RefusesFirstWriteStore('test:s'), logger: silentLogger });
    await expect(bot.handleEvents(new TestConnector(), events(BATCH))).rejects.toThrow(/session "test:s" could not be written/);
    expect(runs).toEqual({ s: ['s1'], t: ['t1'] });
    await bot.close();
  });

  it('keeps acknowledged outcomes from holding anything back: a handler error is not a refusal', async () => {
    const runs: string[] = [];
    const bot = new Bot({
      app: async (context: any) => {
        runs.push(context.event.rawEvent.id);
        if (context.event.rawEvent.id === 's1') throw new Error('bug in the handler');
      },
      store: new MemorySessionStore(),
      logger: silentLogger,
    });
    const deliveries = await bot.dispatcher(new TestConnector()).dispatch(events(BATCH));
    expect(outcomes(deliveries)).toEqual(['handler-error', 'handled', 'handled']);
    expect([...runs].sort()).toEqual(['s1', 's2', 't1']);
    await bot.close();
  });
});

describe('a delivery of one event', () => {
  it('is unchanged: a refusal concerns that event only, and the session\'s next delivery runs', async () => {
    const { app, runs } = recordingApp();
    const store = new RefusesFirstWriteStore('test:s');
    const bot = new Bot({ app, store, logger: silentLogger });
    const dispatcher = bot.dispatcher(new TestConnector());
    expect(outcomes(await dispatcher.dispatch(events([BATCH[0]])))).toEqual(['store-unavailable']);
    expect(outcomes(await dispatcher.dispatch(events([BATCH[1]])))).toEqual(['handled']);
    expect(outcomes(await dispatcher.dispatch(events([BATCH[0]])))).toEqual(['handled']);
    expect(runs).toEqual({ s: ['s1', 's2', 's1'] });
    await bot.close();
  });
});

describe('over a polling transport', () => {
  it('stops the offset before the refused update, takes the page again, and handles each update once, in order', async () => {
    const { app, runs } = recordingApp();
    const store = new RefusesFirstWriteStore('polling:s');
    const bot = new Bot({ app, store, logger: silentLogger });
    const connector = new PollingTestConnector({ retryMs: 5 });
    const abort = new AbortController();
    const dispatched: string[][] = [];
    const dispatcher = bot.dispatcher(connector);
    const loop = connector.run(
      {
        dispatch: async (batch, options) => {
          const deliveries = await dispatcher.dispatch(batch, options);
          dispatched.push(deliveries.map((d) => d.outcome));
          return deliveries;
        },
      },
      abort.signal,
    );
    connector.push({ user: 't', id: 't0' }, ...BATCH, { user: 't', id: 't2' });
    const until = Date.now() + 5000;
    while (connector.pending > 0 && Date.now() < until) await new Promise((resolve) => setTimeout(resolve, 5));
    abort.abort();
    await loop;

    expect(connector.pending).toBe(0);
    expect(connector.offset).toBe(6);
    expect(dispatched).toEqual([
      ['handled', 'store-unavailable', 'earlier-refused', 'handled', 'handled'],
      ['handled', 'handled', 'duplicate', 'duplicate'],
    ]);
    expect(runs).toEqual({ s: ['s1', 's1', 's2'], t: ['t0', 't1', 't2'] });
    expect((await store.read('polling:s'))?.state).toEqual({ seen: ['s1', 's2'] });
    expect((await store.read('polling:t'))?.state).toEqual({ seen: ['t0', 't1', 't2'] });
    await bot.close();
  });
});

/**
 * A bot whose first run of event s1 outlasts the deadline (200 ms) and then handlerTimeoutMs
 * (400 ms), so it ends timed-out; every other run appends its event id to the state.
 */
function botWhoseFirstS1TimesOut<S extends SessionStore>(store: S) {
  const runs: string[] = [];
  let failing = true;
  const bot = new Bot({
    app: async (context: any) => {
      const id = context.event.rawEvent.id;
      runs.push(id);
      if (id === 's1' && failing) {
        failing = false;
        await new Promise((resolve) => setTimeout(resolve, 600));
      }
      context.setState({ seen: [...(context.state.seen ?? []), id] });
    },
    store,
    handlerTimeoutMs: 400,
    logger: silentLogger,
  });
  return { runs, store, bot };
}

describe('events acknowledged at their deadline (deferred)', () => {
  it('holds back the session\'s later event when the earlier one ends refused, and runs both held events in order', async () => {
    const { runs, store, bot } = botWhoseFirstS1TimesOut(new MemorySessionStore());
    const connector = new TestConnector({ answerDeadlineMs: 200 });
    const deliveries = await bot.dispatcher(connector).dispatch(events(BATCH));
    // Acknowledged at the deadline: the platform will not send s1 or s2 again; both are held.
    expect(outcomes(deliveries)).toEqual(['deferred', 'deferred', 'handled']);
    expect(await Promise.all(deliveries.slice(0, 2).map((d) => d.settled))).toEqual(['timed-out', 'earlier-refused']);
    expect(runs).toEqual(['s1', 't1']);
    expect([...(await collect(store.heldEvents('test:s')))].map((h) => h.eventId)).toEqual(['s1', 's2']);

    // The session's next event runs the held ones first, in their order.
    expect(await bot.handleEvent(connector, new TestEvent({ user: 's', id: 's3' }))).toBe('committed');
    expect(runs).toEqual(['s1', 't1', 's1', 's2', 's3']);
    expect((await store.read('test:s'))?.state).toEqual({ seen: ['s1', 's2', 's3'] });
    expect(await collect(store.heldEvents('test:s'))).toEqual([]);
    await bot.close();
  });
});

describe('a held event that ends refused, and the session\'s next delivery', () => {
  it('runs the held event again first, even when the next event was already waiting behind it', async () => {
    const { runs, store, bot } = botWhoseFirstS1TimesOut(new MemorySessionStore());
    const dispatcher = bot.dispatcher(new TestConnector({ answerDeadlineMs: 200 }));
    const [first] = await dispatcher.dispatch(events([BATCH[0]]));
    expect(first.outcome).toBe('deferred');
    // s1 is acknowledged and still running; s2 comes in its own request (from a platform
    // without a deadline here, so it is not held itself) and waits behind it.
    const [second] = await dispatcher.dispatch(events([BATCH[1]]), { deadlineMs: Infinity });
    expect(await first.settled).toBe('timed-out');
    expect(second.outcome).toBe('handled');
    expect(runs).toEqual(['s1', 's1', 's2']);
    expect((await store.read('test:s'))?.state).toEqual({ seen: ['s1', 's2'] });
    expect(await collect(store.heldEvents('test:s'))).toEqual([]);
    await bot.close();
  });
});

describe('events acknowledged at their deadline by a store that cannot hold them', () => {
  it('runs the session\'s later event anyway: the refused one never comes again, and this one would not either', async () => {
    const memory = new MemorySessionStore();
    // A custom store without holdEvent/heldEvents/releaseHeldEvents.
    const store: SessionStore = {
      name: 'no-holds',
      read: (id) => memory.read(id),
      write: (record, options) => memory.write(record, options),
      delete: (id) => memory.delete(id),
      list: () => memory.list(),
    };
    const { runs, bot } = botWhoseFirstS1TimesOut(store);
    const deliveries = await bot.dispatcher(new TestConnector({ answerDeadlineMs: 200 })).dispatch(events(BATCH.slice(0, 2)));
    expect(outcomes(deliveries)).toEqual(['deferred', 'deferred']);
    expect(await Promise.all(deliveries.map((d) => d.settled))).toEqual(['timed-out', 'handled']);
    expect(runs).toEqual(['s1', 's2']);
    expect((await store.read('test:s'))?.state).toEqual({ seen: ['s2'] });
    await bot.close();
  });
});

async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
}
