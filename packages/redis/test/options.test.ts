import { Cluster, Redis } from 'ioredis';

import { refusesEach, storeFactoryChecks } from '../../../test-support/store-drivers/option-checks';
import { createStore, RedisSessionStore, type RedisStoreOptions } from '../src';

/**
 * `session.stores.redis` is checked when the store is created, before anything connects: a bad
 * value stops the start with a TypeError naming the key.
 */
describe('session.stores.redis options', () => {
  const { make, accept } = storeFactoryChecks((options) => createStore(options as RedisStoreOptions));

  refusesEach(make, [
    ['a non-object', 'redis://x', /session\.stores\.redis must be an object, got "redis:\/\/x"/],
    ['an array', [], /session\.stores\.redis must be an object, got an empty array/],
    ['an unknown key (a typo)', { hots: 'x' }, /^session\.stores\.redis\.hots is not a known key; did you mean host\?$/],
    ['a port out of range', { port: 70_000 }, /session\.stores\.redis\.port must be an integer from 1 to 65535, got 70000/],
    ['a port as a string', { port: '6379' }, /session\.stores\.redis\.port must be an integer/],
    ['a negative db', { db: -1 }, /session\.stores\.redis\.db must be an integer from 0/],
    ['a fractional db', { db: 1.5 }, /session\.stores\.redis\.db must be an integer/],
    ['an empty host', { host: '' }, /session\.stores\.redis\.host must be a non-empty string/],
    ['a numeric password', { password: 1234 }, /session\.stores\.redis\.password must be a string, got 1234/],
    ['a url of another scheme', { url: 'http://u:secret@h' }, /session\.stores\.redis\.url must start with redis:\/\/ or rediss:\/\//],
    ['an empty node list', { nodes: [] }, /session\.stores\.redis\.nodes must be a non-empty list/],
    ['a bad node', { nodes: [{ host: 'a', port: 1 }, true] }, /session\.stores\.redis\.nodes\[1\] must be/],
    ['something that is not an ioredis client', { client: { get() {} } }, /session\.stores\.redis\.client must be an ioredis/],
    ['url together with host', { url: 'redis://a', host: 'b' }, /session\.stores\.redis\.host cannot be combined with session\.stores\.redis\.url/],
    ['nodes together with port', { nodes: ['a:1'], port: 1 }, /\.port cannot be combined with session\.stores\.redis\.nodes/],
    ['nodes together with db', { nodes: ['a:1'], db: 2 }, /\.db cannot be combined with .*nodes \(a Redis Cluster has only database 0\)/],
    ['an empty keyPrefix', { keyPrefix: '' }, /session\.stores\.redis\.keyPrefix must be a non-empty string without \{ or \}/],
    ['a keyPrefix with a hash tag', { keyPrefix: 'app{1}:' }, /keyPrefix must be a non-empty string without \{ or \}, got "app\{1\}:"/],
    ['a lease too short to renew', { lockLeaseMs: 10 }, /session\.stores\.redis\.lockLeaseMs must be an integer from 100/],
    ['a zero retry pause', { lockRetryMs: 0 }, /session\.stores\.redis\.lockRetryMs must be an integer from 1/],
    ['an infinite connect timeout', { connectTimeoutMs: Infinity }, /connectTimeoutMs must be an integer/],
    ['a logger without methods', { logger: {} }, /session\.stores\.redis\.logger must have info\(\) and warn\(\)/],
  ]);

  it('never shows a password from the url in its messages', () => {
    expect(make({ url: 'http://user:hunter2@host' })).toThrow(/got "http:\/\/user:\*\*\*@host"/);
  });

  it('refuses a client combined with connection options, and one using ioredis keyPrefix', () => {
    const client = new Redis({ lazyConnect: true });
    const prefixed = new Redis({ lazyConnect: true, keyPrefix: 'x:' });
    try {
      expect(make({ client, host: 'h' })).toThrow(/\.host cannot be combined with session\.stores\.redis\.client/);
      expect(make({ client: prefixed })).toThrow(/uses ioredis's keyPrefix option; leave it unset/);
    } finally {
      client.disconnect();
      prefixed.disconnect();
    }
  });

  it("accepts Bottender 1.x's { host, port, password, db } and does not connect yet", () => {
    const store = accept({ host: '127.0.0.1', port: 1, password: 'p', db: 3 });
    expect(store).toBeInstanceOf(RedisSessionStore);
    expect(store.name).toBe('redis');
    expect(store.client.status).toBe('wait');
  });

  it('accepts a url with password and db overrides, nodes, null values, and no options at all', () => {
    expect(accept({ url: 'redis://127.0.0.1:1/2', password: 'p', db: 1 }).client.status).toBe('wait');
    expect(accept({ nodes: ['127.0.0.1:1', 2, { host: '127.0.0.1', port: 3 }] }).client).toBeInstanceOf(Cluster);
    expect(() => accept({ host: null, port: null, db: null, keyPrefix: null })).not.toThrow();
    expect(() => accept(undefined)).not.toThrow();
  });
});
