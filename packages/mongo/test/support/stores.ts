import { silentLogger } from 'bottender';
import { type Db, MongoClient } from 'mongodb';

import { MongoSessionStore, type MongoStoreOptions } from '../../src';
import { mongoAvailability, realMongo, startTestServer, type TestMongo } from './mongo-server';

export { collect, record } from '../../../../test-support/store-drivers/records';

let databases = 0;

/** A database name no other test in this run uses, so tests never need to empty one. */
export function uniqueDbName(label = 't'): string {
  return `bt_${process.pid}_${label}_${++databases}`.slice(0, 60);
}

/**
 * Creates stores and raw clients against one server and closes all of them in `closeAll` (dropping
 * the databases they used on a real MongoDB), so a failing test cannot leave connections that keep
 * Jest running.
 */
export class StoreFactory {
  readonly #stores: MongoSessionStore[] = [];
  readonly #clients: MongoClient[] = [];
  readonly #dbNames = new Set<string>();

  constructor(readonly mongo: TestMongo) {}

  /** A store in its own database (unless given) with short lock timings suited to tests. */
  store(options: MongoStoreOptions = {}): MongoSessionStore {
    const dbName = options.db ? undefined : (options.dbName ?? uniqueDbName());
    if (dbName) this.#dbNames.add(dbName);
    const store = new MongoSessionStore({
      url: options.client || options.db ? undefined : this.mongo.url,
      dbName,
      lockLeaseMs: 2_000,
      lockRetryMs: 5,
      logger: silentLogger, // tests that check the reports pass their own
      ...options,
    });
    this.#stores.push(store);
    return store;
  }

  /** A plain client for looking at (or damaging) what the store wrote. */
  client(options: ConstructorParameters<typeof MongoClient>[1] = {}): MongoClient {
    const client = new MongoClient(this.mongo.url, { serverSelectionTimeoutMS: 5_000, ...options });
    this.#clients.push(client);
    return client;
  }

  /** The raw database of a store. */
  rawDb(store: MongoSessionStore): Db {
    return this.client().db(store.db.databaseName);
  }

  async closeAll(): Promise<void> {
    await Promise.all(this.#stores.splice(0).map((store) => store.close().catch(() => {})));
    if (!this.mongo.controllable && this.#dbNames.size > 0) {
      const admin = new MongoClient(this.mongo.url);
      try {
        for (const name of this.#dbNames) await admin.db(name).dropDatabase();
      } finally {
        await admin.close();
      }
    }
    this.#dbNames.clear();
    await Promise.all(this.#clients.splice(0).map((client) => client.close().catch(() => {})));
  }
}


/**
 * The servers a test file runs its suite against, decided synchronously: the test server when it
 * is installed, and the real MongoDB at MONGO_URL when set. In CI a missing test server fails (see
 * {@link mongoAvailability}); outside CI the list may be empty, and the file then defines one
 * test that says the suite did not run.
 */
export function mongoBackends(suite: string): string[] {
  const { testServer, url } = mongoAvailability(suite);
  return [...(testServer ? ['test server'] : []), ...(url ? ['MONGO_URL'] : [])];
}

/** A skipped test that says a file's suite did not run (no MongoDB of either kind; the warning above says why). */
export function notRun(suite: string): void {
  test.skip(`${suite} (NOT RUN: no MongoDB test server and no MONGO_URL)`, () => {});
}

/**
 * Sets up one describe block against one backend: starts the server before its tests (the test
 * server in its own process, or MONGO_URL), closes every store after each test, and stops the
 * server after the block. `withMongo` defines a test; `controllable` ones need a server the tests
 * can take down, and are skipped against MONGO_URL.
 */
export function useMongoSuite(backend: string): {
  stores: Pick<StoreFactory, 'store' | 'client' | 'rawDb'>;
  mongo: () => TestMongo;
  withMongo: (name: string, body: () => Promise<void>, options?: { controllable?: boolean }) => void;
} {
  let mongo: TestMongo | undefined;
  let factory: StoreFactory | undefined;
  beforeAll(async () => {
    mongo = backend === 'MONGO_URL' ? realMongo(process.env.MONGO_URL!) : await startTestServer();
    factory = new StoreFactory(mongo);
  });
  afterEach(() => factory?.closeAll());
  afterAll(() => mongo?.dispose());
  return {
    stores: {
      store: (options) => factory!.store(options),
      client: (options) => factory!.client(options),
      rawDb: (store) => factory!.rawDb(store),
    },
    mongo: () => mongo!,
    // A test that needs to control the server is skipped against MONGO_URL, which the tests cannot stop.
    withMongo: (name, body, options = {}) => (options.controllable && backend === 'MONGO_URL' ? test.skip : test)(name, body),
  };
}
