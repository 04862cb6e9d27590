import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';

import { platformOf } from '../session/record';
import { heldEventCheckBodies } from './held-conformance';
import { type AnyState, type SessionRecord, type SessionStore, SessionStoreError, VersionConflictError } from '../session/types';

/**
 * The session store conformance suite: the promises every driver keeps (docs/promises.md),
 * written once and run against each driver, built-in or custom. A driver that passes it can be
 * given to the runtime without the runtime knowing anything about it.
 *
 * Each check makes its own store, calls `init`, and ends with `close` and `cleanup`. Ids are
 * unique per run, except in the hostile-id check, which deletes its exact ids before and after:
 * point the suite at a store that holds nothing you need.
 */

/** How to run the suite against one driver. */
export interface ConformanceOptions<S extends SessionStore = SessionStore> {
  /** Runs after each check's store is closed, e.g. to remove its folder or flush its database. */
  cleanup?: (store: S) => Promise<void>;
  /**
   * Whether the store honours `WriteOptions.ttlMs` by itself. Default true. When false, the
   * expiry check is listed as not applicable (the runtime still expires sessions on read).
   */
  supportsTtl?: boolean;
  /**
   * Replaces what is stored for `id` with data that is not a session record. Without it the
   * corrupted-data check is listed as not applicable.
   */
  corrupt?: (store: S, id: string) => Promise<void>;
  /**
   * Whether the store implements `HeldEventStore` (events held at a deadline). When true, the
   * held-event checks run; default false lists them as not applicable.
   */
  holdsEvents?: boolean;
  /** The short time to live of the expiry check, in ms. Default 50. */
  ttlMs?: number;
  /** How long an expired session may take to disappear, in ms, counted from its expiry. Default 2000. */
  expiryGraceMs?: number;
  /** How many writers race in the concurrency checks. Default 16. */
  concurrentWriters?: number;
  /** Size of the large-state check's state, in UTF-16 code units. Default 1 MiB. */
  largeStateChars?: number;
}

/** One check of the suite, runnable by any test runner. */
export interface ConformanceCheck {
  /** Reads as a specification, e.g. "refuses a write based on a stale version ...". */
  name: string;
  /** False when the options say the store cannot be checked for this; `run` then does nothing. */
  applicable: boolean;
  /** Throws an `AssertionError` (or the store's own error) when the store breaks the promise. */
  run(): Promise<void>;
}

/** The outcome of one check in {@link runSessionStoreConformance}. */
export interface ConformanceResult {
  name: string;
  status: 'passed' | 'failed' | 'not applicable';
  error?: unknown;
}

type MakeStore<S extends SessionStore> = () => Promise<S> | S;

/**
 * Ids that must each get their own, intact session: path traversal, separators of every
 * platform, drive letters, NUL, Windows device names, case-only and normalization-only
 * differences, lone surrogates, and ids far longer than any file name.
 */
export const HOSTILE_SESSION_IDS: readonly string[] = [
  '../x', '../../etc/passwd', '..\\..\\x', 'a/b', 'a\\b', '/abs', 'C:\\x', 'c:x', ':', 'line:',
  '\u0000', 'a\u0000b', 'a\nb', '<>:"|?*', 'CON', 'con', 'Con', 'NUL', 'nul.txt', 'COM1', 'LPT1', 'AUX',
  '.', '..', '...', '', ' ', 'trailing.', 'trailing ', '%2e%2e%2f', 'a%2Fb', 'A', 'a', '~', 's_a', 'a.json',
  'a.tmp', '\u00e9', 'e\u0301', '\ud83e\udd84', '\ud800', '\udc00', '\ufffd', 'x'.repeat(5000),
  `${'x'.repeat(5000)}y`, '\u00e9'.repeat(300), `${'\u00e9'.repeat(300)}!`,
];

/** The suite as a list of checks, for runners other than Jest. */
export function sessionStoreConformanceChecks<S extends SessionStore>(
  makeStore: MakeStore<S>,
  options: ConformanceOptions<S> = {},
): ConformanceCheck[] {
  const run = randomUUID().slice(0, 8);
  const idOf = (label: string) => `conformance:${run}-${label}`;
  const withStore = async (body: (store: S) => Promise<void>): Promise<void> => {
    const store = await makeStore();
    try {
      await store.init?.();
      await body(store);
    } finally {
      try {
        await store.close?.();
      } finally {
        await options.cleanup?.(store);
      }
    }
  };
  const check = (name: string, body: (store: S) => Promise<void>, applicable = true): ConformanceCheck => ({
    name,
    applicable,
    run: () => (applicable ? withStore(body) : Promise.resolve()),
  });
  const writers = options.concurrentWriters ?? 16;
  const ttlMs = options.ttlMs ?? 50;

  return [
    check('reads undefined for a session that was never written', async (store) => {
      assert.equal(await store.read(idOf('never')), undefined);
    }),

    check('reads back a written record unchanged', async (store) => {
      const record = makeRecord(idOf('round-trip'), 1, { step: 'ask-name', count: 3, nested: { list: [1, 'two', null, true] } });
      record.eventIds = ['e1', 'e2'];
      await store.write(record, { expectedVersion: 0 });
      assert.deepStrictEqual(await store.read(record.id), record);
    }),

    check('hands out copies: changing a written or read record does not change the stored one', async (store) => {
      const record = makeRecord(idOf('copies'), 1, { items: ['a'] });
      await store.write(record, { expectedVersion: 0 });
      record.state.items.push('changed after write');
      const read = await store.read(record.id);
      assert.ok(read);
      read.state.items.push('changed after read');
      read.eventIds.push('changed after read');
      assert.deepStrictEqual((await store.read(record.id))?.state, { items: ['a'] });
      assert.deepStrictEqual((await store.read(record.id))?.eventIds, []);
    }),

    check('accepts a first write only when it expects version 0', async (store) => {
      const id = idOf('first-write');
      await assertConflict(store.write(makeRecord(id, 2), { expectedVersion: 1 }), id, 1, 0);
      assert.equal(await store.read(id), undefined, 'a refused write must not store anything');
      await store.write(makeRecord(id, 1), { expectedVersion: 0 });
      assert.equal((await store.read(id))?.version, 1);
    }),

    check('refuses a write based on a stale version and keeps the stored record', async (store) => {
      const id = idOf('stale');
      await store.write(makeRecord(id, 1, { n: 1 }), { expectedVersion: 0 });
      const second = makeRecord(id, 2, { n: 2 });
      await store.write(second, { expectedVersion: 1 });
      await assertConflict(store.write(makeRecord(id, 2, { n: 'stale' }), { expectedVersion: 1 }), id, 1, 2);
      await assertConflict(store.write(makeRecord(id, 1, { n: 'new' }), { expectedVersion: 0 }), id, 0, 2);
      assert.deepStrictEqual(await store.read(id), second);
    }),

    check(`lets exactly one of ${writers} concurrent writers based on the same version win`, async (store) => {
      const id = idOf('race');
      await store.write(makeRecord(id, 1, { writer: 'first' }), { expectedVersion: 0 });
      await assertOneWinner(store, id, 1, writers);
    }),

    check(`lets exactly one of ${writers} concurrent first writers win`, async (store) => {
      await assertOneWinner(store, idOf('race-first'), 0, writers);
    }),

    check('deletes a session, and deleting an absent session is not an error', async (store) => {
      const id = idOf('delete');
      await store.write(makeRecord(id, 1), { expectedVersion: 0 });
      await store.delete(id);
      assert.equal(await store.read(id), undefined);
      await store.delete(id);
      await store.delete(idOf('never-written'));
      await store.write(makeRecord(id, 1), { expectedVersion: 0 }); // a deleted session starts over
      assert.equal((await store.read(id))?.version, 1);
    }),

    check('lists every stored session exactly once', async (store) => {
      const records = ['a', 'b', 'c', 'd', 'e'].map((label) => makeRecord(idOf(`list-${label}`), 1, { label }));
      for (const record of records) await store.write(record, { expectedVersion: 0 });
      await store.delete(records[4].id);
      const listed = (await collect(store.list())).filter((r) => r.id.startsWith(idOf('list-')));
      listed.sort((x, y) => (x.id < y.id ? -1 : 1));
      assert.deepStrictEqual(listed, records.slice(0, 4));
    }),

    check('keeps large unicode state intact', async (store) => {
      const record = makeRecord(idOf('large'), 1, largeUnicodeState(options.largeStateChars ?? 1024 * 1024));
      await store.write(record, { expectedVersion: 0 });
      assert.deepStrictEqual(await store.read(record.id), record);
    }),

    check('keeps keys like __proto__ and constructor as plain data', async (store) => {
      // Built by JSON.parse, as a webhook body would be: `__proto__` becomes an own key, not a prototype.
      const hostile = '"__proto__":{"polluted":true},"constructor":{"prototype":{"polluted":true}},"toString":1';
      const record = makeRecord(idOf('proto'), 1, JSON.parse(`{"nested":{${hostile}},${hostile}}`));
      await store.write(record, { expectedVersion: 0 });
      const read = await store.read(record.id);
      const listed = (await collect(store.list())).find((r) => r.id === record.id);
      for (const copy of [read, listed]) {
        assert.ok(copy);
        assert.deepStrictEqual(copy, record);
        assert.equal(Object.getPrototypeOf(copy.state), Object.prototype);
        assert.ok(Object.hasOwn(copy.state, '__proto__'), '__proto__ must stay an own key of the state');
        assert.ok(Object.hasOwn(copy.state.nested, '__proto__'));
      }
      assert.equal(({} as Record<string, unknown>).polluted, undefined, 'Object.prototype was polluted');
    }),

    check('keeps sessions with hostile ids apart and intact', async (store) => {
      const ids = HOSTILE_SESSION_IDS;
      for (const id of ids) await store.delete(id);
      try {
        for (const [index, id] of ids.entries()) await store.write(makeRecord(id, 1, { index }), { expectedVersion: 0 });
        for (const [index, id] of ids.entries()) {
          const read = await store.read(id);
          assert.deepStrictEqual(read?.state, { index }, `id ${JSON.stringify(id)} did not read back its own record`);
          assert.equal(read?.id, id);
        }
        const listed = (await collect(store.list())).map((r) => r.id).filter((id) => ids.includes(id));
        assert.deepStrictEqual(listed.sort(), [...ids].sort());
      } finally {
        for (const id of ids) await store.delete(id);
      }
      for (const id of ids) assert.equal(await store.read(id), undefined, `id ${JSON.stringify(id)} was not deleted`);
    }),

    check(
      'treats a session as absent once its ttl has passed, and keeps it until then',
      async (store) => {
        const short = makeRecord(idOf('ttl-short'), 1);
        const long = makeRecord(idOf('ttl-long'), 1);
        const forever = makeRecord(idOf('ttl-none'), 1);
        const writtenAt = Date.now();
        await store.write(short, { expectedVersion: 0, ttlMs });
        await store.write(long, { expectedVersion: 0, ttlMs: 60_000 });
        await store.write(forever, { expectedVersion: 0 });
        const deadline = writtenAt + ttlMs + (options.expiryGraceMs ?? 2000);
        while ((await store.read(short.id)) !== undefined) {
          assert.ok(Date.now() < deadline, `a session written with ttlMs ${ttlMs} was still there after the deadline`);
          await new Promise((resolve) => setTimeout(resolve, Math.max(5, ttlMs / 5)));
        }
        const listed = (await collect(store.list())).map((r) => r.id);
        assert.ok(!listed.includes(short.id), 'an expired session was listed');
        assert.deepStrictEqual(await store.read(long.id), long);
        assert.deepStrictEqual(await store.read(forever.id), forever);
        await store.write(makeRecord(short.id, 1), { expectedVersion: 0 }); // expired counts as absent
      },
      options.supportsTtl !== false,
    ),

    check(
      'reports corrupted stored data as a SessionStoreError naming the session, and can delete it',
      async (store) => {
        const id = idOf('corrupt');
        await store.write(makeRecord(id, 1, { precious: true }), { expectedVersion: 0 });
        await options.corrupt!(store, id);
        await assert.rejects(store.read(id), (error: unknown) => {
          assert.ok(isError(error, SessionStoreError), `expected a SessionStoreError, got ${String(error)}`);
          assert.equal((error as SessionStoreError).sessionId, id);
          assert.ok((error as Error).message.includes(JSON.stringify(id)), 'the message must name the session');
          return true;
        });
        await store.delete(id);
        assert.equal(await store.read(id), undefined);
      },
      options.corrupt !== undefined,
    ),

    ...heldEventCheckBodies(idOf).map(([name, body]) => check(name, body as (store: S) => Promise<void>, options.holdsEvents === true)),
  ];
}

/**
 * Runs the suite without a test runner (from a script, or a runner other than Jest) and reports
 * each check; it never throws for a failed check.
 */
export async function runSessionStoreConformance<S extends SessionStore>(
  makeStore: MakeStore<S>,
  options: ConformanceOptions<S> = {},
): Promise<ConformanceResult[]> {
  const results: ConformanceResult[] = [];
  for (const check of sessionStoreConformanceChecks(makeStore, options)) {
    if (!check.applicable) {
      results.push({ name: check.name, status: 'not applicable' });
      continue;
    }
    try {
      await check.run();
      results.push({ name: check.name, status: 'passed' });
    } catch (error) {
      results.push({ name: check.name, status: 'failed', error });
    }
  }
  return results;
}

interface JestGlobals {
  describe(name: string, body: () => void): void;
  it: ((name: string, body: () => Promise<void> | void) => void) & { skip(name: string, body: () => void): void };
}

/**
 * Defines the suite as Jest tests: one `describe` named after the driver, one test per check.
 * Checks the options rule out still appear, as skipped tests named "... (not applicable)", so a
 * report shows what was not checked without counting it as passed. Call it at the top level of a test file.
 */
export function describeSessionStoreConformance<S extends SessionStore>(
  name: string,
  makeStore: MakeStore<S>,
  options: ConformanceOptions<S> = {},
): void {
  const jest = globalThis as unknown as Partial<JestGlobals>;
  if (typeof jest.describe !== 'function' || typeof jest.it !== 'function') {
    throw new Error('describeSessionStoreConformance needs the Jest globals; elsewhere use runSessionStoreConformance');
  }
  const { describe, it } = jest as JestGlobals;
  describe(`${name} session store conformance`, () => {
    for (const check of sessionStoreConformanceChecks(makeStore, options)) {
      if (check.applicable) it(check.name, () => check.run());
      else it.skip(`${check.name} (not applicable)`, () => {});
    }
  });
}

function makeRecord(id: string, version: number, state: AnyState = {}): SessionRecord {
  return { id, platform: platformOf(id), state, lastActivity: Date.now(), version, eventIds: [] };
}

async function assertOneWinner(store: SessionStore, id: string, base: number, writers: number): Promise<void> {
  const attempts = Array.from({ length: writers }, (_, writer) => makeRecord(id, base + 1, { writer }));
  const settled = await Promise.allSettled(attempts.map((record) => store.write(record, { expectedVersion: base })));
  const winners = settled.flatMap((s, writer) => (s.status === 'fulfilled' ? [writer] : []));
  assert.equal(winners.length, 1, `expected exactly one winning writer, got ${winners.length}`);
  for (const s of settled) {
    if (s.status === 'rejected') await assertConflict(Promise.reject(s.reason), id, base, base + 1);
  }
  assert.deepStrictEqual(await store.read(id), attempts[winners[0]]);
}

async function assertConflict(write: Promise<void>, id: string, expected: number, actual: number): Promise<void> {
  await assert.rejects(write, (error: unknown) => {
    assert.ok(isError(error, VersionConflictError), `expected a VersionConflictError, got ${String(error)}`);
    const conflict = error as VersionConflictError;
    assert.equal(conflict.sessionId, id);
    assert.equal(conflict.expectedVersion, expected);
    assert.equal(conflict.actualVersion, actual);
    return true;
  });
}

/** `instanceof`, or the same class name: a driver may load its own copy of `bottender`. */
function isError(error: unknown, type: abstract new (...args: never[]) => Error): boolean {
  if (error instanceof type) return true;
  for (let proto = error === null || typeof error !== 'object' ? null : Object.getPrototypeOf(error); proto; ) {
    if (proto.constructor?.name === type.name) return true;
    proto = Object.getPrototypeOf(proto);
  }
  return false;
}

/** About `chars` code units of right-to-left text, emoji, combining marks and escapes. */
function largeUnicodeState(chars: number): AnyState {
  const sample = 'שלום עולם · مرحبا بالعالم · 👋🏽👨‍👩‍👧 · e\u0301 · \u2028\u2029 · "quoted" \\ \t\u0000 · 漢字 · ';
  const text = sample.repeat(Math.ceil(chars / sample.length));
  return {
    text,
    '🔑 ключ': ['עברית', 'العربية', { deep: { deeper: [1.5, -2, 2 ** 53 - 1, 1e-7, true, null] } }],
    empty: { object: {}, array: [], string: '' },
  };
}

async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
}
