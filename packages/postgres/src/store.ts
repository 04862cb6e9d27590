import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';

import { consoleLogger } from 'bottender';
import {
  type BeginOptions,
  type HeldEvent,
  type HeldEventStore,
  platformOf,
  SessionBusyError,
  type SessionRecord,
  type SessionStore,
  SessionStoreError,
  type SessionTransaction,
  VersionConflictError,
  type WriteOptions,
} from 'bottender/store';
import type { Pool, QueryResult } from 'pg';

import { PostgresHealth } from './connection';
import { createPool, describeTarget, normalizeOptions, type PostgresStoreOptions, type ResolvedOptions, resolveOptions } from './options';
import { type HeldRow, holdValues, rowToHeld, rowToRecord, type SessionRow, writeValues } from './records';
import { escapeId, type TableNames, tableNames, unescapeId } from './schema';
import { prepareTables } from './setup';
import { type Statement, type Statements, statements } from './statements';
import { Sweeper } from './sweeper';
import { LeaseKeeper, PostgresTransaction } from './transaction';

/** Longest pause between two attempts to take a leased session. */
const MAX_LOCK_RETRY_MS = 200;
/** Rows per page of `list()` and `heldEvents()`. */
const PAGE_SIZE = 500;

/**
 * Sessions in one PostgreSQL table, shared by any number of bot processes.
 *
 * One row per session: the state as `jsonb`, its version, last activity, expiry, and the lease of
 * the event being handled. `begin` takes the lease and reads the row in one statement; `commit`
 * checks that the lease is still this event's and the version still the one read, writes, and
 * ends the lease in another. So an event costs two round trips, no transaction is held open while
 * the handler runs, two processes never handle one session at once, and a write that lost its
 * lease or its version is refused instead of silently applied.
 */
export class PostgresSessionStore implements SessionStore, HeldEventStore {
  readonly name = 'postgres';
  /** The `pg` pool; yours if you passed `pool`, otherwise the store's. */
  readonly pool: Pool;
  /** The quoted names of the store's tables. */
  readonly tables: TableNames;
  readonly #options: ResolvedOptions;
  readonly #owned: boolean;
  readonly #target: string;
  readonly #statements: Statements;
  readonly #leases: LeaseKeeper;
  readonly #health: PostgresHealth;
  readonly #sweeper: Sweeper;
  #ready: Promise<void> | undefined;
  #closed = false;

  /** Checks the options (throwing a TypeError that names a bad key) and prepares, without connecting. */
  constructor(options: PostgresStoreOptions | string = {}) {
    const given = normalizeOptions(options);
    this.#options = resolveOptions(given);
    this.tables = tableNames(this.#options.table, this.#options.schema);
    this.#statements = statements(this.tables);
    this.#target = describeTarget(given);
    this.#owned = given.pool == null;
    this.pool = given.pool ?? createPool(given, this.#options);
    this.#health = new PostgresHealth(this.pool, this.#target, this.#options.logger ?? consoleLogger, this.#options.outageRetryMs, () => this.#closed);
    this.#leases = new LeaseKeeper(this.#options.lockLeaseMs, (ids, tokens) => this.#renew(ids, tokens));
    this.#sweeper = new Sweeper(this.#options.sweepIntervalMs, () => this.sweepExpired());
  }

  /**
   * Connects, creates the tables if they are missing (unless `createTable: false`, which only
   * checks them), and starts the expiry sweep. Fails with `cannot connect to PostgreSQL at <where>:
   * <why>` when the database cannot be reached, so a misconfigured bot stops at start instead of
   * answering 503 to every event.
   */
  init(): Promise<void> {
    if (this.#closed) return Promise.reject(new SessionStoreError('the postgres session store is closed'));
    this.#ready ??= this.#connect().catch((error) => {
      this.#ready = undefined;
      throw error;
    });
    return this.#ready;
  }

  /** The live record (one SELECT), or undefined; an expired session reads as absent. */
  async read(id: string): Promise<SessionRecord | undefined> {
    const key = this.#key(id);
    await this.init();
    const { rows } = await this.#run(this.#statements.read, [key], id, 'read');
    return rows.length === 0 ? undefined : rowToRecord(rows[0] as SessionRow, id);
  }

  /**
   * Stores `record` only if the stored version still equals `expectedVersion` (0: absent or
   * expired), in one statement, so no other writer can slip in between. Throws
   * VersionConflictError otherwise. Does not take the lease: `begin` is for handling events.
   */
  async write(record: SessionRecord, { expectedVersion, ttlMs }: WriteOptions): Promise<void> {
    const values = writeValues(record, ttlMs);
    if (!Number.isSafeInteger(expectedVersion) || expectedVersion < 0) {
      throw new TypeError(`expectedVersion must be a non-negative integer, got ${String(expectedVersion)}`);
    }
    const key = escapeId(record.id);
    await this.init();
    const result =
      expectedVersion === 0
        ? await this.#run(this.#statements.create, [key, ...values], record.id, 'write')
        : await this.#run(this.#statements.update, [key, ...values, expectedVersion], record.id, 'write');
    if (result.rowCount === 1) return;
    const { rows } = await this.#run(this.#statements.inspect, [key, null], record.id, 'write');
    throw new VersionConflictError(record.id, expectedVersion, rows.length === 0 ? 0 : Number(rows[0].version));
  }

  /** Removes the session's row. An event holding its lease then has its commit refused. */
  async delete(id: string): Promise<void> {
    const key = this.#key(id);
    await this.init();
    await this.#run(this.#statements.delete, [key], id, 'delete');
  }

  /** Every live session, in pages of 500 rows by id (keyset paging: no OFFSET, no long transaction). */
  async *list(): AsyncIterable<SessionRecord> {
    await this.init();
    let last: string | undefined;
    for (;;) {
      const { rows } =
        last === undefined
          ? await this.#run(this.#statements.listFirst, [PAGE_SIZE], undefined, 'list')
          : await this.#run(this.#statements.listNext, [PAGE_SIZE, last], undefined, 'list');
      for (const row of rows as (SessionRow & { id: string })[]) {
        const record = rowToRecord(row, unescapeId(row.id));
        if (record) yield record;
      }
      if (rows.length < PAGE_SIZE) return;
      last = rows[rows.length - 1].id as string;
    }
  }

  /**
   * Takes the session's lease and reads its row in one round trip. While another event holds the
   * lease, asks again after a pause that doubles from `lockRetryMs` up to 200 ms, until `timeoutMs`
   * has passed or `signal` aborts: then throws {@link SessionBusyError}, which the runtime answers
   * with 503 so the platform redelivers later.
   */
  async begin(id: string, { timeoutMs = Infinity, signal }: BeginOptions = {}): Promise<SessionTransaction> {
    const started = Date.now();
    const deadline = started + timeoutMs;
    const key = this.#key(id);
    if (signal?.aborted || timeoutMs <= 0) throw new SessionBusyError(id, 0);
    await this.init();
    const token = randomUUID();
    const values = [key, escapeId(platformOf(id)), token, this.#options.lockLeaseMs];
    const maxPause = Math.max(this.#options.lockRetryMs, MAX_LOCK_RETRY_MS);
    for (let pause = this.#options.lockRetryMs; ; pause = Math.min(pause * 2, maxPause)) {
      let result: QueryResult;
      try {
        result = await this.#run(this.#statements.begin, values, id, 'lease and read');
      } catch (error) {
        // The statement may have taken the lease before the connection broke: give it back, so a
        // lease taken for nobody does not block the session until it runs out.
        this.#releaseQuietly(id, key, token);
        throw error;
      }
      if (result.rows.length === 1) return this.#open(id, key, token, result.rows[0] as SessionRow);
      const left = deadline - Date.now();
      if (left <= 0) throw new SessionBusyError(id, Date.now() - started);
      // Jitter keeps processes that wait for the same session from asking in lockstep.
      const jittered = Math.round(pause * (0.5 + Math.random() / 2));
      try {
        // The last pause ends at the deadline, so one more try happens just before giving up.
        await sleep(Math.max(1, Math.min(jittered, left)), undefined, { signal });
      } catch {
        throw new SessionBusyError(id, Date.now() - started);
      }
    }
  }

  /** Keeps `event` until {@link releaseHeldEvents}: a deadline acknowledgement survives a crash. */
  async holdEvent(event: HeldEvent): Promise<void> {
    const values = holdValues(event);
    await this.init();
    await this.#run(this.#statements.hold, values, event.sessionId, 'hold event');
  }

  /** Held events of one session (oldest first), or of every session (by session, then age). */
  async *heldEvents(sessionId?: string): AsyncIterable<HeldEvent> {
    await this.init();
    if (sessionId !== undefined) {
      const { rows } = await this.#run(this.#statements.heldOf, [this.#key(sessionId)], sessionId, 'list held events');
      for (const row of rows as HeldRow[]) yield rowToHeld(row);
      return;
    }
    let after: [string | null, number | null, string | null] = [null, null, null];
    for (;;) {
      const { rows } = await this.#run(this.#statements.heldAll, [PAGE_SIZE, ...after], undefined, 'list held events');
      for (const row of rows as HeldRow[]) yield rowToHeld(row);
      if (rows.length < PAGE_SIZE) return;
      const last = rows[rows.length - 1] as HeldRow;
      after = [last.session_id, last.held_at, last.event_id];
    }
  }

  /** Forgets held events of a session once committed; absent ones are not an error. */
  async releaseHeldEvents(sessionId: string, eventIds: readonly string[]): Promise<void> {
    const key = this.#key(sessionId);
    if (!Array.isArray(eventIds) || !eventIds.every((e) => typeof e === 'string')) throw new TypeError('eventIds must be a list of strings');
    if (eventIds.length === 0) return;
    await this.init();
    await this.#run(this.#statements.unhold, [key, eventIds.map(escapeId)], sessionId, 'release held events');
  }

  /**
   * Deletes expired sessions (and placeholders no event holds), at most `sweepBatchSize` rows per
   * statement and 10 statements per call; returns how many. The periodic sweep calls it; tools may
   * too. Reads never depend on it: expiry is enforced on read.
   */
  async sweepExpired(): Promise<number> {
    await this.init();
    let total = 0;
    for (let batch = 0; batch < 10; batch++) {
      const { rowCount } = await this.#run(this.#statements.sweep, [this.#options.sweepBatchSize], undefined, 'sweep');
      total += rowCount ?? 0;
      if ((rowCount ?? 0) < this.#options.sweepBatchSize || this.#closed) break;
    }
    return total;
  }

  /** Stops the sweep and lease renewals, and ends the pool if the store created it. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#leases.stop();
    await this.#sweeper.stop();
    this.#health.detach(this.#owned);
    if (this.#owned) await this.pool.end().catch(() => {});
  }

  async #connect(): Promise<void> {
    try {
      await this.pool.query('SELECT 1');
    } catch (error) {
      throw new SessionStoreError(`cannot connect to PostgreSQL at ${this.#target}: ${(error as Error)?.message ?? error}`, undefined, {
        cause: error,
      });
    }
    await prepareTables(this.pool, this.tables, this.#options.createTable);
    if (!this.#closed) this.#sweeper.start();
  }

  async #open(id: string, key: string, token: string, row: SessionRow): Promise<SessionTransaction> {
    let record: SessionRecord | undefined;
    try {
      record = rowToRecord(row, id);
    } catch (error) {
      // The lease is ours: give it back before reporting the damaged row.
      await this.#run(this.#statements.release, [key, token], id, 'release', false).catch(() => {});
      throw error;
    }
    return new PostgresTransaction(record, id, key, token, {
      statements: this.#statements,
      leaseMs: this.#options.lockLeaseMs,
      leases: this.#leases,
      run: (statement, values, sessionId, what, guarded) => this.#run(statement, values, sessionId, what, guarded),
      writeValues,
    });
  }

  #releaseQuietly(id: string, key: string, token: string): void {
    this.#run(this.#statements.release, [key, token], id, 'release', false).catch(() => {});
  }

  async #renew(ids: string[], tokens: string[]): Promise<Set<string>> {
    const { rows } = await this.#run(this.#statements.renew, [this.#options.lockLeaseMs, ids, tokens], undefined, 'renew leases', false);
    return new Set(rows.map((row: { owner: string }) => row.owner));
  }

  /**
   * Runs one prepared statement; every failure becomes a SessionStoreError naming the session (a
   * StoreUnavailableError when the database is down). While it is known down, a `guarded`
   * statement is refused at once, without waiting for a connection that will not come.
   */
  async #run(statement: Statement, values: unknown[], id: string | undefined, what: string, guarded = true): Promise<QueryResult> {
    if (guarded) this.#health.guard(id);
    try {
      const result = await this.pool.query({ name: statement.name, text: statement.text, values });
      this.#health.ok();
      return result;
    } catch (error) {
      const about = id === undefined ? '' : ` for session ${JSON.stringify(id)}`;
      throw (
        this.#health.outage(error, id, what) ??
        new SessionStoreError(`postgres ${what}${about} failed: ${(error as Error)?.message ?? String(error)}`, id, { cause: error })
      );
    }
  }

  #key(id: string): string {
    if (typeof id !== 'string') throw new TypeError(`a session id must be a string, got ${typeof id}`);
    return escapeId(id);
  }
}
