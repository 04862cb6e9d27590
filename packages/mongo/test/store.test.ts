import { SessionStoreError, VersionConflictError } from 'bottender';
import { MongoClient } from 'mongodb';

import { escapeSessionId, MongoSessionStore } from '../src';
import { collect, mongoBackends, notRun, record, uniqueDbName, useMongoSuite } from './support/stores';

/** What the driver keeps in MongoDB: indexes, documents, expiry, damaged data, listing, closing. */
const backends = mongoBackends('mongo store');
if (backends.length === 0) notRun('mongo store');

const HOSTILE_IDS = [
  'line:U4af4980629',
  'test:$where',
  'test:a.b.c',
  'test:with space',
  'test:ünïcødé 会話 🤖',
  'test:\ud800 lone surrogate',
  'test:\ufffd lone surrogate',
  'test:\u0000nul',
  'test:%0041',
  'test:A',
  '__proto__',
  '',
];

describe.each(backends)('against the %s', (backend) => {
  const { stores, mongo, withMongo } = useMongoSuite(backend);
  const raw = (store: MongoSessionStore) => stores.rawDb(store).collection('sessions');

  describe('indexes and documents', () => {
    withMongo('init creates the sid (unique), TTL, 1.x id and held-event indexes, once', async () => {
      const store = stores.store();
      await store.init();
      await stores.store({ dbName: store.db.databaseName }).init(); // a second process: no error, nothing new
      const indexes = await raw(store).listIndexes().toArray();
      expect(indexes.find((i) => i.name === 'sid_1')).toMatchObject({ key: { sid: 1 }, unique: true, sparse: true });
      expect(indexes.find((i) => i.name === 'expiresAt_1')).toMatchObject({ key: { expiresAt: 1 }, expireAfterSeconds: 0 });
      expect(indexes.find((i) => i.name === 'id_1')).toMatchObject({ key: { id: 1 }, sparse: true });
      expect(indexes).toHaveLength(4); // and _id_
      const held = await stores.rawDb(store).collection('sessions.held').listIndexes().toArray();
      expect(held.map((i) => i.name).sort()).toEqual(['_id_', 'sid_1_heldAt_1']);
    });

    withMongo('one document per session holds the escaped id, the version and the record as JSON', async () => {
      const store = stores.store();
      const written = record('test:u1', 1, { nested: { list: [1, 'two', null] }, $dollar: 1, 'dot.ted': 2, 'nul\u0000key': 3 });
      await store.write(written, { expectedVersion: 0 });
      const docs = await raw(store).find({}).toArray();
      expect(docs).toHaveLength(1);
      expect(docs[0]).toMatchObject({ sid: 'test:u1', v: 1, lock: null, lockUntil: new Date(0) });
      expect(JSON.parse(docs[0].r)).toEqual(written);
      expect(await store.read('test:u1')).toEqual(written); // keys MongoDB treats specially come back as they were
    });

    withMongo('one document per session even where the unique index on sid is not enforced', async () => {
      const store = stores.store();
      await store.init();
      // What the server itself does with a second document of one sid (the test server accepts it).
      const probe = stores.rawDb(store).collection('probe');
      await probe.createIndex({ sid: 1 }, { unique: true });
      await probe.insertOne({ sid: 'x' });
      const enforced = await probe.insertOne({ sid: 'x' }).then(
        () => false,
        () => true,
      );
      if (!enforced) console.info(`${mongo().label}: unique indexes are not enforced here; checking the driver's own guarantee`);
      // 16 first writes and 16 lock takers racing for one new session each leave one document.
      const writes = await Promise.allSettled(Array.from({ length: 16 }, (_, i) => store.write(record('test:w', 1, { i }), { expectedVersion: 0 })));
      expect(writes.filter((w) => w.status === 'fulfilled')).toHaveLength(1);
      const others = [stores.store({ dbName: store.db.databaseName }), stores.store({ dbName: store.db.databaseName })];
      const takers = Array.from({ length: 16 }, (_, i) => others[i % 2].begin('test:l', { timeoutMs: 100 }));
      const settled = await Promise.allSettled(takers);
      expect(settled.filter((s) => s.status === 'fulfilled')).toHaveLength(1);
      expect(await raw(store).countDocuments({ sid: 'test:w' })).toBe(1);
      expect(await raw(store).countDocuments({ sid: 'test:l' })).toBe(1);
    });

    withMongo('an expired record reads as absent and is not listed, though MongoDB may keep its document for a while', async () => {
      const store = stores.store();
      await store.write(record('test:short', 1), { expectedVersion: 0, ttlMs: 60_000 });
      await store.write(record('test:forever', 1), { expectedVersion: 0 });
      const doc = await raw(store).findOne({ sid: 'test:short' });
      expect(doc!.expiresAt.getTime()).toBeGreaterThan(Date.now() + 59_000);
      expect((await raw(store).findOne({ sid: 'test:forever' }))!.expiresAt).toBeUndefined();
      // Expire it now. A real MongoDB's TTL monitor deletes such documents about once a minute; the
      // test server never does. Either way the driver must not hand the record out.
      await raw(store).updateOne({ sid: 'test:short' }, { $set: { expiresAt: new Date(Date.now() - 1) } });
      expect(await store.read('test:short')).toBeUndefined();
      expect((await collect(store.list())).map((r) => r.id)).toEqual(['test:forever']);
      await expect(store.write(record('test:short', 2), { expectedVersion: 1 })).rejects.toMatchObject({ actualVersion: 0 });
      await store.write(record('test:short', 1, { again: true }), { expectedVersion: 0 });
      expect((await store.read('test:short'))!.state).toEqual({ again: true });
    });

    withMongo('a new session whose first event never commits leaves a lock-only document that nothing shows and TTL removes', async () => {
      const store = stores.store();
      const tx = await store.begin('test:new', { timeoutMs: 1_000 });
      await tx.release();
      const doc = await raw(store).findOne({ sid: 'test:new' });
      expect(doc).toMatchObject({ v: 0, lock: null });
      expect(doc!.r).toBeUndefined();
      expect(doc!.expiresAt.getTime()).toBeGreaterThan(Date.now() + 59 * 60_000);
      expect(await store.read('test:new')).toBeUndefined();
      expect(await collect(store.list())).toEqual([]);
      await store.write(record('test:new', 1), { expectedVersion: 0 }); // still version 0 for fencing
      expect((await raw(store).findOne({ sid: 'test:new' }))!.expiresAt).toBeUndefined();
    });
  });

  describe('read and write', () => {
    withMongo('a written record reads back equal, as a fresh copy; writes are fenced on the version', async () => {
      const store = stores.store();
      await store.write(record('test:u1', 1, { n: 1 }), { expectedVersion: 0 });
      const first = await store.read('test:u1');
      first!.state.n = 99;
      expect((await store.read('test:u1'))!.state.n).toBe(1);
      await store.write(record('test:u1', 2, { n: 2 }), { expectedVersion: 1 });
      const stale = store.write(record('test:u1', 2, { n: 'stale' }), { expectedVersion: 1 });
      await expect(stale).rejects.toBeInstanceOf(VersionConflictError);
      await expect(stale).rejects.toMatchObject({ expectedVersion: 1, actualVersion: 2 });
      await expect(store.write(record('test:u1', 1), { expectedVersion: 0 })).rejects.toMatchObject({ actualVersion: 2 });
      expect((await store.read('test:u1'))!.state).toEqual({ n: 2 });
    });

    withMongo('hostile ids get their own document each, stored escaped, and read back intact', async () => {
      const store = stores.store();
      for (const [i, id] of HOSTILE_IDS.entries()) await store.write(record(id, 1, { i }), { expectedVersion: 0 });
      for (const [i, id] of HOSTILE_IDS.entries()) expect(await store.read(id)).toEqual(record(id, 1, { i }));
      const sids = (await raw(store).find({}).toArray()).map((d) => d.sid);
      expect(sids.sort()).toEqual(HOSTILE_IDS.map(escapeSessionId).sort());
      expect(sids.every((sid) => /^[A-Za-z0-9_.:@%-]+$/.test(sid))).toBe(true);
      expect((await collect(store.list())).map((r) => r.id).sort()).toEqual([...HOSTILE_IDS].sort());
    });

    withMongo('bad input is refused with a clear error before anything is sent', async () => {
      const store = stores.store();
      await expect(store.read(42 as unknown as string)).rejects.toThrow('a session id must be a string, got number');
      await expect(store.write(record('test:x', 1), { expectedVersion: -1 })).rejects.toThrow(/expectedVersion must be a non-negative integer/);
      await expect(store.write(record('test:x', 0), { expectedVersion: 0 })).rejects.toThrow(/version must be a positive integer/);
      await expect(store.write(record('test:x', 1), { expectedVersion: 0, ttlMs: -5 })).rejects.toThrow(/ttlMs must be a positive number/);
      await expect(store.write({ ...record('test:x', 1), state: null } as never, { expectedVersion: 0 })).rejects.toThrow(/state is not an object/);
      expect(await raw(store).countDocuments({})).toBe(0);
    });

    withMongo('a record past the 16 MB document limit is refused with an error naming the session, and nothing is stored', async () => {
      const store = stores.store();
      await store.write(record('test:big', 1, { small: true }), { expectedVersion: 0 });
      const huge = record('test:big', 2, { text: 'x'.repeat(17 * 1024 * 1024) });
      const error = await store.write(huge, { expectedVersion: 1 }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(SessionStoreError);
      expect(error).toMatchObject({ sessionId: 'test:big' });
      expect((error as Error).message).toMatch(/^mongo write for session "test:big" failed: /);
      const tx = await store.begin('test:big', { timeoutMs: 1_000 });
      await expect(tx.commit(huge, {})).rejects.toMatchObject({ sessionId: 'test:big' });
      await tx.release();
      expect(await store.read('test:big')).toEqual(record('test:big', 1, { small: true }));
    });

    for (const [what, damage] of [
      ['a record that is not JSON', { $set: { r: '{"id": truncated' } }],
      ['a version field that disagrees with the record', { $set: { v: 7 } }],
      ['a version that is not a number', { $set: { v: 'one' } }],
      ['the record of another session', { $set: { r: JSON.stringify(record('test:other', 1)) } }],
      ['a version without a record', { $unset: { r: '' } }],
    ] as const) {
      withMongo(`${what} is a SessionStoreError naming the session, for read and begin alike, and can be deleted`, async () => {
        const store = stores.store();
        await store.write(record('test:d', 1, { precious: true }), { expectedVersion: 0 });
        await raw(store).updateOne({ sid: 'test:d' }, damage as never);
        for (const attempt of [() => store.read('test:d'), () => store.begin('test:d', { timeoutMs: 500 })]) {
          const error = await attempt().catch((e: unknown) => e);
          expect(error).toBeInstanceOf(SessionStoreError);
          expect(error).toMatchObject({ sessionId: 'test:d' });
          expect((error as Error).message).toMatch(/^stored data for session "test:d" is not (a session record|valid JSON)/);
        }
        // begin gave the lock back before reporting: a second begin fails the same way, not busy.
        expect((await raw(store).findOne({ sid: 'test:d' }))!.lock).toBeNull();
        await store.delete('test:d');
        expect(await store.read('test:d')).toBeUndefined();
      });
    }
  });

  describe('list and close', () => {
    withMongo('lists only live records of this collection, paging through many', async () => {
      const store = stores.store();
      const other = stores.store({ dbName: store.db.databaseName, collectionName: 'elsewhere' });
      for (let i = 0; i < 250; i++) await store.write(record(`test:u${i}`, 1), { expectedVersion: 0 });
      await other.write(record('test:elsewhere', 1), { expectedVersion: 0 });
      const held = await store.begin('test:u0', {}); // a locked session is still listed
      const placeholder = await store.begin('test:new', {}); // a lock-only document is not
      const listed = await collect(store.list());
      await held.release();
      await placeholder.release();
      expect(listed).toHaveLength(250);
      expect(new Set(listed.map((r) => r.id)).size).toBe(250);
      expect((await collect(other.list())).map((r) => r.id)).toEqual(['test:elsewhere']);
    });

    withMongo('a client or db you pass is used as it is and stays open after close()', async () => {
      const client = new MongoClient(mongo().url);
      try {
        const dbName = uniqueDbName('own');
        for (const options of [{ client, dbName }, { db: client.db(dbName) }]) {
          const store = new MongoSessionStore(options);
          await store.write(record(`test:own-${Object.keys(options)[0]}`, 1), { expectedVersion: 0 });
          expect(store.client).toBe(client);
          await store.close();
          expect((await client.db(dbName).command({ ping: 1 })).ok).toBe(1);
          await expect(store.read('test:own')).rejects.toThrow('the mongo session store is closed');
        }
        expect(await client.db(dbName).collection('sessions').countDocuments({})).toBe(2);
        await client.db(dbName).dropDatabase();
      } finally {
        await client.close();
      }
    });
  });
});
