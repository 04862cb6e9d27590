import { SessionStoreError, VersionConflictError } from 'bottender';
import type { Redis } from 'ioredis';

import { sessionKeys } from '../src';
import { staleWriteIsRefused, writtenRecordReadsBackAsFreshCopy } from '../../../test-support/store-drivers/store-checks';
import { collect, record, uniquePrefix, useRedisSuite } from './support/stores';

/** Reads, fenced writes, deletes and listings of the redis driver, against a real redis-server. */
const { stores, withRedis } = useRedisSuite('redis store');

const HOSTILE_IDS = [
  'line:U4af4980629',
  'test:{tag}',
  'test:}{',
  'test:with space',
  'test:*?[glob]\\',
  'test:ünïcødé 会話 🤖',
  'test:\ud800 lone surrogate',
  'test:%0041',
  'test:A',
  '__proto__',
  '',
];

describe('read and write', () => {
  withRedis('a session never written reads as undefined', async () => {
    expect(await stores.store().read('test:nobody')).toBeUndefined();
  });

  withRedis('a written record reads back equal, as a fresh copy', async () => {
    await writtenRecordReadsBackAsFreshCopy(stores.store());
  });

  withRedis('a write based on a replaced version is refused with VersionConflictError and changes nothing', async () => {
    await staleWriteIsRefused(stores.store());
  });

  withRedis('creating a session that already exists is refused (expected version 0)', async () => {
    const store = stores.store();
    await store.write(record('test:u1', 1), { expectedVersion: 0 });
    await expect(store.write(record('test:u1', 1), { expectedVersion: 0 })).rejects.toBeInstanceOf(VersionConflictError);
  });

  withRedis('writing over a deleted session is refused unless it expects version 0', async () => {
    const store = stores.store();
    await store.write(record('test:u1', 1), { expectedVersion: 0 });
    await store.delete('test:u1');
    await expect(store.write(record('test:u1', 2), { expectedVersion: 1 })).rejects.toMatchObject({ actualVersion: 0 });
    expect(await store.read('test:u1')).toBeUndefined();
  });

  withRedis('deleting an absent session is not an error', async () => {
    await expect(stores.store().delete('test:nobody')).resolves.toBeUndefined();
  });

  withRedis('ttlMs becomes the key TTL; without it the key never expires', async () => {
    const prefix = uniquePrefix();
    const store = stores.store({ keyPrefix: prefix });
    const raw = stores.client();
    const pttl = (id: string) => raw.pttl(sessionKeys(prefix, id).data);
    await store.write(record('test:ttl', 1), { expectedVersion: 0, ttlMs: 60_000 });
    await store.write(record('test:forever', 1), { expectedVersion: 0 });
    expect(await pttl('test:ttl')).toBeGreaterThan(55_000);
    expect(await pttl('test:ttl')).toBeLessThanOrEqual(60_000);
    expect(await pttl('test:forever')).toBe(-1);
    // A later write without a TTL keeps the session forever again.
    await store.write(record('test:ttl', 2), { expectedVersion: 1 });
    expect(await pttl('test:ttl')).toBe(-1);
  });

  withRedis('bad write arguments are rejected before anything is sent', async () => {
    const store = stores.store();
    await expect(store.write({ ...record('test:u', 1), version: 1.5 }, { expectedVersion: 0 })).rejects.toThrow(/version must be/);
    await expect(store.write(record('test:u', 1), { expectedVersion: -1 })).rejects.toThrow(/expectedVersion/);
    await expect(store.write(record('test:u', 1), { expectedVersion: 0, ttlMs: -5 })).rejects.toThrow(/ttlMs/);
    await expect(store.write(record('test:u', 1), { expectedVersion: 0, ttlMs: NaN })).rejects.toThrow(/ttlMs/);
    expect(await store.read('test:u')).toBeUndefined();
  });
});

describe('hostile session ids', () => {
  withRedis('every id round-trips to its own key, and ids that look alike never share one', async () => {
    const store = stores.store();
    for (const [i, id] of HOSTILE_IDS.entries()) await store.write(record(id, 1, { i }), { expectedVersion: 0 });
    for (const [i, id] of HOSTILE_IDS.entries()) expect(await store.read(id)).toEqual(record(id, 1, { i }));
    const listed = await collect(store.list());
    expect(listed.map((r) => r.id).sort()).toEqual([...HOSTILE_IDS].sort());
  });

  test('a record key and its lock key carry one non-empty hash tag free of braces', () => {
    for (const id of HOSTILE_IDS) {
      const { data, lock } = sessionKeys('bottender:session:', id);
      const tag = /^bottender:session:\{([^{}]+)\}$/.exec(data)?.[1];
      expect(tag).toBeDefined();
      expect(lock).toBe(`${data}:lock`);
    }
    expect(sessionKeys('p:', 'line:U1').data).toBe('p:{line:U1}');
    expect(sessionKeys('p:', 'a b').data).toBe('p:{a%0020b}');
    // '%' is escaped too, so an id that looks like an escape cannot collide with the escaped one.
    expect(sessionKeys('p:', '%0020').data).not.toBe(sessionKeys('p:', ' ').data);
  });
});

describe('damaged data is an error, never an absent session', () => {
  // The last column: whether a fenced write is refused too. Scripts see the key's type and its
  // version and record fields, not the JSON inside; damage there is caught by every read, so the
  // runtime never writes over it (only a blind write naming the stored version could).
  const cases: [string, (raw: Redis, key: string) => Promise<unknown>, boolean][] = [
    ['a string instead of a hash', (raw, key) => raw.set(key, '{"id":"test:d"}'), true],
    ['a hash without its record field', (raw, key) => raw.hset(key, 'v', '1'), true],
    ['a hash without its version field', (raw, key) => raw.hset(key, 'r', JSON.stringify(record('test:d', 1))), true],
    ['a version field that disagrees', (raw, key) => raw.hset(key, 'v', '7', 'r', JSON.stringify(record('test:d', 1))), true],
    ['a hash whose record is not JSON', (raw, key) => raw.hset(key, 'v', '1', 'r', '{not json'), false],
    ['a record of another session', (raw, key) => raw.hset(key, 'v', '1', 'r', JSON.stringify(record('test:other', 1))), false],
    ['a record missing its state', (raw, key) => raw.hset(key, 'v', '1', 'r', JSON.stringify({ ...record('test:d', 1), state: null })), false],
  ];

  for (const [what, damage, refusesWrite] of cases) {
    withRedis(`${what}: read, begin and list throw SessionStoreError and the lock is left free`, async () => {
      const prefix = uniquePrefix('damaged');
      const store = stores.store({ keyPrefix: prefix });
      const raw = stores.client();
      const keys = sessionKeys(prefix, 'test:d');
      await damage(raw, keys.data);
      await expect(store.read('test:d')).rejects.toBeInstanceOf(SessionStoreError);
      await expect(store.begin('test:d', {})).rejects.toBeInstanceOf(SessionStoreError);
      await expect(collect(store.list())).rejects.toBeInstanceOf(SessionStoreError);
      // A failed begin gave its lock back (or never took it).
      expect(await raw.exists(keys.lock)).toBe(0);
      if (refusesWrite) {
        const before = await raw.dump(keys.data);
        await expect(store.write(record('test:d', 2), { expectedVersion: 1 })).rejects.toBeInstanceOf(SessionStoreError);
        expect(await raw.dump(keys.data)).toEqual(before);
      }
    });
  }
});

describe('list', () => {
  withRedis('lists only this prefix, skips lock keys, and pages through many sessions', async () => {
    const store = stores.store();
    const other = stores.store();
    for (let i = 0; i < 450; i++) await store.write(record(`test:u${i}`, 1), { expectedVersion: 0 });
    await other.write(record('test:elsewhere', 1), { expectedVersion: 0 });
    const held = await store.begin('test:u0', {}); // a lock key now sits beside the records
    const listed = await collect(store.list());
    await held.release();
    expect(listed).toHaveLength(450);
    expect(new Set(listed.map((r) => r.id)).size).toBe(450);
    expect(listed.find((r) => r.id === 'test:elsewhere')).toBeUndefined();
  });

  withRedis('a prefix with glob characters matches only itself', async () => {
    const store = stores.store({ keyPrefix: 'glob*[x]?:' });
    const lookalike = stores.store({ keyPrefix: 'globAx?:' });
    await store.write(record('test:a', 1), { expectedVersion: 0 });
    await lookalike.write(record('test:b', 1), { expectedVersion: 0 });
    expect((await collect(store.list())).map((r) => r.id)).toEqual(['test:a']);
    await store.delete('test:a');
    await lookalike.delete('test:b');
  });
});
