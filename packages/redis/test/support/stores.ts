import { silentLogger } from 'bottender';
import { Redis } from 'ioredis';

import { RedisSessionStore, type RedisStoreOptions } from '../../src';
import { redisTest, startRedisOrSkip, type TestRedis } from './redis-server';

export { collect, record } from '../../../../test-support/store-drivers/records';

let prefixes = 0;

/** A key prefix no other test in this process uses, so tests never need to empty the database. */
export function uniquePrefix(label = 't'): string {
  return `bottender-test:${process.pid}:${label}:${++prefixes}:`;
}

/**
 * Creates stores and raw clients against one Redis and closes all of them in `closeAll`, so a
 * failing test cannot leave connections that keep Jest running.
 */
export class StoreFactory {
  readonly #stores: RedisSessionStore[] = [];
  readonly #clients: Redis[] = [];

  constructor(private readonly redis: TestRedis) {}

  /** A store with its own prefix (unless given) and short lock timings suited to tests. */
  store(options: RedisStoreOptions = {}): RedisSessionStore {
    const store = new RedisSessionStore({
      url: options.client || options.host || options.nodes ? undefined : this.redis.url,
      keyPrefix: uniquePrefix(),
      lockLeaseMs: 2_000,
      lockRetryMs: 5,
      logger: silentLogger, // tests that check the reports pass their own
      ...options,
    });
    this.#stores.push(store);
    return store;
  }

  /** A plain ioredis client for looking at (or damaging) what the store wrote. */
  client(): Redis {
    const client = new Redis(this.redis.url, { lazyConnect: true, maxRetriesPerRequest: 1 });
    client.on('error', () => {});
    this.#clients.push(client);
    return client;
  }

  async closeAll(): Promise<void> {
    await Promise.all(this.#stores.splice(0).map((store) => store.close().catch(() => {})));
    for (const client of this.#clients.splice(0)) client.disconnect();
  }
}


/**
 * Sets up one test file against a private redis-server: starts it before the file's tests,
 * closes every store after each test, and stops it after the file. `withRedis` defines a test,
 * or, when no Redis can be had, a skipped one (Jest reports it skipped, after a loud notice;
 * in CI the file fails instead, see {@link redisTest}).
 */
export function useRedisSuite(label: string): {
  stores: Pick<StoreFactory, 'store' | 'client'>;
  withRedis: (name: string, body: () => Promise<void>) => void;
} {
  const it = redisTest(label);
  let redis: TestRedis | undefined;
  let factory: StoreFactory | undefined;
  beforeAll(async () => {
    redis = await startRedisOrSkip(label);
    if (redis) factory = new StoreFactory(redis);
  });
  afterEach(() => factory?.closeAll());
  afterAll(() => redis?.dispose());
  return {
    stores: {
      store: (options) => factory!.store(options),
      client: () => factory!.client(),
    },
    withRedis: (name, body) => it(name, body),
  };
}
