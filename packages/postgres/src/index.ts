/**
 * @bottender/postgres: the PostgreSQL session driver, for bots that keep everything in the
 * database they already run, on one process or many. See docs/drivers/postgres.md.
 */
import type { PostgresStoreOptions } from './options';
import { PostgresSessionStore } from './store';

export { PostgresSessionStore } from './store';
/** Thrown by a commit whose lease another event took over; the same class as `bottender`'s. */
export { LeaseLostError } from 'bottender';
export { createTableSql, escapeId, unescapeId, tableNames } from './schema';
export type { TableNames } from './schema';
export type { PostgresStoreOptions } from './options';

/**
 * The factory behind `session: { driver: 'postgres', stores: { postgres: options } }`: options are
 * a connection string, `pg` connection settings, or `{ pool }`, plus the driver's own (`table`,
 * `schema`, ...). Validates them now (a TypeError names the bad key) but connects only in
 * `init()`, which the server calls before it listens.
 */
export function createStore(options: PostgresStoreOptions | string = {}): PostgresSessionStore {
  return new PostgresSessionStore(options);
}
