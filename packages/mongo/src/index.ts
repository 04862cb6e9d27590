/**
 * @bottender/mongo: the MongoDB session driver, for bots that run as many processes sharing one
 * MongoDB (a standalone server, a replica set or a sharded cluster). See docs/drivers/mongo.md.
 */
import type { MongoStoreOptions } from './options';
import { MongoSessionStore } from './store';

export { MongoSessionStore } from './store';
/** The write was refused because the lock's lease ran out and another process may hold the session (bottender's own class). */
export { LeaseLostError } from 'bottender/store';
export { escapeSessionId } from './keys';
export type { SessionDocument } from './documents';
export type { HeldDocument } from './held-events';
export type { MongoStoreOptions } from './options';

/**
 * The factory behind `session: { driver: 'mongo', stores: { mongo: options } }`. Takes Bottender
 * 1.x's `{ url, collectionName }` (or a URL string, as 1.x's MongoSessionStore did), or
 * `{ client }` / `{ db }` to use a connection you own. Validates the options now (a TypeError
 * names the bad key) but connects only in `init()`, which the server calls before it listens.
 */
export function createStore(options: MongoStoreOptions | string = {}): MongoSessionStore {
  return new MongoSessionStore(options);
}
