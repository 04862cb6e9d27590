import { describeSessionStoreConformance } from 'bottender/testing';
import { type Db, MongoClient } from 'mongodb';

import { escapeSessionId, MongoSessionStore } from '../src';
import { mongoBackends, notRun, uniqueDbName } from './support/stores';
import { realMongo, startTestServer, type TestMongo } from './support/mongo-server';

/**
 * The core conformance suite (the promises every driver keeps), over the MongoDB wire protocol:
 * against the MongoDB-wire-compatible test server this file starts on a free port, and against a
 * real MongoDB too when MONGO_URL is set.
 *
 * The test server does not delete expired documents (it keeps a TTL index but never runs a TTL
 * monitor), and a real MongoDB deletes them only once a minute: the expiry check therefore checks
 * the driver's own behaviour, reads and listings that treat a record as absent once its `expiresAt`
 * has passed (store.test.ts checks the TTL index and each document's expiry date).
 */
const backends = mongoBackends('mongo conformance');

for (const backend of backends) {
  let mongo: TestMongo | undefined;
  let raw: MongoClient | undefined;
  const dbs = new WeakMap<MongoSessionStore, Db>();

  describe(`over the wire (${backend})`, () => {
    beforeAll(async () => {
      mongo = backend === 'MONGO_URL' ? realMongo(process.env.MONGO_URL!) : await startTestServer();
      raw = new MongoClient(mongo.url);
      await raw.connect();
    });
    afterAll(async () => {
      await raw?.close();
      await mongo?.dispose();
    });

    const makeStore = () => {
      const store = new MongoSessionStore({ url: mongo!.url, dbName: uniqueDbName('conformance') });
      dbs.set(store, raw!.db(store.db.databaseName));
      return store;
    };

    describeSessionStoreConformance(`mongo (${backend})`, makeStore, {
      // Damages the stored record the way a bad migration or another program might.
      corrupt: async (store, id) => {
        await dbs.get(store)!.collection('sessions').updateOne({ sid: escapeSessionId(id) }, { $set: { r: '{"id": truncated' } });
      },
      // Each check has its own database: drop it.
      cleanup: async (store) => {
        await dbs.get(store)!.dropDatabase();
      },
      ttlMs: 50,
      expiryGraceMs: 1_000,
      holdsEvents: true,
    });
  });
}

if (backends.length === 0) notRun('mongo conformance');
