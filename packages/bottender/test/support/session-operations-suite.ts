/**
 * The specification of `bottender/store`'s session operations and state migrations, run against
 * any store: packages/bottender/test/session-*.test.ts give it memory, file, Redis, MongoDB and
 * PostgreSQL stores.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

import { Bot, type SessionRecord, type SessionStore, silentLogger } from '../../src';
import {
  deleteSession,
  exportSessions,
  getSession,
  ImportFileError,
  importSessions,
  listSessions,
  migrateSessions,
  migrationPlan,
  patchSessionState,
  setSessionState,
} from '../../src/store';
import { TestConnector, TestEvent } from '../../src/testing';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

export interface SuiteOptions {
  /** A fresh, empty store (closed by the suite). */
  make: () => Promise<SessionStore> | SessionStore;
  /** Another empty store of a different driver, to import into and export from. */
  other: () => Promise<SessionStore> | SessionStore;
  /** Sessions for the bounded-memory listing (default 10,000). */
  many?: number;
  /** Whether the driver keeps `stateVersion` (every JSON-record driver does). */
  keepsStateVersion?: boolean;
  /** Whether a listing is expected to stream (false for memory, which holds everything anyway). */
  streams?: boolean;
}

export function record(id: string, version: number, state: Record<string, unknown>, extra: Partial<SessionRecord> = {}): SessionRecord {
  return { id, platform: id.slice(0, id.indexOf(':')), state, lastActivity: 1_700_000_000_000 + version, version, eventIds: [`e${version}`], ...extra };
}

async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
}

async function* linesOf(text: string): AsyncGenerator<string> {
  yield* text.split('\n');
}

/** Writes records `count` at a time in parallel. */
async function seed(store: SessionStore, records: SessionRecord[], parallel = 100): Promise<void> {
  for (let i = 0; i < records.length; i += parallel) {
    await Promise.all(records.slice(i, i + parallel).map((r) => store.write(r, { expectedVersion: 0 })));
  }
}

/** Delivers events like a platform: an event refused (503) comes again until acknowledged. */
async function deliver(bot: Bot, connector: TestConnector, raw: { user: string; id: string }): Promise<string> {
  const dispatcher = bot.dispatcher(connector);
  for (let attempt = 0; attempt < 50; attempt++) {
    const [delivery] = await dispatcher.dispatch([new TestEvent(raw)]);
    if (delivery.outcome !== 'store-unavailable' && delivery.outcome !== 'lease-lost' && delivery.outcome !== 'timed-out') return delivery.outcome;
  }
  throw new Error(`event ${raw.id} refused 50 times`);
}

const MIGRATIONS = {
  2: (s: any) => ({ name: s.nick, visits: s.visits }),
  3: (s: any) => ({ ...s, greeting: `hello ${s.name}` }),
};

export function describeSessionOperations(name: string, options: SuiteOptions, test: jest.It = it): void {
  describe(`session operations (${name})`, () => {
    const open: SessionStore[] = [];
    const make = async () => {
      const store = await options.make();
      await store.init?.();
      open.push(store);
      return store;
    };
    const other = async () => {
      const store = await options.other();
      await store.init?.();
      open.push(store);
      return store;
    };
    afterEach(async () => {
      await Promise.all(open.splice(0).map((s) => s.close?.().catch(() => {})));
    });

    test('get, set, patch (shallow merge), delete: each a new version with activity and event ids kept', async () => {
      const store = await make();
      await seed(store, [record('line:U1', 3, { a: 1, nested: { x: 1 } })]);
      expect(await getSession(store, 'line:U1')).toMatchObject({ version: 3, state: { a: 1 } });
      const patched = await patchSessionState(store, 'line:U1', { b: 2, nested: { y: 2 } });
      expect(patched).toMatchObject({ version: 4, state: { a: 1, b: 2, nested: { y: 2 } }, eventIds: ['e3'], lastActivity: 1_700_000_000_003 });
      expect((await store.read('line:U1'))?.state).toEqual({ a: 1, b: 2, nested: { y: 2 } });
      await setSessionState(store, 'line:U1', { only: true });
      expect(await store.read('line:U1')).toMatchObject({ version: 5, state: { only: true }, eventIds: ['e3'] });
      const created = await setSessionState(store, 'telegram:42', { fresh: 1 });
      expect(created).toMatchObject({ platform: 'telegram', version: 1, eventIds: [] });
      expect(await deleteSession(store, 'line:U1')).toBe(true);
      expect(await deleteSession(store, 'line:U1')).toBe(false);
      expect(await store.read('line:U1')).toBeUndefined();
    });

    test('bad input is refused before anything is written', async () => {
      const store = await make();
      await expect(setSessionState(store, 'line:U1', [] as any)).rejects.toThrow(/state must be a JSON object/);
      await expect(patchSessionState(store, 'line:U1', null as any)).rejects.toThrow(/state must be a JSON object/);
      await expect(getSession(store, 'nocolon')).rejects.toThrow(/<platform>:<key>/);
      await expect(collect(listSessions(store, { limit: -1 }))).rejects.toThrow(/limit/);
      expect(await collect(store.list())).toEqual([]);
    });

    test('list filters by platform and stops at the limit', async () => {
      const store = await make();
      await seed(store, [
        ...Array.from({ length: 12 }, (_, i) => record(`line:U${i}`, 1, { i })),
        ...Array.from({ length: 5 }, (_, i) => record(`telegram:${i}`, 1, { i })),
      ]);
      const telegram = await collect(listSessions(store, { platform: 'telegram' }));
      expect(telegram.map((r) => r.id).sort()).toEqual(['telegram:0', 'telegram:1', 'telegram:2', 'telegram:3', 'telegram:4']);
      expect(await collect(listSessions(store, { platform: 'line', limit: 4 }))).toHaveLength(4);
      expect(await collect(listSessions(store, {}))).toHaveLength(17);
      expect(await collect(listSessions(store, { platform: 'slack' }))).toEqual([]);
    });

    test(`lists ${options.many ?? 10_000} sessions in bounded memory`, async () => {
      const many = options.many ?? 10_000;
      const store = await make();
      const payload = 'x'.repeat(2_000);
      const started = Date.now();
      await seed(store, Array.from({ length: many }, (_, i) => record(`line:U${String(i).padStart(6, '0')}`, 1, { i, payload })), 200);
      const seeded = Date.now();
      // eslint-disable-next-line no-console
      if (process.env.SESSION_MEMORY_REPORT) console.log(`${name}: seeding ${many} sessions took ${seeded - started} ms`);
      gc();
      const before = process.memoryUsage().heapUsed;
      let peak = 0;
      let seen = 0;
      let intact = 0;
      for await (const r of listSessions(store)) {
        if (r.state.payload.length === 2_000) intact++;
        if (++seen % 2_500 === 0) {
          gc();
          peak = Math.max(peak, process.memoryUsage().heapUsed - before);
        }
      }
      expect(seen).toBe(many);
      expect(intact).toBe(many);
      // Everything at once would hold many x (2,000-byte string + record) > 20 MB for 10,000.
      const bound = 6 * 1024 * 1024;
      // eslint-disable-next-line no-console
      if (process.env.SESSION_MEMORY_REPORT) console.log(`${name}: listing ${many} sessions took ${Date.now() - seeded} ms and grew the heap by at most ${(peak / 1048576).toFixed(2)} MB`);
      if (options.streams !== false) expect(peak).toBeLessThan(bound);
      // Seconds alone (PostgreSQL ~7 s, the MongoDB test server ~40 s); late in a full in-band CI run,
      // on two loaded cores, seeding 10,000 sessions one write at a time has taken over 2 minutes.
    }, 360_000);

    test('edits under concurrent events lose no update on either side', async () => {
      const store = await make();
      const connector = new TestConnector();
      const bot = new Bot({
        store,
        logger: silentLogger,
        initialState: { count: 0 },
        app: async (context: any) => {
          await new Promise((r) => setImmediate(r));
          context.setState({ count: context.state.count + 1 });
        },
      });
      const events = Array.from({ length: 60 }, (_, i) => deliver(bot, connector, { user: 'alice', id: `e${i}` }));
      const edits = Array.from({ length: 20 }, async (_, i) => {
        await new Promise((r) => setTimeout(r, i));
        return patchSessionState(store, 'test:alice', { [`edit${i}`]: i }, { initialState: { count: 0 }, attempts: 100 });
      });
      const outcomes = await Promise.all(events);
      await Promise.all(edits);
      expect(outcomes.every((o) => o === 'handled')).toBe(true);
      const stored = await store.read('test:alice');
      expect(stored?.state.count).toBe(60);
      for (let i = 0; i < 20; i++) expect(stored?.state[`edit${i}`]).toBe(i);
      expect(stored?.version).toBe(80);
      await bot.close?.();
    }, 60_000);

    test('export, then import into another driver: counts, versions, activity, event ids and stateVersion intact', async () => {
      const store = await make();
      const records = Array.from({ length: 40 }, (_, i) =>
        record(`slack:C${i}`, 1 + (i % 7), { i, text: 'é\u2028"' }, { eventIds: [`a${i}`, `b${i}`], ...(i % 2 ? { stateVersion: 2 } : {}) }),
      );
      await seed(store, records);
      const target = await other();
      const ndjson = (await collect(exportSessions(store))).join('');
      expect(ndjson.split('\n').filter(Boolean)).toHaveLength(40);
      const result = await importSessions(target, () => linesOf(ndjson));
      expect(result).toEqual({ records: 40, imported: 40, existing: 0, expired: 0 });
      const back = (await collect(target.list())).sort((a, b) => a.id.localeCompare(b.id, 'en', { numeric: true }));
      const expected = records.map((r) => (options.keepsStateVersion === false ? { ...r, stateVersion: undefined } : r));
      expect(back.map(strip)).toEqual(expected.map(strip).sort((a, b) => a.id.localeCompare(b.id, 'en', { numeric: true })));

      // And back the other way, into this driver, where a session already exists.
      const fresh = await make();
      await seed(fresh, [record('slack:C0', 9, { mine: true })]);
      const again = (await collect(exportSessions(target))).join('');
      expect(await importSessions(fresh, () => linesOf(again))).toEqual({ records: 40, imported: 39, existing: 1, expired: 0 });
      expect((await fresh.read('slack:C0'))?.state).toEqual({ mine: true });
      expect(await importSessions(fresh, () => linesOf(again), { replace: true })).toMatchObject({ imported: 40 });
      expect(await fresh.read('slack:C0')).toMatchObject({ state: { i: 0 }, version: 10 });
    }, 60_000);

    test('an import file with a bad line is refused with its line number and nothing is written', async () => {
      const store = await make();
      const good = JSON.stringify(record('line:U1', 1, {}));
      const cases: [string, RegExp][] = [
        [`${good}\n{"id":`, /^line 2: not valid JSON/],
        [`${good}\n\n[1,2]`, /^line 3: expected a session record object/],
        [`${good}\n${JSON.stringify({ ...record('line:U2', 1, {}), version: -1 })}`, /^line 2: .*version/],
        [`${good}\n${JSON.stringify({ ...record('line:U2', 1, {}), state: 'x' })}`, /^line 2: .*state is not an object/],
        [`${good}\n${good}`, /^line 2: session "line:U1" appears twice/],
        [`${JSON.stringify({ ...record('line:U2', 1, {}), platform: 'slack' })}`, /^line 1: platform "slack" does not match/],
        [`${JSON.stringify({ ...record('line:U2', 1, {}), id: 'nocolon' })}`, /^line 1: id must be/],
        [`${JSON.stringify(record('line:U2', 1, {}, { stateVersion: 0 }))}`, /^line 1: stateVersion must be a positive integer/],
      ];
      for (const [text, message] of cases) {
        const refusal = importSessions(store, () => linesOf(text));
        await expect(refusal).rejects.toThrow(ImportFileError);
        await expect(importSessions(store, () => linesOf(text))).rejects.toThrow(message);
        await expect(importSessions(store, () => linesOf(text))).rejects.toThrow(/nothing was imported/);
      }
      expect(await collect(store.list())).toEqual([]);
    });

    const migratesLazily = options.keepsStateVersion === false ? test.skip : test;
    migratesLazily('a v1 session is migrated to v3 step by step when next read, before the handler sees it', async () => {
      const store = await make();
      await seed(store, [record('test:bob', 4, { nick: 'Bob', visits: 2 }), record('test:carol', 1, { name: 'Carol', visits: 0 }, { stateVersion: 2 })]);
      const seen: unknown[] = [];
      const bot = new Bot({
        store,
        logger: silentLogger,
        stateVersion: 3,
        migrations: MIGRATIONS,
        app: async (context: any) => {
          seen.push(structuredClone(context.state));
          context.setState({ visits: context.state.visits + 1 });
        },
      });
      const connector = new TestConnector();
      expect(await deliver(bot, connector, { user: 'bob', id: 'x1' })).toBe('handled');
      expect(await deliver(bot, connector, { user: 'carol', id: 'x2' })).toBe('handled');
      expect(await deliver(bot, connector, { user: 'dave', id: 'x3' })).toBe('handled');
      expect(seen).toEqual([
        { name: 'Bob', visits: 2, greeting: 'hello Bob' },
        { name: 'Carol', visits: 0, greeting: 'hello Carol' },
        {},
      ]);
      expect(await store.read('test:bob')).toMatchObject({ version: 5, stateVersion: 3, state: { name: 'Bob', visits: 3, greeting: 'hello Bob' } });
      expect(await store.read('test:carol')).toMatchObject({ stateVersion: 3 });
      expect(await store.read('test:dave')).toMatchObject({ stateVersion: 3 });
    });

    migratesLazily('a failing migration answers 503 with a log line naming the step and leaves the stored state untouched', async () => {
      const store = await make();
      const stored = record('test:erin', 2, { nick: 'Erin', visits: 1 });
      await seed(store, [stored]);
      const errors: string[] = [];
      const bot = new Bot({
        store,
        logger: { ...silentLogger, error: (message: string) => void errors.push(message) },
        stateVersion: 3,
        migrations: { 2: MIGRATIONS[2], 3: () => { throw new Error('no greeting for you'); } },
        app: async (context: any) => context.setState({ ran: true }),
      });
      const [delivery] = await bot.dispatcher(new TestConnector()).dispatch([new TestEvent({ user: 'erin', id: 'y1' })]);
      expect(delivery.outcome).toBe('store-unavailable');
      expect(errors).toEqual([expect.stringMatching(/session "test:erin": state migration to version 3 failed: no greeting for you; the stored state is unchanged/)]);
      expect(strip((await store.read('test:erin'))!)).toEqual(strip(stored));
    });

    migratesLazily('session migrate: a dry run counts per version and writes nothing; then every session is migrated in batches', async () => {
      const store = await make();
      await seed(store, [
        ...Array.from({ length: 23 }, (_, i) => record(`line:A${i}`, 1, { nick: `a${i}`, visits: i })),
        ...Array.from({ length: 9 }, (_, i) => record(`line:B${i}`, 2, { name: `b${i}`, visits: i }, { stateVersion: 2 })),
        ...Array.from({ length: 4 }, (_, i) => record(`line:C${i}`, 3, { name: `c${i}`, visits: i, greeting: 'x' }, { stateVersion: 3 })),
      ]);
      const plan = migrationPlan(3, MIGRATIONS)!;
      const dry = await migrateSessions(store, plan, { dryRun: true });
      expect(dry).toMatchObject({ total: 36, outdated: 32, migrated: 0, failures: [] });
      expect([...dry.byVersion.entries()].sort()).toEqual([[1, 23], [2, 9], [3, 4]]);
      expect(dry.samples).toHaveLength(5);
      expect((await store.read('line:A0'))?.version).toBe(1);

      const done = await migrateSessions(store, plan, { batchSize: 7 });
      expect(done).toMatchObject({ total: 36, outdated: 32, migrated: 32, failures: [] });
      expect(await store.read('line:A3')).toMatchObject({ version: 2, stateVersion: 3, state: { name: 'a3', visits: 3, greeting: 'hello a3' } });
      expect(await store.read('line:B1')).toMatchObject({ version: 3, stateVersion: 3, state: { name: 'b1', greeting: 'hello b1' } });
      expect(await store.read('line:C1')).toMatchObject({ version: 3, state: { greeting: 'x' } });
      const after = await migrateSessions(store, plan, { dryRun: true });
      expect([...after.byVersion.entries()]).toEqual([[3, 36]]);

      // A step that throws for one session: reported, that one untouched, the others done.
      await seed(store, [record('line:Z1', 1, { nick: 'boom', visits: 0 }), record('line:Z2', 1, { nick: 'ok', visits: 0 })]);
      const failing = migrationPlan(3, { ...MIGRATIONS, 3: (s: any) => { if (s.name === 'boom') throw new Error('bad'); return s; } })!;
      const partial = await migrateSessions(store, failing, {});
      expect(partial.failures).toEqual([expect.stringMatching(/"line:Z1": state migration to version 3 failed: bad/)]);
      expect(partial.migrated).toBe(1);
      expect(await store.read('line:Z1')).toMatchObject({ version: 1, state: { nick: 'boom' } });
    }, 60_000);

    migratesLazily('session migrate while events arrive: every session ends at v3 and no event or step is lost', async () => {
      const store = await make();
      await seed(store, Array.from({ length: 30 }, (_, i) => record(`test:u${i}`, 1, { nick: `u${i}`, visits: 0 })));
      const bot = new Bot({
        store,
        logger: silentLogger,
        stateVersion: 3,
        migrations: MIGRATIONS,
        app: async (context: any) => {
          await new Promise((r) => setImmediate(r));
          context.setState({ visits: context.state.visits + 1 });
        },
      });
      const connector = new TestConnector();
      const events = Array.from({ length: 90 }, (_, i) => deliver(bot, connector, { user: `u${i % 30}`, id: `m${i}` }));
      const report = await migrateSessions(store, migrationPlan(3, MIGRATIONS)!, { batchSize: 4, attempts: 100 });
      expect(report.failures).toEqual([]);
      expect(await Promise.all(events)).toEqual(Array(90).fill('handled'));
      for (let i = 0; i < 30; i++) {
        expect(await store.read(`test:u${i}`)).toMatchObject({ stateVersion: 3, state: { name: `u${i}`, visits: 3, greeting: `hello u${i}` } });
      }
    }, 60_000);
  });
}

/** A record without fields a driver may add or leave out (`stateVersion` when undefined). */
function strip(r: SessionRecord): SessionRecord {
  const out: SessionRecord = { id: r.id, platform: r.platform, state: r.state, lastActivity: r.lastActivity, version: r.version, eventIds: r.eventIds };
  if (r.stateVersion !== undefined) out.stateVersion = r.stateVersion;
  return out;
}
