/**
 * @bottender/redis: the Redis session driver, for bots that run as many processes sharing one
 * Redis (or Redis Cluster). See docs/drivers/redis.md.
 */
import type { RedisStoreOptions } from './options';
import { RedisSessionStore } from './store';

export { RedisSessionStore } from './store';
/** Kept here too for code that imported it from the driver; it is bottender/store's class. */
export { LeaseLostError } from 'bottender/store';
export { escapeSessionId, sessionKeys } from './keys';
export type { SessionKeys } from './keys';
export type { RedisStoreOptions } from './options';

/**
 * The factory behind `session: { driver: 'redis', stores: { redis: options } }`. Validates the
 * options now (a TypeError names the bad key) but connects only in `init()`, which the server
 * calls before it listens.
 */
export function createStore(options: RedisStoreOptions = {}): RedisSessionStore {
  return new RedisSessionStore(options);
}
