import { Bot } from '../runtime/bot';
import { type Logger, silentLogger } from '../runtime/logger';
import { type SessionRecord, type SessionStore, SessionStoreError, VersionConflictError } from '../session/types';
import { describeSessionStoreConformance } from '../testing/conformance';
import { TestConnector } from '../testing/test-connector';
import { adaptLegacyStore, isLegacySessionStore } from './legacy-store';

/**
 * A custom store as a Bottender 1.x user wrote one: a plain object over a Map that keeps the
 * very objects it is given, knows nothing of versions, and has no expiry of its own.
 */
function oneXMapStore() {
  const sessions = new Map<string, any>();
  return {
    sessions,
    async init() {
      return this;
    },
    async read(key: string) {
      return sessions.has(key) ? sessions.get(key) : null;
    },
    async all() {
      return [...sessions.values()];
    },
    async write(key: string, sess: any) {
      sessions.set(key, sess);
    },
    async destroy(key: string) {
      sessions.delete(key);
    },
  };
}

const backing = new WeakMap<SessionStore, ReturnType<typeof oneXMapStore>>();

function adapted(logger: Logger = silentLogger) {
  const legacy = oneXMapStore();
  const store = adaptLegacyStore(legacy, { name: 'map', logger });
  backing.set(store, legacy);
  return { legacy, store };
}

function record(id: string, version = 1, state: Record<string, any> = {}): SessionRecord {
  return { id, platform: id.split(':')[0], state, lastActivity: 1_000, version, eventIds: [] };
}

/** What Bottender 1.x itself kept for a session: the state under `_state`, no version. */
function oneXSession(id: string) {
  return { id, platform: 'line', user: { id: 'U123' }, _state: { count: 7 }, lastActivity: 1_000 };
}

async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
}

// Every check applies except expiry: 1.x stores expire in whole minutes, set in their
// constructor (this one, like many, not at all), so a 50 ms time to live cannot be observed.
// The runtime still expires such sessions on read, by lastActivity.
describeSessionStoreConformance('Bottender 1.x Map store, adapted', () => adapted().store, {
  supportsTtl: false,
  corrupt: async (store, id) => {
    backing.get(store)!.sessions.set(id, '{"id": "half a rec');
  },
});

describe('adaptLegacyStore', () => {
  it('keeps a copy of the record as the 1.x value, under the session id 1.x used (line:U123)', async () => {
    const { legacy, store } = adapted();
    const written = record('line:U123', 1, { count: 1 });
    await store.write(written, { expectedVersion: 0 });
    expect([...legacy.sessions.keys()]).toEqual(['line:U123']);
    expect(legacy.sessions.get('line:U123')).toEqual(written);
    expect(legacy.sessions.get('line:U123')).not.toBe(written);
  });

  it('passes a time to live to write as whole minutes, rounded up, and no third argument without one', async () => {
    const calls: unknown[][] = [];
    const legacy = { ...oneXMapStore(), write: async (...args: unknown[]) => void calls.push(args) };
    const store = adaptLegacyStore(legacy, { logger: silentLogger });
    await store.write(record('test:a'), { expectedVersion: 0, ttlMs: 90_000 });
    await store.write(record('test:b'), { expectedVersion: 0, ttlMs: 60_000 });
    await store.write(record('test:c'), { expectedVersion: 0, ttlMs: 50 });
    await store.write(record('test:d'), { expectedVersion: 0 });
    expect(calls.map((args) => args.slice(2))).toEqual([[2], [1], [1], []]);
  });

  it("calls the 1.x init, and warns once that writes are fenced within this process only", async () => {
    const warnings: string[] = [];
    const logger = { ...silentLogger, warn: (message: string) => void warnings.push(message) };
    const legacy = oneXMapStore();
    let inits = 0;
    const store = adaptLegacyStore({ ...legacy, init: async () => void inits++ }, { name: 'mine', logger });
    await store.init?.();
    await store.init?.();
    expect(inits).toBe(2);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/^session store "mine" is a Bottender 1\.x store.* fenced within this process only.* use a driver with atomic writes \(such as redis\)/);
  });

  it('works with a 1.x store that has no init and no close', async () => {
    const { init, ...withoutInit } = oneXMapStore();
    void init;
    const store = adaptLegacyStore(withoutInit, { logger: silentLogger });
    await expect(store.init?.()).resolves.toBeUndefined();
    await expect(store.close?.()).resolves.toBeUndefined();
  });

  it('closes the 1.x store on close() when it has one', async () => {
    let closed = 0;
    const store = adaptLegacyStore({ ...oneXMapStore(), close: async () => void closed++ }, { logger: silentLogger });
    await store.close?.();
    expect(closed).toBe(1);
  });

  it('reads null and undefined as an absent session', async () => {
    const { store } = adapted();
    expect(await store.read('test:none')).toBeUndefined();
    const undefinedStore = adaptLegacyStore({ ...oneXMapStore(), read: async () => undefined }, { logger: silentLogger });
    expect(await undefinedStore.read('test:none')).toBeUndefined();
  });

  it('reads a session Bottender 1.x wrote as a version-0 record, so users keep their state after moving', async () => {
    const { legacy, store } = adapted();
    legacy.sessions.set('line:U1', oneXSession('line:U1'));
    const read = await store.read('line:U1');
    expect(read).toEqual({ id: 'line:U1', platform: 'line', state: { count: 7 }, lastActivity: 1_000, version: 0, eventIds: [] });
    await expect(store.write({ ...read!, state: { count: 8 }, version: 2 }, { expectedVersion: 1 })).rejects.toThrow(
      'expected version 1, found 0',
    );
    await store.write({ ...read!, state: { count: 8 }, version: 1 }, { expectedVersion: 0 });
    expect(legacy.sessions.get('line:U1')).toMatchObject({ state: { count: 8 }, version: 1 });
  });

  it.each([
    ['a 1.x session whose _state is not an object', { ...oneXSession('line:U1'), _state: 'x' }, /Bottender 1\.x session whose _state is not an object/],
    ['JSON text', JSON.stringify(record('line:U1')), /is not a session record: expected an object/],
    ['an array', [record('line:U1')], /expected an object/],
    ['a number', 42, /expected an object/],
    ["another session's record", record('line:U2'), /id is "line:U2"/],
    ['a record with a negative version', { ...record('line:U1'), version: -1 }, /version is not a non-negative integer/],
    ['a record without eventIds', { ...record('line:U1'), eventIds: undefined }, /eventIds is not a list of strings/],
  ])('reports %s stored for a session as a SessionStoreError naming it, never as absent', async (_, value, problem) => {
    const { legacy, store } = adapted();
    legacy.sessions.set('line:U1', value);
    const error = await store.read('line:U1').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SessionStoreError);
    expect((error as SessionStoreError).sessionId).toBe('line:U1');
    expect((error as Error).message).toContain('"line:U1"');
    expect((error as Error).message).toMatch(problem);
  });

  it('refuses to write over a value that is not a record, leaving it as it was until deleted', async () => {
    const { legacy, store } = adapted();
    legacy.sessions.set('line:U1', 'not a session');
    await expect(store.write(record('line:U1'), { expectedVersion: 0 })).rejects.toThrow(SessionStoreError);
    expect(legacy.sessions.get('line:U1')).toBe('not a session');
    await store.delete('line:U1');
    await store.write(record('line:U1'), { expectedVersion: 0 });
    expect((await store.read('line:U1'))?.version).toBe(1);
  });

  it('refuses to store a record that is not one, or whose state is not JSON', async () => {
    const { legacy, store } = adapted();
    await expect(store.write({ ...record('test:a'), version: 1.5 }, { expectedVersion: 0 })).rejects.toThrow(SessionStoreError);
    await expect(store.write(record('test:a', 1, { big: 1n }), { expectedVersion: 0 })).rejects.toThrow(
      'state of session "test:a" cannot be stored as JSON',
    );
    expect(legacy.sessions.size).toBe(0);
  });

  it("lists records only, skipping 1.x sessions, nulls and text (1.x's Redis all() returned raw text)", async () => {
    const { legacy, store } = adapted();
    await store.write(record('line:U1'), { expectedVersion: 0 });
    legacy.sessions.set('line:U2', oneXSession('line:U2'));
    legacy.sessions.set('line:U3', null);
    legacy.sessions.set('line:U4', JSON.stringify(record('line:U4')));
    legacy.sessions.set('line:U5', { ...record('line:U5'), state: 'not an object' });
    expect(await collect(store.list())).toEqual([record('line:U1')]);
  });

  it('reports an all() that does not resolve to a list', async () => {
    const store = adaptLegacyStore({ ...oneXMapStore(), all: async () => ({}) }, { name: 'odd', logger: silentLogger });
    await expect(collect(store.list())).rejects.toThrow(new SessionStoreError('session store "odd": all() did not resolve to a list of sessions'));
  });

  it.each(['read', 'write', 'destroy', 'all', 'init'] as const)(
    'turns a failing %s of the 1.x store, thrown or rejected, into a SessionStoreError keeping the cause',
    async (method) => {
      const cause = new Error('connection refused');
      for (const fail of [() => { throw cause; }, async () => { throw cause; }]) {
        const store = adaptLegacyStore({ ...oneXMapStore(), [method]: fail }, { name: 'mine', logger: silentLogger });
        const attempt = {
          read: () => store.read('line:U1'),
          write: () => store.write(record('line:U1'), { expectedVersion: 0 }),
          destroy: () => store.delete('line:U1'),
          all: () => collect(store.list()),
          init: () => store.init!(),
        }[method];
        const error = await attempt().catch((e: unknown) => e);
        expect(error).toBeInstanceOf(SessionStoreError);
        expect((error as Error).message).toMatch(new RegExp(`^session store "mine": ${method}( for session "line:U1")? failed: connection refused$`));
        expect((error as Error).cause).toBe(cause);
      }
    },
  );

  it('fences a write against a version another process stored earlier in the same 1.x store', async () => {
    const legacy = oneXMapStore();
    const first = adaptLegacyStore(legacy, { logger: silentLogger });
    const second = adaptLegacyStore(legacy, { logger: silentLogger });
    await first.write(record('line:U1', 1, { by: 'first' }), { expectedVersion: 0 });
    await expect(second.write(record('line:U1', 1, { by: 'second' }), { expectedVersion: 0 })).rejects.toThrow(VersionConflictError);
    expect((await second.read('line:U1'))?.state).toEqual({ by: 'first' });
  });

  it('cannot fence two processes whose writes interleave: the limit its warning names', async () => {
    const legacy = oneXMapStore();
    let reads = 0;
    let bothRead!: () => void;
    const gate = new Promise<void>((resolve) => (bothRead = resolve));
    // Each "process" reads, then waits until the other has read too, then writes.
    const slowRead = async (key: string) => {
      const value = await legacy.read(key);
      if (++reads === 2) bothRead();
      await gate;
      return value;
    };
    const first = adaptLegacyStore({ ...legacy, read: slowRead }, { logger: silentLogger });
    const second = adaptLegacyStore({ ...legacy, read: slowRead }, { logger: silentLogger });
    await Promise.all([
      first.write(record('line:U1', 1, { by: 'first' }), { expectedVersion: 0 }),
      second.write(record('line:U1', 1, { by: 'second' }), { expectedVersion: 0 }),
    ]);
    expect(legacy.sessions.get('line:U1').state).toEqual({ by: 'second' }); // the first write was lost
  });

  it('refuses what is not a 1.x store', () => {
    expect(() => adaptLegacyStore({ read() {}, write() {} } as never)).toThrow(
      'adaptLegacyStore needs a Bottender 1.x store: an object with read, write, all and destroy methods',
    );
  });

  it('carries the runtime: the counter counts through a 1.x store, expiresIn reaching it as minutes', async () => {
    const legacy = oneXMapStore();
    const minutes: unknown[] = [];
    const write = legacy.write;
    legacy.write = async (key: string, sess: any, ...rest: unknown[]) => {
      minutes.push(rest[0]);
      return write(key, sess);
    };
    const connector = new TestConnector();
    const bot = new Bot({
      app: async (context: any) => context.setState({ count: context.state.count + 1 }),
      initialState: { count: 0 },
      store: adaptLegacyStore(legacy, { logger: silentLogger }),
      expiresIn: 30,
      logger: silentLogger,
    });
    await bot.init();
    const body = JSON.stringify({ events: [{ user: 'U1', text: 'a' }, { user: 'U1', text: 'b' }, { user: 'U2', text: 'c' }] });
    expect((await bot.handleRequest(connector, { method: 'POST', path: '/', query: new URLSearchParams(), headers: {}, rawBody: Buffer.from(body) })).status).toBe(200);
    expect(legacy.sessions.get('test:U1')).toMatchObject({ id: 'test:U1', platform: 'test', state: { count: 2 }, version: 2 });
    expect(legacy.sessions.get('test:U2')).toMatchObject({ state: { count: 1 }, version: 1 });
    expect(minutes).toEqual([30, 30, 30]);
    await bot.close();
  });
});

describe('isLegacySessionStore', () => {
  it("is true for an object with 1.x's read, write, all and destroy", () => {
    expect(isLegacySessionStore(oneXMapStore())).toBe(true);
    class OneXStore {
      async read() {}
      async write() {}
      async all() {}
      async destroy() {}
    }
    expect(isLegacySessionStore(new OneXStore())).toBe(true);
  });

  it.each([
    ['a store of this version', { read() {}, write() {}, delete() {}, list() {} }],
    ['a store missing destroy', { read() {}, write() {}, all() {} }],
    ['methods that are not functions', { read: 1, write: 1, all: 1, destroy: 1 }],
    ['null', null],
    ['a string', 'read write all destroy'],
  ])('is false for %s', (_, value) => {
    expect(isLegacySessionStore(value)).toBe(false);
  });
});
