import { createStore as createStoreFromConfig, validateConfig } from 'bottender';

import * as mongoPackage from '../src';
import { MongoSessionStore } from '../src';

/**
 * `session.driver: 'mongo'` from a config file: `session.stores.mongo` may be Bottender 1.x's
 * `{ url, collectionName }` or the URL alone, and the config loader builds this package's store
 * from it, checked, without connecting.
 */
describe("session.driver 'mongo' in bottender.config", () => {
  const config = (mongo: unknown) => ({ session: { driver: 'mongo', stores: { mongo } } });
  const loaded = (mongo: unknown) =>
    ({
      config: config(mongo),
      label: 'bottender.config.js',
      cwd: __dirname,
      modules: { requirePackage: async () => mongoPackage },
    }) as unknown as Parameters<typeof createStoreFromConfig>[0];

  it("accepts 1.x's object, a URL, or nothing", () => {
    expect(() => validateConfig(config({ url: 'mongodb://db:27017/bot', collectionName: 'sessions' }), 'bottender.config.js')).not.toThrow();
    expect(() => validateConfig(config('mongodb://db:27017/bot'), 'bottender.config.js')).not.toThrow();
    expect(() => validateConfig({ session: { driver: 'mongo' } }, 'bottender.config.js')).not.toThrow();
  });

  it('is built by the config loader from either shape, without connecting', async () => {
    const fromObject = (await createStoreFromConfig(loaded({ url: 'mongodb://127.0.0.1:1/bot', collectionName: 'convos' }))) as MongoSessionStore;
    const fromString = (await createStoreFromConfig(loaded('mongodb://127.0.0.1:1'))) as MongoSessionStore;
    const byDefault = (await createStoreFromConfig(loaded(undefined))) as MongoSessionStore;
    try {
      expect(fromObject).toBeInstanceOf(MongoSessionStore);
      expect([fromObject.db.databaseName, fromObject.sessions.collectionName]).toEqual(['bot', 'convos']);
      expect([fromString.db.databaseName, fromString.sessions.collectionName]).toEqual(['test', 'sessions']);
      expect(byDefault.name).toBe('mongo');
    } finally {
      await Promise.all([fromObject.close(), fromString.close(), byDefault.close()]);
    }
  });

  it("reports the driver's refusal in one line naming the key, never a password", async () => {
    await expect(createStoreFromConfig(loaded({ ulr: 'mongodb://x' }))).rejects.toThrow(
      'bottender.config.js: session.stores.mongo.ulr is not a known key; did you mean url?',
    );
    await expect(createStoreFromConfig(loaded({ url: 'mysql://bot:hunter2@db/x' }))).rejects.toThrow(
      'bottender.config.js: session.stores.mongo.url must start with mongodb:// or mongodb+srv://, got "mysql://bot:***@db/x"',
    );
  });
});
