/**
 * The runtime's promises (docs/promises.md), shown end to end through the
 * HTTP server with the JSON test platform and the memory driver.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { Bot, FileSessionStore, MemorySessionStore, type SessionRecord, type SessionStore, silentLogger } from '../src';
import { TestConnector, TestEvent } from '../src/testing';
import { startTestBot } from './support/bot';

type TestBot = Awaited<ReturnType<typeof startTestBot>>;
let bot: TestBot | undefined;
afterEach(async () => {
  await bot?.stop();
  bot = undefined;
});
const tempDirs: string[] = [];
function tempDir(): string {
  tempDirs.push(mkdtempSync(join(tmpdir(), 'bottender-pipeline-')));
  return tempDirs.at(-1)!;
}
afterAll(() => {
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
});

describe('1. one at a time per session', () => {
  it.each([
    ['memory', () => new MemorySessionStore()],
    ['file', () => new FileSessionStore({ dirname: tempDir() })],
  ])('counts 1,000 concurrent events for one session to exactly 1,000 (%s driver)', async (_name, makeStore) => {
    // 1,000 events queue behind each other: on a loaded machine the last waits longer than the
    // default 10 s bound on waiting for a session (lockTimeoutMs), which is not what this tests.
    bot = await startTestBot({ store: makeStore(), lockTimeoutMs: 120_000 });
    const answers = await Promise.all(
      Array.from({ length: 1000 }, (_, i) => bot!.send([{ user: 'alice', id: `e${i}`, text: 'hi' }])),
    );
    expect(answers.filter((a) => a.status !== 200)).toEqual([]);
    expect((await bot.bot.store.read('test:alice'))?.state).toEqual({ count: 1000 });
    expect(bot.calls.count).toBe(1000);
    const counts = bot.connector.repliesTo('alice').map((t) => Number(t.slice('Count: '.length)));
    expect(new Set(counts).size).toBe(1000);
  });

  it('never runs two events of one session at once, but runs different sessions in parallel', async () => {
    let running = new Map<string, number>();
    let maxPerSession = 0;
    let maxOverall = 0;
    let overall = 0;
    bot = await startTestBot({
      app: async (context: any) => {
        const id = context.session.id;
        running.set(id, (running.get(id) ?? 0) + 1);
        overall++;
        maxPerSession = Math.max(maxPerSession, running.get(id)!);
        maxOverall = Math.max(maxOverall, overall);
        await new Promise((r) => setTimeout(r, 5));
        context.setState({ count: context.state.count + 1 });
        running.set(id, running.get(id)! - 1);
        overall--;
      },
    });
    const users = Array.from({ length: 20 }, (_, i) => `u${i}`);
    await Promise.all(users.flatMap((user) => Array.from({ length: 5 }, () => bot!.send([{ user, text: 'x' }]))));
    expect(maxPerSession).toBe(1);
    expect(maxOverall).toBeGreaterThan(5);
    for (const user of users) expect((await bot.bot.store.read(`test:${user}`))?.state).toEqual({ count: 5 });
  });

  it('handles the events of one request in their order within a session', async () => {
    bot = await startTestBot({
      app: async (context: any) => {
        context.setState({ seen: [...(context.state.seen ?? []), context.event.text] });
        await context.sendText(context.event.text);
      },
    });
    const events = ['a', 'b', 'c', 'd', 'e'].map((text) => ({ user: 'bob', text }));
    expect((await bot.send(events)).status).toBe(200);
    expect(bot.connector.repliesTo('bob')).toEqual(['a', 'b', 'c', 'd', 'e']);
    expect((await bot.bot.store.read('test:bob'))?.state.seen).toEqual(['a', 'b', 'c', 'd', 'e']);
  });
});

describe('2. a 2xx means saved', () => {
  it('answers only after the state of every event is written', async () => {
    const store = new SlowStore(30);
    bot = await startTestBot({ store });
    const answer = await bot.send([{ user: 'a', text: 'x' }, { user: 'b', text: 'y' }]);
    expect(answer.status).toBe(200);
    expect(store.writes.map((w) => w.id).sort()).toEqual(['test:a', 'test:b']);
  });
});

describe('3. all or nothing per event', () => {
  it('leaves the stored state as it was when the handler throws, and runs the error hook', async () => {
    const errors: unknown[] = [];
    bot = await startTestBot({
      app: async (context: any) => {
        context.setState({ count: context.state.count + 1 });
        if (context.event.text === 'boom') throw new Error('handler bug');
        await context.sendText(`Count: ${context.state.count}`);
      },
      onError: async (context: any, { error }) => {
        errors.push(error);
        await context.sendText('Sorry, something went wrong.');
      },
    });
    await bot.send([{ user: 'a', text: 'x' }]);
    expect((await bot.send([{ user: 'a', text: 'boom' }])).status).toBe(200);
    expect((await bot.bot.store.read('test:a'))?.state).toEqual({ count: 1 });
    expect(errors).toEqual([new Error('handler bug')]);
    expect(bot.connector.repliesTo('a')).toEqual(['Count: 1', 'Sorry, something went wrong.']);
  });

  it('drops the replies the handler queued before it threw; sends the error hook\'s', async () => {
    bot = await startTestBot({
      app: async (context: any) => {
        context.setState({ count: 1 });
        await context.sendText('Count: 1');
        throw new Error('handler bug after replying');
      },
      onError: async (context: any) => {
        await context.sendText('Sorry, something went wrong.');
      },
    });
    expect((await bot.send([{ user: 'a', text: 'x' }])).status).toBe(200);
    expect(bot.connector.repliesTo('a')).toEqual(['Sorry, something went wrong.']);
    expect(await bot.bot.store.read('test:a')).toBeUndefined();
  });
});

describe('4. each event id once', () => {
  it('runs a redelivered event once, even when both copies arrive together', async () => {
    bot = await startTestBot();
    const event = { user: 'a', id: 'evt-1', text: 'hi' };
    const answers = await Promise.all([bot.send([event]), bot.send([event]), bot.send([event])]);
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200]);
    await bot.send([event]);
    expect(bot.calls.count).toBe(1);
    expect((await bot.bot.store.read('test:a'))?.state).toEqual({ count: 1 });
  });

  it('remembers a bounded number of event ids, committed with the state', async () => {
    bot = await startTestBot({ eventIdWindow: 3 });
    for (const id of ['1', '2', '3', '4']) await bot.send([{ user: 'a', id, text: 'x' }]);
    expect((await bot.bot.store.read('test:a'))?.eventIds).toEqual(['2', '3', '4']);
  });
});

describe('5. no silent overwrite', () => {
  it('refuses a write whose version was overtaken, answers 503 and reports it', async () => {
    const store = new MemorySessionStore();
    bot = await startTestBot({
      store,
      app: async (context: any) => {
        // Another writer commits while this handler runs.
        const current = await store.read('test:a');
        await store.write({ ...current!, state: { count: 100 }, version: current!.version + 1 }, { expectedVersion: current!.version });
        context.setState({ count: context.state.count + 1 });
      },
    });
    await store.write(record('test:a', { count: 1 }, 1), { expectedVersion: 0 });
    const answer = await bot.send([{ user: 'a', text: 'x' }]);
    expect(answer.status).toBe(503);
    expect((await store.read('test:a'))?.state).toEqual({ count: 100 });
    expect(bot.logger.lines.join('\n')).toMatch(/session "test:a" could not be written .*expected version 1, found 2/);
  });
});

describe('6. expiry is inactivity', () => {
  it('starts again from initialState after expiresIn without events, and not before', async () => {
    let now = Date.parse('2026-01-01T00:00:00Z');
    bot = await startTestBot({ expiresIn: 10, now: () => now });
    await bot.send([{ user: 'a', text: 'x' }]);
    now += 9 * 60_000;
    await bot.send([{ user: 'a', text: 'x' }]);
    now += 9 * 60_000; // active 9 minutes ago: still alive, 18 minutes after the first event
    await bot.send([{ user: 'a', text: 'x' }]);
    expect(bot.connector.repliesTo('a')).toEqual(['Count: 1', 'Count: 2', 'Count: 3']);
    now += 10 * 60_000;
    await bot.send([{ user: 'a', text: 'x' }]);
    expect(bot.connector.repliesTo('a').at(-1)).toBe('Count: 1');
  });
});

describe('7. isolation', () => {
  it('stores nothing the handler changes outside setState, and leaks nothing between sessions', async () => {
    bot = await startTestBot({
      initialState: { count: 0, tags: [] as string[] },
      app: async (context: any) => {
        context.state.tags.push('mutated'); // direct mutation: must not be stored
        context.state.count = 99;
        context.setState({ seen: context.event.text });
      },
    });
    await bot.send([{ user: 'a', text: 'from a' }]);
    await bot.send([{ user: 'b', text: 'from b' }]);
    expect((await bot.bot.store.read('test:a'))?.state).toEqual({ count: 0, tags: [], seen: 'from a' });
    expect((await bot.bot.store.read('test:b'))?.state).toEqual({ count: 0, tags: [], seen: 'from b' });
  });
});

describe('8. failures are visible and survivable', () => {
  it('answers 503 while the store is down, never overwrites stored state, and recovers by itself', async () => {
    const store = new FlakyStore();
    bot = await startTestBot({ store });
    await bot.send([{ user: 'a', text: 'x' }]);
    store.down = true;
    expect((await bot.send([{ user: 'a', text: 'x' }])).status).toBe(503);
    expect(bot.logger.lines.join('\n')).toContain('session "test:a" could not be read (store: flaky)');
    store.down = false;
    expect((await bot.send([{ user: 'a', text: 'x' }])).status).toBe(200);
    expect((await store.read('test:a'))?.state).toEqual({ count: 2 });
  });
});

describe('8. a store that is down at start', () => {
  it('answers 503 and tries to connect again on the next event', async () => {
    const store = new StartFailingStore();
    const connector = new TestConnector();
    const app = new Bot({ app: async (c: any) => c.setState({ ok: true }), store, logger: silentLogger });
    await expect(app.handleEvent(connector, new TestEvent({ user: 'a', text: 'x' }))).rejects.toThrow(
      /could not be read: connection refused/,
    );
    await expect(app.handleEvent(connector, new TestEvent({ user: 'a', text: 'x' }))).resolves.toBe('committed');
    expect(store.attempts).toBe(2);
  });
});

function record(id: string, state: object, version: number): SessionRecord {
  return { id, platform: 'test', state, lastActivity: Date.now(), version, eventIds: [] };
}

/** A memory store whose writes take a while, to show the answer waits for them. */
class SlowStore extends MemorySessionStore {
  writes: SessionRecord[] = [];
  constructor(private readonly delayMs: number) {
    super();
  }
  override async write(rec: SessionRecord, options: Parameters<SessionStore['write']>[1]) {
    await new Promise((r) => setTimeout(r, this.delayMs));
    await super.write(rec, options);
    this.writes.push(rec);
  }
}

/** A memory store that can be switched off, like a database going away. */
class FlakyStore extends MemorySessionStore {
  override readonly name = 'flaky' as any;
  down = false;
  override async read(id: string) {
    if (this.down) throw new Error('connection refused');
    return super.read(id);
  }
  override async write(rec: SessionRecord, options: Parameters<SessionStore['write']>[1]) {
    if (this.down) throw new Error('connection refused');
    return super.write(rec, options);
  }
}

describe('events without a session', () => {
  it('runs the handler with empty state and makes setState fail with a clear error', async () => {
    const errors: Error[] = [];
    const seen: unknown[] = [];
    bot = await startTestBot({
      app: async (context: any) => {
        seen.push(context.state);
        context.setState({ count: 1 });
      },
      onError: async (_context: any, { error }) => {
        errors.push(error as Error);
      },
    });
    expect((await bot.send([{ text: 'anonymous' }])).status).toBe(200);
    expect(seen).toEqual([{}]);
    expect(errors[0].message).toMatch(/context\.setState\(\) cannot be used here: this test event belongs to no session/);
  });
});

/** A store whose first start fails, like a database not up yet when the bot starts. */
class StartFailingStore extends MemorySessionStore {
  attempts = 0;
  async init() {
    this.attempts++;
    if (this.attempts === 1) throw new Error('connection refused');
  }
}
