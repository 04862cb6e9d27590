import { SessionStoreError } from 'bottender';

import { createTableSql, escapeId, PostgresSessionStore, unescapeId } from '../src';
import { staleWriteIsRefused, writtenRecordReadsBackAsFreshCopy } from '../../../test-support/store-drivers/store-checks';
import { DATABASE_URL } from './support/postgres';
import { collect, record, uniqueTable, usePostgresSuite } from './support/stores';

/** Reads, fenced writes, deletes, listings, tables and the sweep, against a real PostgreSQL. */
const { pgTest, stores } = usePostgresSuite('postgres store');

const HOSTILE_IDS = [
  'line:U4af4980629',
  'test:with space',
  "test:'; DROP TABLE x; --",
  'test:"quoted"',
  'test:ünïcødé 会話 🤖',
  'test:\ud800 lone surrogate',
  'test:\ufffd replacement',
  'test:\u0000nul',
  'test:%0000',
  'test:%',
  '__proto__',
  '',
];

describe('read and write', () => {
  pgTest('a written record reads back equal, as a fresh copy', async () => {
    await writtenRecordReadsBackAsFreshCopy(stores.store());
  });

  pgTest('state is jsonb, queryable in SQL; a state jsonb cannot keep (NUL, lone surrogates) goes to state_json intact', async () => {
    const store = stores.store();
    await store.write(record('test:plain', 1, { step: 'ask-name' }), { expectedVersion: 0 });
    const odd = { text: 'a\u0000b', lone: '\ud800', escaped: '\\u0000 is text here' };
    await store.write(record('test:odd', 1, odd), { expectedVersion: 0 });
    const { rows } = await stores.raw.query(`SELECT id, state->>'step' AS step, state_json IS NOT NULL AS plain FROM ${store.tables.sessions} ORDER BY id`);
    expect(rows).toEqual([
      { id: 'test:odd', step: null, plain: true },
      { id: 'test:plain', step: 'ask-name', plain: false },
    ]);
    expect((await store.read('test:odd'))!.state).toEqual(odd);
    // A later ordinary state moves back to jsonb.
    await store.write(record('test:odd', 2, { fine: true }), { expectedVersion: 1 });
    const after = await stores.raw.query(`SELECT state, state_json FROM ${store.tables.sessions} WHERE id = 'test:odd'`);
    expect(after.rows[0]).toEqual({ state: { fine: true }, state_json: null });
  });

  pgTest('a write based on a replaced version is refused with VersionConflictError and changes nothing', async () => {
    await staleWriteIsRefused(stores.store());
  });

  pgTest('an expired session counts as absent for writes: version 0 is expected, its old version refused', async () => {
    const store = stores.store();
    await store.write(record('test:exp', 3), { expectedVersion: 0, ttlMs: 60_000 });
    await stores.raw.query(`UPDATE ${store.tables.sessions} SET expires_at = now() WHERE id = 'test:exp'`);
    await expect(store.write(record('test:exp', 4), { expectedVersion: 3 })).rejects.toMatchObject({ actualVersion: 0 });
    await store.write(record('test:exp', 1, { again: true }), { expectedVersion: 0 });
    expect((await store.read('test:exp'))!.state).toEqual({ again: true });
  });

  pgTest('bad write arguments are rejected before anything is sent', async () => {
    const store = stores.store();
    await expect(store.write({ ...record('test:u', 1), version: 1.5 }, { expectedVersion: 0 })).rejects.toThrow(/version must be/);
    await expect(store.write({ ...record('test:u', 1), version: 0 }, { expectedVersion: 0 })).rejects.toThrow(/version must be a positive/);
    await expect(store.write(record('test:u', 1), { expectedVersion: -1 })).rejects.toThrow(/expectedVersion/);
    await expect(store.write(record('test:u', 1), { expectedVersion: 0, ttlMs: -5 })).rejects.toThrow(/ttlMs/);
    await expect(store.write(record('test:u', 1), { expectedVersion: 0, ttlMs: NaN })).rejects.toThrow(/ttlMs/);
    await expect(store.write({ ...record('test:u', 1), lastActivity: Infinity }, { expectedVersion: 0 })).rejects.toThrow(/lastActivity/);
    await expect(store.write({ ...record('test:u', 1), eventIds: [1 as unknown as string] }, { expectedVersion: 0 })).rejects.toThrow(/eventIds/);
    await expect(store.read(42 as unknown as string)).rejects.toThrow(TypeError);
    expect(await store.read('test:u')).toBeUndefined();
  });
});

describe('hostile ids', () => {
  pgTest('every session id and event id round-trips to its own row; ids that look alike never share one', async () => {
    const store = stores.store();
    for (const [i, id] of HOSTILE_IDS.entries()) {
      await store.write({ ...record(id, 1, { i }), eventIds: [id, `${id}!`] }, { expectedVersion: 0 });
    }
    for (const [i, id] of HOSTILE_IDS.entries()) expect(await store.read(id)).toEqual({ ...record(id, 1, { i }), eventIds: [id, `${id}!`] });
    const listed = await collect(store.list());
    expect(listed.map((r) => r.id).sort()).toEqual([...HOSTILE_IDS].sort());
    const { rows } = await stores.raw.query(`SELECT count(*)::int AS n FROM ${store.tables.sessions}`);
    expect(rows[0].n).toBe(HOSTILE_IDS.length);
  });

  test('escaping keeps ordinary ids readable and is one-to-one', () => {
    expect(escapeId('line:U4af4980629')).toBe('line:U4af4980629');
    expect(escapeId('telegram:-100 会話 🤖')).toBe('telegram:-100 会話 🤖');
    expect(escapeId('a\u0000b')).toBe('a%0000b');
    expect(escapeId('%0000')).toBe('%00250000');
    expect(escapeId('\ud800')).not.toBe(escapeId('\ufffd'));
    for (const id of HOSTILE_IDS) expect(unescapeId(escapeId(id))).toBe(id);
  });
});

describe('damaged rows are errors, never absent sessions', () => {
  const cases: [string, string][] = [
    ['a state that is not an object', `state = '[1, 2]'::jsonb`],
    ['no state at all', 'state = NULL, state_json = NULL'],
    ['a NULL event id', `event_ids = ARRAY[NULL]::text[]`],
    ['no last activity', 'last_activity = NULL'],
    ['plain JSON that does not parse as a record', `state = NULL, state_json = '"text"'::json`],
  ];
  for (const [what, damage] of cases) {
    pgTest(`${what}: read, begin and list throw SessionStoreError naming the session, and the lease is left free`, async () => {
      const store = stores.store();
      await store.write(record('test:d', 1, { precious: true }), { expectedVersion: 0 });
      await stores.raw.query(`UPDATE ${store.tables.sessions} SET ${damage} WHERE id = 'test:d'`);
      await expect(store.read('test:d')).rejects.toThrow(/stored data for session "test:d"/);
      await expect(store.read('test:d')).rejects.toBeInstanceOf(SessionStoreError);
      await expect(store.begin('test:d', {})).rejects.toMatchObject({ sessionId: 'test:d' });
      await expect(collect(store.list())).rejects.toBeInstanceOf(SessionStoreError);
      const { rows } = await stores.raw.query(`SELECT lease_owner FROM ${store.tables.sessions} WHERE id = 'test:d'`);
      expect(rows[0].lease_owner).toBeNull(); // a failed begin gave its lease back
    });
  }
});

describe('list', () => {
  pgTest('pages through many sessions, skipping placeholders and expired rows', async () => {
    const store = stores.store();
    for (let i = 0; i < 1_100; i += 100) {
      await Promise.all(Array.from({ length: 100 }, (_, k) => store.write(record(`test:u${i + k}`, 1), { expectedVersion: 0 })));
    }
    await store.write(record('test:expired', 1), { expectedVersion: 0, ttlMs: 60_000 });
    await stores.raw.query(`UPDATE ${store.tables.sessions} SET expires_at = now() WHERE id = 'test:expired'`);
    const held = await store.begin('test:placeholder', {}); // a leased row without a record
    const listed = await collect(store.list());
    await held.release();
    expect(listed).toHaveLength(1_100);
    expect(new Set(listed.map((r) => r.id)).size).toBe(1_100);
  });
});

describe('tables', () => {
  pgTest('are created at start, once, even by many stores starting together', async () => {
    const table = uniqueTable('created');
    const many = Array.from({ length: 5 }, () => stores.store({ table }));
    await Promise.all(many.map((store) => store.init()));
    const { rows } = await stores.raw.query(
      `SELECT relname::text AS name FROM pg_class WHERE relnamespace = $1::regnamespace AND relname::text LIKE $2 ORDER BY relname`,
      [stores.schema, `${table}%`],
    );
    expect(rows.map((r) => r.name)).toEqual([`${table}`, `${table}_expires_at`, `${table}_held`, `${table}_held_pkey`, `${table}_pkey`]);
  });

  pgTest('createTable: false only checks, with an error that says how to create them; the printed SQL does', async () => {
    const table = uniqueTable('migrated');
    const store = stores.store({ table, createTable: false });
    await expect(store.init()).rejects.toThrow(/table "bottender_test_\w+"\."s_migrated_\d+" and index .* missing; create it with the SQL of createTableSql\(\)/);
    await stores.raw.query(createTableSql({ table, schema: stores.schema }));
    await store.init();
    await store.write(record('test:u', 1), { expectedVersion: 0 });
    expect((await store.read('test:u'))!.version).toBe(1);
  });

  pgTest('a table of the same name that is not this driver\'s is refused at start, untouched', async () => {
    const table = uniqueTable('foreign');
    await stores.raw.query(`CREATE TABLE "${stores.schema}"."${table}" (id text PRIMARY KEY, data jsonb)`);
    const store = stores.store({ table });
    await expect(store.init()).rejects.toThrow(/exists but has no column platform, state, state_json, version/);
    const { rows } = await stores.raw.query(`SELECT count(*)::int AS n FROM "${stores.schema}"."${table}"`);
    expect(rows[0].n).toBe(0);
  });

  test('createTableSql prints idempotent SQL for the default, a named table and a schema', () => {
    expect(createTableSql()).toContain('CREATE TABLE IF NOT EXISTS "bottender_sessions" (');
    expect(createTableSql()).not.toContain('CREATE SCHEMA');
    const sql = createTableSql({ table: 'bot_sessions', schema: 'chat' });
    expect(sql).toContain('CREATE SCHEMA IF NOT EXISTS "chat";');
    expect(sql).toContain('CREATE TABLE IF NOT EXISTS "chat"."bot_sessions" (');
    expect(sql).toContain('CREATE INDEX IF NOT EXISTS "bot_sessions_expires_at" ON "chat"."bot_sessions" (expires_at) WHERE expires_at IS NOT NULL;');
    expect(sql).toContain('CREATE TABLE IF NOT EXISTS "chat"."bot_sessions_held" (');
    // The store's own options (a connection string too) are accepted; names that are not plain identifiers are refused.
    expect(createTableSql('postgres://bot@db/bots')).toBe(createTableSql());
    expect(() => createTableSql({ table: 'x"; DROP TABLE users; --' })).toThrow(/session\.stores\.postgres\.table must be a name of letters/);
  });
});

describe('the expiry sweep', () => {
  pgTest('deletes expired rows and orphaned placeholders in bounded batches; leased and live rows stay', async () => {
    const store = stores.store({ sweepBatchSize: 40 });
    await Promise.all(Array.from({ length: 500 }, (_, i) => store.write(record(`test:old${i}`, 1), { expectedVersion: 0, ttlMs: 60_000 })));
    await store.write(record('test:live', 1), { expectedVersion: 0, ttlMs: 60_000 });
    await store.write(record('test:forever', 1), { expectedVersion: 0 });
    await store.write(record('test:leased', 1), { expectedVersion: 0, ttlMs: 60_000 });
    const leased = await store.begin('test:leased', {});
    await stores.raw.query(`UPDATE ${store.tables.sessions} SET expires_at = now() - interval '1 minute' WHERE id LIKE 'test:old%' OR id = 'test:leased'`);
    // A placeholder whose process died: leased once, lease long over, no record.
    await stores.raw.query(
      `INSERT INTO ${store.tables.sessions} (id, platform, version, expires_at, lease_owner, lease_until) VALUES ('test:orphan', 'test', 0, now(), gen_random_uuid(), now() - interval '1 second')`,
    );
    // One call deletes at most 10 batches of sweepBatchSize rows.
    expect(await store.sweepExpired()).toBe(400);
    expect(await store.sweepExpired()).toBe(101);
    expect(await store.sweepExpired()).toBe(0);
    const { rows } = await stores.raw.query(`SELECT id FROM ${store.tables.sessions} ORDER BY id`);
    expect(rows.map((r) => r.id)).toEqual(['test:forever', 'test:leased', 'test:live']);
    await leased.release();
    expect(await store.sweepExpired()).toBe(1); // its lease ended: now it goes
  });

  pgTest('runs by itself every sweepIntervalMs', async () => {
    const store = stores.store({ sweepIntervalMs: 100 });
    await store.write(record('test:short', 1), { expectedVersion: 0, ttlMs: 1 });
    const deadline = Date.now() + 5_000;
    let left = 1;
    while (left > 0 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      left = (await stores.raw.query(`SELECT count(*)::int AS n FROM ${store.tables.sessions}`)).rows[0].n;
    }
    expect(left).toBe(0);
  });
});

describe('held events (deadline acknowledgements)', () => {
  const held = (sessionId: string, eventId: string, heldAt: number) => ({
    sessionId,
    platform: 'test',
    eventId,
    rawEvent: { id: eventId, text: 'hi \u0000 there', nested: [1, { deep: true }] },
    heldAt,
  });

  pgTest('are kept until released, idempotently, oldest first, and survive a new store (a restart)', async () => {
    const table = uniqueTable('held');
    const store = stores.store({ table });
    await store.holdEvent(held('test:a', 'e2', 1_700_000_000_200));
    await store.holdEvent(held('test:a', 'e1', 1_700_000_000_100));
    await store.holdEvent(held('test:a', 'e1', 1_700_000_000_100)); // again: no duplicate
    await store.holdEvent(held('test:\u0000b', 'x', 1_700_000_000_000));
    await store.close();

    const restarted = stores.store({ table });
    expect(await collect(restarted.heldEvents('test:a'))).toEqual([held('test:a', 'e1', 1_700_000_000_100), held('test:a', 'e2', 1_700_000_000_200)]);
    // By session (in the stored order of their ids), oldest first within one.
    const all = (await collect(restarted.heldEvents())).map((e) => [e.sessionId, e.eventId]);
    expect(all.filter(([session]) => session === 'test:a')).toEqual([
      ['test:a', 'e1'],
      ['test:a', 'e2'],
    ]);
    expect(all).toContainEqual(['test:\u0000b', 'x']);
    expect(all).toHaveLength(3);
    await restarted.releaseHeldEvents('test:a', ['e1', 'never-held']);
    await restarted.releaseHeldEvents('test:a', []);
    expect((await collect(restarted.heldEvents())).map((e) => e.eventId).sort()).toEqual(['e2', 'x']);
    await expect(restarted.holdEvent({ ...held('test:a', 'e3', 1), eventId: 3 as unknown as string })).rejects.toThrow(TypeError);
  });

  pgTest('listing every held event pages through many', async () => {
    const store = stores.store();
    await Promise.all(Array.from({ length: 1_201 }, (_, i) => store.holdEvent(held(`test:s${i % 7}`, `e${i}`, 1_700_000_000_000 + i))));
    const all = await collect(store.heldEvents());
    expect(all).toHaveLength(1_201);
    expect(new Set(all.map((e) => e.eventId)).size).toBe(1_201);
  });
});

pgTest('a pool you pass is used as it is, gets an error listener, and stays open after close()', async () => {
  const { Pool } = await import('pg');
  const pool = new Pool({ connectionString: DATABASE_URL, max: 2 });
  try {
    const store = new PostgresSessionStore({ pool, schema: stores.schema, table: uniqueTable('own'), sweepIntervalMs: 0 });
    expect(pool.listenerCount('error')).toBe(1);
    await store.write(record('test:own', 1), { expectedVersion: 0 });
    expect(store.pool).toBe(pool);
    await store.close();
    expect(pool.listenerCount('error')).toBe(0); // left as it was given
    expect((await pool.query('SELECT 1 AS one')).rows[0].one).toBe(1);
    await expect(store.read('test:own')).rejects.toThrow('the postgres session store is closed');
  } finally {
    await pool.end();
  }
});
