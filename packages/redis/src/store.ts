import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';

import {
  type BeginOptions,
  checkRecord,
  consoleLogger,
  parseRecord,
  SessionBusyError,
  type SessionRecord,
  type SessionStore,
  SessionStoreError,
  type SessionTransaction,
  serializeRecord,
  VersionConflictError,
  type WriteOptions,
} from 'bottender/store';
import type { HeldEvent, HeldEventStore } from 'bottender/store';
import { Cluster, type Redis } from 'ioredis';

import { waitUntilReady } from './connection';
import { HeldEvents } from './held';
import { RedisHealth } from './health';
import { recordPattern, type SessionKeys, sessionKeys } from './keys';
import { OneXSessionKeys } from './one-x';
import { createClient, describeTarget, type RedisStoreOptions, type ResolvedOptions, resolveOptions } from './options';
import { type ScriptCommands, type ScriptReply, SCRIPTS } from './scripts';
import { LeaseKeeper, RedisTransaction } from './transaction';

/** Longest pause between two attempts to take a busy lock. */
const MAX_LOCK_RETRY_MS = 200;
/** Keys asked for per SCAN step, and fetched per pipelined batch, by `list()`. */
const SCAN_COUNT = 200;

/**
 * Sessions in Redis, shared by any number of bot processes.
 *
 * Each session is one hash key (the record as JSON plus its version) whose TTL is the session's
 * `expiresIn`, renewed by every handled event. `begin` takes a per-session lock with a lease and
 * reads the record in one script call; `commit` checks that the lock is still ours and that the
 * version is still the one read, writes, and unlocks in another. So per event there is one round
 * trip to read and one to write, two processes never handle one session at once, and a write
 * that lost its lock or its version is refused instead of silently applied.
 */
export class RedisSessionStore implements SessionStore, HeldEventStore {
  readonly name = 'redis';
  /** The ioredis connection; yours if you passed `client`, otherwise the store's. */
  readonly client: Redis | Cluster;
  readonly #options: ResolvedOptions;
  readonly #owned: boolean;
  readonly #target: string;
  readonly #scripts: ScriptCommands;
  readonly #leases: LeaseKeeper;
  readonly #held: HeldEvents;
  readonly #health: RedisHealth;
  /** Sessions Bottender 1.x left in the database, carried over on first access (see {@link OneXSessionKeys}). */
  readonly #oneX: OneXSessionKeys;
  #ready: Promise<void> | undefined;
  #closed = false;

  /** Checks the options (throwing a TypeError that names a bad key) and prepares, without connecting. */
  constructor(options: RedisStoreOptions = {}) {
    this.#options = resolveOptions(options);
    this.#leases = new LeaseKeeper(this.#options.lockLeaseMs);
    this.#target = describeTarget(options);
    this.#owned = options.client == null;
    this.client = options.client ?? createClient(options, this.#options);
    for (const [name, definition] of Object.entries(SCRIPTS)) this.client.defineCommand(name, definition);
    this.#scripts = this.client as unknown as ScriptCommands;
    this.#held = new HeldEvents({
      client: this.client,
      keyPrefix: this.#options.keyPrefix,
      fail: (error, id, what) => this.#fail(error, id, what),
    });
    this.#health = new RedisHealth(
      this.client,
      this.#target,
      this.#options.keyPrefix,
      this.#options.logger ?? consoleLogger,
      this.#options.outageRetryMs,
    );
    if (this.#owned) this.#health.watch(() => this.#closed);
    this.#oneX = new OneXSessionKeys(
      this.client,
      (error, id, what) => this.#fail(error, id, what),
      this.#options.logger ?? consoleLogger,
      // Only a prefix the user gave: 1.x's config passed it to ioredis, which put it before its keys.
      options.keyPrefix == null ? undefined : this.#options.keyPrefix,
    );
  }

  /** Whether Bottender 1.x session keys were found at start, so sessions without a record look for one. */
  get readsOneXSessions(): boolean {
    return this.#oneX.present;
  }

  /**
   * Connects (once). Fails with `cannot connect to Redis at <where>: <why>` when Redis cannot be
   * reached, so a misconfigured bot stops at start instead of answering 503 to every event.
   */
  init(): Promise<void> {
    if (this.#closed) return Promise.reject(new SessionStoreError('the redis session store is closed'));
    this.#ready ??= this.#connect().catch((error) => {
      this.#ready = undefined;
      throw error;
    });
    return this.#ready;
  }

  /**
   * The stored record (one `HGETALL`), or undefined. A key holding anything but a well-formed
   * record of this session throws a SessionStoreError: it is never taken for an absent session.
   */
  async read(id: string): Promise<SessionRecord | undefined> {
    await this.init();
    const { data } = this.#keys(id);
    this.#health.guard(id);
    let fields: Record<string, string>;
    try {
      fields = await this.client.hgetall(data);
    } catch (error) {
      throw this.#fail(error, id, 'read');
    }
    this.#health.ok(id);
    if (Object.keys(fields).length === 0) return this.#oneX.read(id);
    return toRecord(fields.r, fields.v, id);
  }

  /**
   * Stores `record` only if the stored version still equals `expectedVersion` (0: absent); the
   * compare and the write are one script, so no other writer can slip in between. Throws
   * VersionConflictError otherwise. Does not take the lock: `begin` is for handling events.
   */
  async write(record: SessionRecord, { expectedVersion, ttlMs }: WriteOptions): Promise<void> {
    const ttl = prepareWrite(record, ttlMs);
    if (!Number.isSafeInteger(expectedVersion) || expectedVersion < 0) {
      throw new TypeError(`expectedVersion must be a non-negative integer, got ${String(expectedVersion)}`);
    }
    await this.init();
    const { data } = this.#keys(record.id);
    this.#health.guard(record.id);
    let reply: ScriptReply;
    try {
      reply = await this.#scripts.bottenderSessionWrite(data, expectedVersion, record.version, serializeRecord(record), ttl);
    } catch (error) {
      throw this.#fail(error, record.id, 'write');
    }
    this.#health.ok(record.id);
    const [outcome, detail] = reply;
    if (outcome === 'conflict') throw new VersionConflictError(record.id, expectedVersion, Number(detail));
    if (outcome !== 'ok') throw notARecord(record.id, String(detail), 'write refused');
    if (expectedVersion === 0) await this.#oneX.forget(record.id); // replaced a 1.x session, if any
  }

  /** Removes the session's record. An event holding its lock then fails its fenced write. */
  async delete(id: string): Promise<void> {
    await this.init();
    const { data } = this.#keys(id);
    this.#health.guard(id);
    try {
      await this.client.del(data);
    } catch (error) {
      throw this.#fail(error, id, 'delete');
    }
    this.#health.ok(id);
    await this.#oneX.forget(id); // or a 1.x copy would come back
  }

  /**
   * Every stored session, found with `SCAN` over this store's prefix only (on every master of a
   * cluster); never `KEYS`, which would stall a busy Redis. Each record names its own session id.
   */
  async *list(): AsyncIterable<SessionRecord> {
    await this.init();
    const pattern = recordPattern(this.#options.keyPrefix);
    const nodes = this.client instanceof Cluster ? this.client.nodes('master') : [this.client];
    const seen = new Set<string>(); // SCAN may return a key more than once.
    for (const node of nodes) {
      let cursor = '0';
      do {
        let keys: string[];
        let replies: [Error | null, unknown][];
        try {
          [cursor, keys] = await node.scan(cursor, 'MATCH', pattern, 'COUNT', SCAN_COUNT);
          keys = keys.filter((key) => !seen.has(key));
          const batch = node.pipeline();
          for (const key of keys) batch.hgetall(key);
          replies = keys.length === 0 ? [] : ((await batch.exec()) ?? []);
        } catch (error) {
          throw this.#fail(error, undefined, 'list');
        }
        for (let i = 0; i < keys.length; i++) {
          seen.add(keys[i]);
          const [error, fields] = replies[i] ?? [new Error('no reply'), undefined];
          if (error) throw this.#fail(error, undefined, `list (key ${JSON.stringify(keys[i])})`);
          const record = this.#recordAt(keys[i], fields as Record<string, string>);
          if (record) yield record;
        }
      } while (cursor !== '0');
    }
    // Sessions 1.x left that were not carried over yet.
    yield* this.#oneX.list(async (id) => (await this.client.exists(this.#keys(id).data)) === 1);
  }

  /**
   * Takes the session's lock and reads its record in one round trip. While another process holds
   * the lock, asks again after a pause that doubles from `lockRetryMs` up to 200 ms (never past the
   * lease's remaining time), until `timeoutMs` has passed or `signal` aborts: then throws {@link SessionBusyError}, which the
   * runtime answers with 503 so the platform redelivers later.
   */
  async begin(id: string, { timeoutMs = Infinity, signal }: BeginOptions = {}): Promise<SessionTransaction> {
    const started = Date.now();
    const deadline = started + timeoutMs;
    if (signal?.aborted || timeoutMs <= 0) throw new SessionBusyError(id, 0);
    await this.init();
    const keys = this.#keys(id);
    this.#health.guard(id); // a 503 at once while the part serving this session is known down
    const token = randomUUID();
    const maxPause = Math.max(this.#options.lockRetryMs, MAX_LOCK_RETRY_MS);
    for (let pause = this.#options.lockRetryMs; ; pause = Math.min(pause * 2, maxPause)) {
      let reply: ScriptReply;
      try {
        reply = await this.#scripts.bottenderSessionBegin(keys.data, keys.lock, token, this.#options.lockLeaseMs);
      } catch (error) {
        // The script may still run (a command that timed out is still queued in Redis): send a
        // release after it, so a lock taken for nobody does not block the session for a lease.
        this.#scripts.bottenderSessionRelease(keys.lock, token).catch(() => {});
        throw this.#fail(error, id, 'lock and read');
      }
      this.#health.ok(id);
      const [outcome, ...details] = reply;
      if (outcome === 'ok') return this.#open(id, keys, token, details);
      if (outcome !== 'busy') throw notARecord(id, String(details[0]), 'left untouched');
      const leaseLeft = Number(details[0]);
      // Jitter keeps processes that wait for the same session from asking in lockstep.
      const jittered = Math.round(Math.min(pause, leaseLeft > 0 ? leaseLeft : pause) * (0.5 + Math.random() / 2));
      const left = deadline - Date.now();
      if (left <= 0) throw new SessionBusyError(id, Date.now() - started);
      try {
        // The last pause ends at the deadline, so one more try happens just before giving up.
        await sleep(Math.max(1, Math.min(jittered, left)), undefined, { signal });
      } catch {
        throw new SessionBusyError(id, Date.now() - started);
      }
    }
  }

  /**
   * Keeps an event acknowledged at its platform's deadline before its commit, so a crash cannot
   * lose it (bottender/store's `HeldEventStore`). Holding it again keeps the first copy.
   */
  async holdEvent(event: HeldEvent): Promise<void> {
    await this.init();
    await this.#held.hold(event);
  }

  /** Held events of one session, or of every session under this prefix; oldest first per session. */
  async *heldEvents(sessionId?: string): AsyncIterable<HeldEvent> {
    await this.init();
    yield* this.#held.list(sessionId);
  }

  /** Forgets held events once committed; ids not held are not an error. */
  async releaseHeldEvents(sessionId: string, eventIds: readonly string[]): Promise<void> {
    await this.init();
    await this.#held.release(sessionId, eventIds);
  }

  /** Quits the connection if the store created it; a `client` you passed stays open. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#leases.stop();
    this.#health.close();
    if (!this.#owned || this.client.status === 'end') return;
    if (this.client.status === 'ready') {
      try {
        await this.client.quit();
        return;
      } catch {
        // The connection broke during QUIT; make sure it is closed below.
      }
    }
    // Re-read: a failed QUIT may have ended the connection meanwhile.
    if ((this.client.status as string) !== 'end') this.client.disconnect();
  }

  async #connect(): Promise<void> {
    try {
      await waitUntilReady(this.client, this.#options.connectTimeoutMs);
      await this.client.ping();
      await this.#oneX.detect();
    } catch (error) {
      if (this.#owned) this.client.disconnect(); // stop reconnecting in the background
      throw new SessionStoreError(`cannot connect to Redis at ${this.#target}: ${(error as Error)?.message ?? error}`, undefined, {
        cause: error,
      });
    }
  }

  async #open(id: string, keys: SessionKeys, token: string, details: (string | number)[]): Promise<SessionTransaction> {
    let record: SessionRecord | undefined;
    let carried = false;
    try {
      record = details.length === 0 ? undefined : toRecord(String(details[0]), String(details[1]), id);
      // No record of this driver: a session 1.x left is read now, under the lock just taken.
      if (record === undefined && this.#oneX.present) {
        record = await this.#oneX.read(id);
        carried = record !== undefined;
      }
    } catch (error) {
      // The lock is ours: give it back before reporting the damaged record.
      await this.#scripts.bottenderSessionRelease(keys.lock, token).catch(() => {});
      throw error;
    }
    const transaction = new RedisTransaction(record, id, keys, token, {
      scripts: this.#scripts,
      leaseMs: this.#options.lockLeaseMs,
      leases: this.#leases,
      fail: (error, sessionId, what) => this.#fail(error, sessionId, what),
      health: this.#health,
      prepareWrite,
    });
    return carried ? this.#oneX.carry(transaction, id) : transaction;
  }

  /** A record found by `list()`, or undefined if its key vanished since the SCAN. */
  #recordAt(key: string, fields: Record<string, string>): SessionRecord | undefined {
    if (Object.keys(fields).length === 0) return undefined;
    let value: unknown;
    try {
      value = JSON.parse(fields.r ?? '');
    } catch (error) {
      throw new SessionStoreError(`stored data at key ${JSON.stringify(key)} is not valid JSON (corrupted record)`, undefined, {
        cause: error,
      });
    }
    const id = (value as { id?: unknown } | null)?.id;
    if (typeof id !== 'string' || this.#keys(id).data !== key) {
      throw new SessionStoreError(`stored data at key ${JSON.stringify(key)} is not a session record of that key`);
    }
    return toRecord(fields.r, fields.v, id, checkRecord(value, id));
  }

  #keys(id: string): SessionKeys {
    if (typeof id !== 'string') throw new TypeError(`a session id must be a string, got ${typeof id}`);
    return sessionKeys(this.#options.keyPrefix, id);
  }

  #fail(error: unknown, id: string | undefined, what: string): SessionStoreError {
    if (error instanceof SessionStoreError) return error;
    // Redis could not answer: reported once through the health gate, not once per event.
    const outage = this.#health.outage(error, id, what);
    if (outage) return outage;
    const about = id === undefined ? '' : ` for session ${JSON.stringify(id)}`;
    return new SessionStoreError(`redis ${what}${about} failed: ${(error as Error)?.message ?? String(error)}`, id, {
      cause: error,
    });
  }
}

/** The record of a hash's fields; damaged data is an error, never an absent session. */
function toRecord(json: string | undefined, version: string | undefined, id: string, parsed?: SessionRecord): SessionRecord {
  const record = parsed ?? parseRecord(json ?? '', id);
  if (version === undefined || version === '' || Number(version) !== record.version) {
    throw notARecord(id, `its version field ${JSON.stringify(version ?? null)} disagrees with the record's ${record.version}`, 'left untouched');
  }
  return record;
}

function notARecord(id: string, what: string, consequence: string): SessionStoreError {
  return new SessionStoreError(
    `stored data for session ${JSON.stringify(id)} is not a session record (${what}); ${consequence}`,
    id,
  );
}

/** Checks what the scripts rely on; returns their TTL argument (0: keep forever). */
function prepareWrite(record: SessionRecord, ttlMs: number | undefined): number {
  if (typeof record !== 'object' || record === null || typeof record.id !== 'string') {
    throw new TypeError('a session record needs a string id');
  }
  if (!Number.isSafeInteger(record.version) || record.version < 0) {
    throw new TypeError(`session ${JSON.stringify(record.id)}: version must be a non-negative integer, got ${String(record.version)}`);
  }
  if (ttlMs === undefined || ttlMs === 0) return 0;
  if (typeof ttlMs !== 'number' || !Number.isFinite(ttlMs) || ttlMs < 0) {
    throw new TypeError(`ttlMs must be a positive number of milliseconds, got ${String(ttlMs)}`);
  }
  return Math.ceil(ttlMs);
}
