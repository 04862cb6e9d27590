import { MongoClient } from 'mongodb';

import { refusesEach, storeFactoryChecks } from '../../../test-support/store-drivers/option-checks';
import { createStore, MongoSessionStore, type MongoStoreOptions } from '../src';

/**
 * `session.stores.mongo` is checked when the store is created, before anything connects: a bad
 * value stops the start with a TypeError naming the key.
 */
describe('session.stores.mongo options', () => {
  const { make, accept } = storeFactoryChecks((options) => createStore(options as MongoStoreOptions));
  const client = new MongoClient('mongodb://127.0.0.1:1');
  afterAll(() => client.close());

  refusesEach(make, [
    ['a number', 27017, /session\.stores\.mongo must be an object or a mongodb:\/\/ URL, got 27017/],
    ['an array', [], /session\.stores\.mongo must be an object or a mongodb:\/\/ URL, got an array/],
    ['an unknown key (a typo)', { ulr: 'mongodb://x' }, /^session\.stores\.mongo\.ulr is not a known key; did you mean url\?$/],
    ['an unknown key (not close to any)', { poolSize: 5 }, /session\.stores\.mongo\.poolSize is not a known key; the keys are url, client, db, dbName, collectionName/],
    ['a url of another scheme', { url: 'postgres://u:secret@h/db' }, /session\.stores\.mongo\.url must start with mongodb:\/\/ or mongodb\+srv:\/\/, got "postgres:\/\/u:\*\*\*@h\/db"/],
    ['a url that is not a string', { url: 27017 }, /session\.stores\.mongo\.url must start with mongodb:\/\//],
    ['an empty collectionName', { collectionName: '' }, /session\.stores\.mongo\.collectionName must be a non-empty string/],
    ['a collectionName with $', { collectionName: 'a$b' }, /collectionName must be a non-empty string without \$ or NUL/],
    ['a system collection', { collectionName: 'system.users' }, /not starting with "system\."/],
    ['a dbName with a dot', { dbName: 'a.b' }, /session\.stores\.mongo\.dbName must be a non-empty string without/],
    ['something that is not a MongoClient', { client: { get() {} } }, /session\.stores\.mongo\.client must be a MongoClient/],
    ['something that is not a Db', { db: 'mydb' }, /session\.stores\.mongo\.db must be a Db/],
    ['url together with client', { url: 'mongodb://a', client }, /session\.stores\.mongo\.url cannot be combined with session\.stores\.mongo\.client/],
    ['dbName together with db', { db: client.db('x'), dbName: 'y' }, /\.dbName cannot be combined with session\.stores\.mongo\.db/],
    ['timeouts with a client you own', { client, commandTimeoutMs: 5 }, /\.commandTimeoutMs cannot be combined with session\.stores\.mongo\.client/],
    ['a lease too short to renew', { lockLeaseMs: 10 }, /session\.stores\.mongo\.lockLeaseMs must be an integer from 100/],
    ['a zero retry pause', { lockRetryMs: 0 }, /session\.stores\.mongo\.lockRetryMs must be an integer from 1/],
    ['an infinite connect timeout', { connectTimeoutMs: Infinity }, /connectTimeoutMs must be an integer/],
    ['an outage retry too short to matter', { outageRetryMs: 0 }, /session\.stores\.mongo\.outageRetryMs must be an integer from 10 to 600000, got 0/],
    ['an outage retry that is not a number', { outageRetryMs: '2s' }, /session\.stores\.mongo\.outageRetryMs must be an integer from 10/],
    ['a logger without methods', { logger: {} }, /session\.stores\.mongo\.logger must have info\(\) and warn\(\)/],
  ]);

  it('says how to pass a MongoClient or Db given in place of the options', () => {
    expect(make(client)).toThrow('session.stores.mongo must be an options object: pass your MongoClient as { client: ... }');
    expect(make(client.db('x'))).toThrow('pass your Db as { db: ... }');
  });

  it('never shows a password from the url in its messages', () => {
    for (const url of ['mongodbx://user:hunter2@host', 'http://user:hunter2@host/x', 'redis://:hunter2@host']) {
      const error = (() => {
        try {
          make({ url })();
        } catch (e) {
          return e as Error;
        }
      })();
      expect(error?.message).toMatch(/:\*\*\*@host/);
      expect(error?.message).not.toContain('hunter2');
    }
  });

  it("accepts Bottender 1.x's { url, collectionName } and its URL string, and does not connect yet", () => {
    const store = accept({ url: 'mongodb://127.0.0.1:1/botdb', collectionName: 'convos' });
    expect(store).toBeInstanceOf(MongoSessionStore);
    expect(store.name).toBe('mongo');
    expect(store.db.databaseName).toBe('botdb');
    expect(store.sessions.collectionName).toBe('convos');
    const fromString = accept('mongodb://127.0.0.1:1');
    expect(fromString.db.databaseName).toBe('test'); // as 1.x: the URL's database, else `test`
    expect(fromString.sessions.collectionName).toBe('sessions');
  });

  it('accepts a client (with dbName), a db, null values, and no options at all', () => {
    expect(accept({ client, dbName: 'other' }).db.databaseName).toBe('other');
    const db = client.db('mine');
    expect(accept({ db }).db).toBe(db);
    expect(() => accept({ url: null, collectionName: null, lockLeaseMs: null })).not.toThrow();
    expect(() => accept({ client, outageRetryMs: 500 })).not.toThrow(); // the outage gate is the store's, whoever owns the client
    expect(accept(undefined).db.databaseName).toBe('test');
  });
});
