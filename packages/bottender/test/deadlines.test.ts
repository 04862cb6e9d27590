/**
 * Contract v2 (issue 8) and the bounded run (issue 9): answer deadlines, answers the handler
 * computes, the dispatcher loop transports use, and events that wait or run too long.
 * Timing-sensitive parts wait on gates the test opens, not on sleeps; bounds are generous.
 */
import { AnswerTooLateError, type Delivery } from '../src/connector';
import { Bot, MemorySessionStore, type SessionStore } from '../src';
import { TestConnector, TestEvent } from '../src/testing';
import { recordingLogger, startTestBot } from './support/bot';

type TestBot = Awaited<ReturnType<typeof startTestBot>>;
let bot: TestBot | undefined;
afterEach(async () => {
  await bot?.stop();
  bot = undefined;
});

/** A promise the test resolves when it wants. */
function gate(): { promise: Promise<void>; open(): void } {
  let open!: () => void;
  const promise = new Promise<void>((resolve) => (open = resolve));
  return { promise, open };
}

/** Waits until `condition()` holds, checking every 10 ms; fails after `ms`. */
async function until(condition: () => boolean, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

async function heldCount(store: SessionStore & { heldEvents?: (id?: string) => AsyncIterable<unknown> }): Promise<number> {
  let n = 0;
  for await (const _ of store.heldEvents!()) n++;
  return n;
}

describe('a slow handler behind an answer deadline', () => {
  const DEADLINE_MS = 1500;

  it('is acknowledged before the deadline, committed once, and run once though the platform retries', async () => {
    const slow = gate();
    let runs = 0;
    const store = new MemorySessionStore();
    bot = await startTestBot({
      store,
      connector: new TestConnector({ answerDeadlineMs: DEADLINE_MS }),
      app: async (context: any) => {
        runs++;
        await slow.promise;
        context.setState({ count: context.state.count + 1 });
        await context.sendText(`Count: ${context.state.count}`);
      },
    });
    const event = { user: 'a', id: 'evt-slow', text: 'hi' };
    const started = Date.now();
    const first = await bot.send([event]);
    const answeredAfter = Date.now() - started;
    expect(first.status).toBe(200);
    expect(answeredAfter).toBeLessThan(DEADLINE_MS);
    expect(await heldCount(store)).toBe(1); // held before the acknowledgement
    // The platform retries while the handler still runs: acknowledged too, not run again.
    expect((await bot.send([event])).status).toBe(200);
    expect(runs).toBe(1);
    expect(await store.read('test:a')).toBeUndefined(); // nothing committed yet
    slow.open();
    await bot.bot.drain();
    expect((await store.read('test:a'))?.state).toEqual({ count: 1 });
    expect((await store.read('test:a'))?.version).toBe(1);
    expect(runs).toBe(1);
    expect(bot.connector.repliesTo('a')).toEqual(['Count: 1']);
    expect(await heldCount(store)).toBe(0); // released once committed
    expect((await bot.send([event])).status).toBe(200);
    expect(runs).toBe(1);
  });

  it('answers after the commit, as without a deadline, when handler and commit are fast', async () => {
    bot = await startTestBot({ connector: new TestConnector({ answerDeadlineMs: DEADLINE_MS }) });
    const answer = await bot.send([{ user: 'a', id: 'e1', text: 'hi' }]);
    expect(answer).toEqual({ status: 200, body: '{}' });
    expect((await bot.bot.store.read('test:a'))?.state).toEqual({ count: 1 });
  });

  it('a deferred delivery settles with the final outcome', async () => {
    const slow = gate();
    const connector = new TestConnector();
    const app = new Bot({
      store: new MemorySessionStore(),
      logger: recordingLogger(),
      app: async (context: any) => {
        await slow.promise;
        context.setState({ done: true });
      },
    });
    const [delivery] = await app.dispatcher(connector).dispatch([new TestEvent({ user: 'a', id: 'e1' })], { deadlineMs: 200 });
    expect(delivery.outcome).toBe('deferred');
    slow.open();
    await expect(delivery.settled).resolves.toBe('handled');
    await app.close();
  });

  it('without a store that holds events: acknowledges anyway and says so once', async () => {
    const logger = recordingLogger();
    const store = new MemorySessionStore();
    const plain: SessionStore = {
      name: 'plain',
      read: (id) => store.read(id),
      write: (r, o) => store.write(r, o),
      delete: (id) => store.delete(id),
      list: () => store.list(),
    };
    const slow = gate();
    const app = new Bot({ store: plain, logger, app: async () => slow.promise });
    const dispatcher = app.dispatcher(new TestConnector());
    const deliveries = await dispatcher.dispatch(
      [new TestEvent({ user: 'a', id: 'e1' }), new TestEvent({ user: 'b', id: 'e2' })],
      { deadlineMs: 200 },
    );
    expect(deliveries.map((d) => d.outcome)).toEqual(['deferred', 'deferred']);
    expect(logger.lines.filter((l) => l.includes('cannot hold events'))).toHaveLength(1);
    slow.open();
    await app.close();
  });
});

describe('answers computed by the handler', () => {
  it('become the body of the webhook answer when set before the deadline', async () => {
    bot = await startTestBot({
      connector: new TestConnector({ answerDeadlineMs: 3000 }),
      app: async (context: any) => {
        context.answer({ response_action: 'errors', errors: { name: 'required' } });
        context.setState({ asked: true });
      },
    });
    const answer = await bot.send([{ user: 'a', id: 'e1', text: 'submit' }]);
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.body)).toEqual({ response_action: 'errors', errors: { name: 'required' } });
  });

  it('are refused with AnswerTooLateError after the deadline acknowledgement, not dropped silently', async () => {
    const errors: unknown[] = [];
    const past = gate();
    bot = await startTestBot({
      connector: new TestConnector({ answerDeadlineMs: 400 }),
      app: async (context: any) => {
        await past.promise;
        context.answer({ text: 'too late' });
      },
      onError: async (_context: any, { error }) => {
        errors.push(error);
      },
    });
    const answer = await bot.send([{ user: 'a', id: 'e1', text: 'slow' }]);
    expect(answer).toEqual({ status: 200, body: '{}' });
    past.open();
    await bot.bot.drain();
    expect(errors).toHaveLength(1);
    expect(errors[0]).toBeInstanceOf(AnswerTooLateError);
    expect((errors[0] as Error).message).toMatch(/test: the answer to this event was already sent .*400 ms deadline/);
  });
});

describe('the dispatcher loop transports use', () => {
  it('resolves one delivery per event, in order, with outcomes a loop can act on', async () => {
    const store = new MemorySessionStore();
    const app = new Bot({
      store,
      logger: recordingLogger(),
      app: async (context: any) => {
        if (context.event.text === 'boom') throw new Error('handler bug');
        if (context.session) context.setState({ n: (context.state.n ?? 0) + 1 });
      },
    });
    const connector = new TestConnector();
    const dispatcher = app.dispatcher(connector);
    expect(app.dispatcher(connector)).toBe(dispatcher);
    const outcomes = (deliveries: Delivery[]) => deliveries.map((d) => d.outcome);
    expect(
      outcomes(
        await dispatcher.dispatch([
          new TestEvent({ user: 'a', id: '1', text: 'x' }),
          new TestEvent({ user: 'a', id: '1', text: 'x' }),
          new TestEvent({ user: 'a', id: '2', text: 'boom' }),
          new TestEvent({ text: 'no user' }),
        ]),
      ),
    ).toEqual(['handled', 'duplicate', 'handler-error', 'no-session']);
    store.read = async () => {
      throw new Error('connection refused');
    };
    expect(outcomes(await dispatcher.dispatch([new TestEvent({ user: 'b', id: '3' })]))).toEqual(['store-unavailable']);
    await app.close();
  });

  it('reports a connector that throws as failed, not as a crash', async () => {
    const connector = new TestConnector();
    connector.sessionKey = () => {
      throw new Error('connector bug');
    };
    const logger = recordingLogger();
    const app = new Bot({ store: new MemorySessionStore(), logger, app: async () => {} });
    expect((await app.dispatcher(connector).dispatch([new TestEvent({ user: 'a' })]))[0].outcome).toBe('failed');
    expect(logger.lines.join('\n')).toContain('connector failed to read an event');
  });
});

describe('a hung handler (bounded time per event)', () => {
  it('is answered 503 past handlerTimeoutMs; its changes are dropped, the session freed, and it is logged once', async () => {
    const hang = gate();
    let afterwards: unknown;
    bot = await startTestBot({
      handlerTimeoutMs: 300,
      app: async (context: any) => {
        if (context.event.text === 'hang') {
          context.setState({ count: 100 });
          await context.sendText('before the bound');
          await hang.promise;
          try {
            context.setState({ count: 200 });
            await context.sendText('after the bound');
          } catch (error) {
            afterwards = error;
          }
          return;
        }
        context.setState({ count: context.state.count + 1 });
        await context.sendText(`Count: ${context.state.count}`);
      },
    });
    const started = Date.now();
    const hung = await bot.send([{ user: 'a', id: 'e1', text: 'hang' }]);
    expect(hung.status).toBe(503);
    expect(JSON.parse(hung.body)).toEqual({ error: 'event not handled in time, retry later' });
    expect(Date.now() - started).toBeLessThan(5000);
    // The session is free: the next event runs from the stored state.
    expect((await bot.send([{ user: 'a', id: 'e2', text: 'x' }])).status).toBe(200);
    hang.open();
    await until(() => bot!.bot.inFlight === 0);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(afterwards).toBeUndefined();
    expect((await bot.bot.store.read('test:a'))?.state).toEqual({ count: 1 });
    expect(bot.connector.repliesTo('a')).toEqual(['Count: 1']);
    const said = bot.logger.lines.filter((l) => l.includes('handlerTimeoutMs'));
    expect(said).toHaveLength(1);
    expect(said[0]).toMatch(/session "test:a": the handler ran past 300 ms/);
    // The redelivered event runs (its id was never committed).
    expect((await bot.send([{ user: 'a', id: 'e1', text: 'x' }])).status).toBe(200);
    expect((await bot.bot.store.read('test:a'))?.state).toEqual({ count: 2 });
  });

  it('a wait in the process\'s own queue counts against lockTimeoutMs: 503, never an endless wait', async () => {
    const hang = gate();
    bot = await startTestBot({
      lockTimeoutMs: 300,
      handlerTimeoutMs: 20_000,
      app: async (context: any) => {
        if (context.event.text === 'hang') await hang.promise;
        context.setState({ count: context.state.count + 1 });
      },
    });
    const first = bot.send([{ user: 'a', id: 'e1', text: 'hang' }]);
    await until(() => bot!.bot.inFlight === 1);
    const started = Date.now();
    const second = await bot.send([{ user: 'a', id: 'e2', text: 'x' }]);
    expect(second.status).toBe(503);
    expect(Date.now() - started).toBeLessThan(5000);
    expect(bot.logger.lines.join('\n')).toMatch(/waited more than 300 ms for its session \(lockTimeoutMs\)/);
    // Other sessions are not held up.
    expect((await bot.send([{ user: 'b', id: 'e3', text: 'x' }])).status).toBe(200);
    hang.open();
    expect((await first).status).toBe(200);
    expect((await bot.send([{ user: 'a', id: 'e2', text: 'x' }])).status).toBe(200);
    expect((await bot.bot.store.read('test:a'))?.state).toEqual({ count: 2 });
  });

  it('releases a store lock when it gives an event up', async () => {
    const store = new MemorySessionStore();
    const released: string[] = [];
    (store as SessionStore).begin = async (id) => {
      const record = await store.read(id);
      return {
        record,
        commit: (next, { ttlMs }) => store.write(next, { expectedVersion: record?.version ?? 0, ttlMs }),
        release: async () => void released.push(id),
      };
    };
    const app = new Bot({ store, logger: recordingLogger(), handlerTimeoutMs: 100, app: () => new Promise(() => {}) });
    const [delivery] = await app.dispatcher(new TestConnector()).dispatch([new TestEvent({ user: 'a' })]);
    expect(delivery.outcome).toBe('timed-out');
    expect(released).toEqual(['test:a']);
    await app.close();
  });

  it('held events of an event given up run again before the session\'s next event', async () => {
    const store = new MemorySessionStore();
    let hangOnce = true;
    const texts: string[] = [];
    const app = new Bot({
      store,
      logger: recordingLogger(),
      handlerTimeoutMs: 400,
      app: async (context: any) => {
        texts.push(context.event.text);
        if (context.event.text === 'slow' && hangOnce) {
          hangOnce = false;
          await new Promise(() => {});
        }
        context.setState({ seen: [...(context.state.seen ?? []), context.event.text] });
      },
    });
    const dispatcher = app.dispatcher(new TestConnector());
    const [deferred] = await dispatcher.dispatch([new TestEvent({ user: 'a', id: 'e1', text: 'slow' })], { deadlineMs: 100 });
    expect(deferred.outcome).toBe('deferred');
    await expect(deferred.settled).resolves.toBe('timed-out');
    expect(await heldCount(store)).toBe(1);
    const [next] = await dispatcher.dispatch([new TestEvent({ user: 'a', id: 'e2', text: 'next' })]);
    expect(next.outcome).toBe('handled');
    expect((await store.read('test:a'))?.state).toEqual({ seen: ['slow', 'next'] });
    expect(texts).toEqual(['slow', 'slow', 'next']);
    expect(await heldCount(store)).toBe(0);
    await app.close();
  });
});

describe('tools on a running bot', () => {
  it('observe() reports each event once its outcome is known; a throwing listener changes nothing', async () => {
    const app = new Bot({
      store: new MemorySessionStore(),
      logger: recordingLogger(),
      app: async (context: any) => {
        if (context.event.text === 'boom') throw new Error('bug');
        context.setState({ ok: true });
      },
    });
    const reports: unknown[] = [];
    const stop = app.observe((report) => reports.push({ ...report, event: undefined }));
    app.observe(() => {
      throw new Error('listener bug');
    });
    const dispatcher = app.dispatcher(new TestConnector());
    await dispatcher.dispatch([new TestEvent({ user: 'a', id: 'e1' }), new TestEvent({ user: 'a', id: 'e2', text: 'boom' })]);
    expect(reports).toEqual([
      expect.objectContaining({ platform: 'test', sessionId: 'test:a', eventId: 'e1', outcome: 'handled', handlerMs: expect.any(Number) }),
      expect.objectContaining({ eventId: 'e2', outcome: 'handler-error', error: new Error('bug') }),
    ]);
    stop();
    await dispatcher.dispatch([new TestEvent({ user: 'a', id: 'e3' })]);
    expect(reports).toHaveLength(2);
    await app.close();
  });

  it('exclusive() runs a task between the events of a session, never during one', async () => {
    const slow = gate();
    const order: string[] = [];
    const app = new Bot({
      store: new MemorySessionStore(),
      logger: recordingLogger(),
      app: async (context: any) => {
        order.push(`start ${context.event.text}`);
        if (context.event.text === 'first') await slow.promise;
        order.push(`end ${context.event.text}`);
      },
    });
    const dispatcher = app.dispatcher(new TestConnector());
    const first = dispatcher.dispatch([new TestEvent({ user: 'a', text: 'first' })]);
    const task = app.exclusive('test:a', async () => void order.push('task'));
    const second = dispatcher.dispatch([new TestEvent({ user: 'a', text: 'second' })]);
    slow.open();
    await Promise.all([first, task, second]);
    expect(order).toEqual(['start first', 'end first', 'task', 'start second', 'end second']);
    await app.close();
  });
});

describe('events another process held', () => {
  it('run before the session\'s next event when the store says so in its begin() (no extra round trip)', async () => {
    const store = new MemorySessionStore();
    // A store shared by many processes reports held events with the lock it grants.
    (store as SessionStore).begin = async (id) => {
      const record = await store.read(id);
      let held = false;
      for await (const _ of store.heldEvents(id)) held = true;
      return {
        record,
        hasHeldEvents: held,
        commit: (next, { ttlMs }) => store.write(next, { expectedVersion: record?.version ?? 0, ttlMs }),
        release: async () => {},
      };
    };
    // Held by a process that stopped before its commit.
    await store.holdEvent({ sessionId: 'test:a', platform: 'test', eventId: 'e1', rawEvent: { user: 'a', id: 'e1', text: 'held' }, heldAt: 1 });
    const texts: string[] = [];
    const app = new Bot({
      store,
      logger: recordingLogger(),
      app: async (context: any) => {
        texts.push(context.event.text);
        context.setState({ seen: [...(context.state.seen ?? []), context.event.text] });
      },
    });
    const [delivery] = await app.dispatcher(new TestConnector()).dispatch([new TestEvent({ user: 'a', id: 'e2', text: 'new' })]);
    expect(delivery.outcome).toBe('handled');
    expect(texts).toEqual(['held', 'new']);
    expect((await store.read('test:a'))?.eventIds).toEqual(['e1', 'e2']);
    expect(await heldCount(store)).toBe(0);
    await app.close();
  });
});
