import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';

import {
  type BeginOptions,
  consoleLogger,
  type HeldEvent,
  type HeldEventStore,
  type SessionRecord,
  SessionBusyError,
  type SessionStore,
  SessionStoreError,
  type SessionTransaction,
  VersionConflictError,
  type WriteOptions,
} from 'bottender/store';
import type { Collection, Db, MongoClient } from 'mongodb';

import {
  insertedUnlocked,
  liveAt,
  liveRecords,
  liveVersion,
  lockFree,
  prepareWrite,
  recordAt,
  recordOf,
  RELEASE,
  type SessionDocument,
  sessionIndexes,
  storeRecord,
  takeLock,
  versionZero,
} from './documents';
import { MongoHealth } from './health';
import { HELD_INDEX, type HeldDocument, HeldEvents } from './held-events';
import { escapeSessionId, isDuplicateKey } from './keys';
import { fromOneX, type OneXDocument, oneXFilter, OneXSessions } from './legacy';
import { createClient, DEFAULT_URL, describeTarget, type MongoStoreOptions, type ResolvedOptions, resolveOptions } from './options';
import { LeaseKeeper, MongoTransaction } from './transaction';

/** Longest pause between two attempts to take a busy lock. */
const MAX_LOCK_RETRY_MS = 200;
/** Index errors meaning "an equivalent index exists under another name or with other options". */
const INDEX_EXISTS = new Set([85, 86]);

/**
 * Sessions in MongoDB, shared by any number of bot processes.
 *
 * Each session is one document, found by its escaped id (`sid`, unique index) and holding the
 * record as JSON, its version, its expiry (TTL index) and, while an event is handled, a lock with
 * a lease. `begin` takes the lock and reads the record in one conditional `findOneAndUpdate`;
 * `commit` writes and unlocks in one `updateOne` that applies only while the lock and the version
 * are still the ones taken. So per event there is one round trip to lock and read and one to
 * write, two processes never handle one session at once, and a write that lost its lock or its
 * version is refused instead of silently applied. Sessions Bottender 1.x wrote in the same
 * collection are read and carried over (see legacy.ts).
 */
export class MongoSessionStore implements SessionStore, HeldEventStore {
  readonly name = 'mongo';
  /** The driver's client: yours if you passed `client` or `db`, otherwise the store's. */
  readonly client: MongoClient;
  /** The database the sessions live in. */
  readonly db: Db;
  /** The sessions' collection. */
  readonly sessions: Collection<SessionDocument>;
  readonly #options: ResolvedOptions;
  readonly #owned: boolean;
  readonly #target: string;
  readonly #leases: LeaseKeeper;
  readonly #held: HeldEvents;
  readonly #health: MongoHealth;
  #ready: Promise<void> | undefined;
  #closed = false;
  /** The Bottender 1.x sessions in the collection (looked for only when some were there at start). */
  readonly #oneX: OneXSessions;

  /** Checks the options (throwing a TypeError that names a bad key) and prepares, without connecting. */
  constructor(options: MongoStoreOptions | string = {}) {
    this.#options = resolveOptions(options);
    const given = typeof options === 'string' ? { url: options } : options;
    this.#leases = new LeaseKeeper(this.#options.lockLeaseMs);
    this.#target = describeTarget(options);
    this.#owned = given.client == null && given.db == null;
    this.client = given.db?.client ?? given.client ?? createClient(given.url ?? DEFAULT_URL, this.#options);
    this.db = given.db ?? this.client.db(this.#options.dbName);
    this.sessions = this.db.collection<SessionDocument>(this.#options.collectionName);
    this.#held = new HeldEvents(this.db.collection<HeldDocument>(`${this.#options.collectionName}.held`), (error, id, what) =>
      this.#fail(error, id, what),
    );
    const logger = this.#options.logger ?? consoleLogger;
    this.#oneX = new OneXSessions(this.sessions, (error, id, what) => this.#fail(error, id, what), logger);
    this.#health = new MongoHealth(this.client, this.#target, logger, this.#options.outageRetryMs, () => this.#closed);
  }

  /** Whether sessions Bottender 1.x wrote were found in the collection at start (and are looked for). */
  get readsOneXSessions(): boolean {
    return this.#oneX.present;
  }

  /**
   * Connects (once), creates the indexes, and looks for sessions Bottender 1.x wrote. Fails with
   * `cannot connect to MongoDB at <where>: <why>` when MongoDB cannot be reached, so a
   * misconfigured bot stops at start instead of answering 503 to every event.
   */
  init(): Promise<void> {
    if (this.#closed) return Promise.reject(new SessionStoreError('the mongo session store is closed'));
    this.#ready ??= this.#connect().catch((error) => {
      this.#ready = undefined;
      throw error;
    });
    return this.#ready;
  }

  /**
   * The stored record (one query), or undefined when there is none or it expired. A document that
   * is not a well-formed record of this session throws a SessionStoreError: it is never taken for
   * an absent session.
   */
  async read(id: string): Promise<SessionRecord | undefined> {
    const sid = this.#sid(id);
    await this.init();
    const oneX = this.#oneX.applies(id);
    const sent = this.#health.guard(id);
    let docs: (SessionDocument | OneXDocument)[];
    try {
      docs = oneX
        ? await this.sessions.find({ $or: [{ sid }, oneXFilter(id) as never] }).toArray()
        : await this.sessions.find({ sid }).limit(1).toArray();
    } catch (error) {
      throw this.#fail(error, id, 'read');
    }
    this.#health.ok(sent);
    const now = Date.now();
    const ours = docs.find((doc): doc is SessionDocument => (doc as SessionDocument).sid === sid);
    if (ours && (ours.v !== 0 || ours.r != null)) return recordOf(ours, id, now);
    const old = docs.find((doc): doc is OneXDocument => (doc as SessionDocument).sid === undefined);
    return old ? fromOneX(old, id) : ours && recordOf(ours, id, now);
  }

  /**
   * Stores `record` only if the stored version still equals `expectedVersion` (0: absent or
   * expired); the compare and the write are one conditional update, so no other writer can slip in
   * between. Throws VersionConflictError otherwise. Does not take the lock: `begin` is for events.
   */
  async write(record: SessionRecord, { expectedVersion, ttlMs }: WriteOptions): Promise<void> {
    const ttl = prepareWrite(record, ttlMs);
    if (!Number.isSafeInteger(expectedVersion) || expectedVersion < 0) {
      throw new TypeError(`expectedVersion must be a non-negative integer, got ${String(expectedVersion)}`);
    }
    await this.init();
    const sid = this.#sid(record.id);
    const sent = this.#health.guard(record.id);
    const now = Date.now();
    let applied: boolean;
    try {
      const update = storeRecord(record, ttl, now, false);
      const result =
        expectedVersion === 0
          ? await this.sessions.updateOne(versionZero(sid, now), { ...update, $setOnInsert: insertedUnlocked(sid) }, { upsert: true })
          : await this.sessions.updateOne(liveAt(sid, expectedVersion, now), update);
      applied = result.matchedCount + result.upsertedCount === 1;
    } catch (error) {
      // Another writer created the session's document first (the `_id` or `sid` index refused ours).
      if (!isDuplicateKey(error)) throw this.#fail(error, record.id, 'write');
      applied = false;
    }
    this.#health.ok(sent);
    if (!applied) throw new VersionConflictError(record.id, expectedVersion, await this.#liveVersion(sid, record.id));
    if (expectedVersion === 0) await this.#oneX.forget(record.id);
  }

  /**
   * Removes the session's document (and a Bottender 1.x document of it). An event holding its lock
   * then fails its fenced write.
   */
  async delete(id: string): Promise<void> {
    const sid = this.#sid(id);
    await this.init();
    const sent = this.#health.guard(id);
    try {
      if (this.#oneX.applies(id)) await this.sessions.deleteMany({ $or: [{ sid }, oneXFilter(id) as never] });
      else await this.sessions.deleteOne({ sid });
    } catch (error) {
      throw this.#fail(error, id, 'delete');
    }
    this.#health.ok(sent);
  }

  /**
   * Every live record, read with one cursor over the collection (then the Bottender 1.x sessions
   * not carried over yet, if any). Each document names its own session; one that does not is
   * reported, not skipped.
   */
  async *list(): AsyncIterable<SessionRecord> {
    await this.init();
    this.#health.guard(undefined);
    const cursor = this.sessions.find(liveRecords(Date.now()));
    try {
      for (;;) {
        const doc = await this.#next(cursor);
        if (!doc) break;
        yield recordAt(doc);
      }
    } finally {
      await cursor.close().catch(() => {});
    }
    yield* this.#oneX.list();
  }

  /**
   * Takes the session's lock and reads its record in one round trip. While another process holds
   * the lock, asks again after a pause that doubles from `lockRetryMs` up to 200 ms, until
   * `timeoutMs` has passed or `signal` aborts: then throws {@link SessionBusyError}, which the
   * runtime answers with 503 so the platform redelivers later.
   */
  async begin(id: string, { timeoutMs = Infinity, signal }: BeginOptions = {}): Promise<SessionTransaction> {
    const started = Date.now();
    const deadline = started + timeoutMs;
    if (signal?.aborted || timeoutMs <= 0) throw new SessionBusyError(id, 0);
    const sid = this.#sid(id);
    await this.init();
    const token = randomUUID();
    const maxPause = Math.max(this.#options.lockRetryMs, MAX_LOCK_RETRY_MS);
    for (let pause = this.#options.lockRetryMs; ; pause = Math.min(pause * 2, maxPause)) {
      const sent = this.#health.guard(id); // a 503 at once while MongoDB is known down, even for an event waiting for the lock
      const now = Date.now();
      let before: SessionDocument | null | typeof BUSY;
      try {
        before = await this.sessions.findOneAndUpdate(lockFree(sid, now), takeLock(sid, token, now + this.#options.lockLeaseMs), {
          upsert: true,
          returnDocument: 'before',
        });
      } catch (error) {
        if (!isDuplicateKey(error)) {
          // The update may still have been applied (its reply was lost): send a release after it,
          // so a lock taken for nobody does not block the session for a lease. Without a server
          // selected, nothing was sent.
          if (!isUnsent(error)) this.sessions.updateOne({ sid, lock: token }, RELEASE).catch(() => {});
          throw this.#fail(error, id, 'lock and read');
        }
        before = BUSY;
      }
      this.#health.ok(sent);
      if (before !== BUSY) return this.#open(id, sid, token, before, now);
      // Busy: the session's document exists and its lock is held (the upsert collided).
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

  /** Keeps an event acknowledged at its deadline until its commit (see held-events.ts). */
  async holdEvent(event: HeldEvent): Promise<void> {
    await this.init();
    const sent = this.#health.guard(typeof event?.sessionId === 'string' ? event.sessionId : undefined);
    await this.#held.hold(event);
    this.#health.ok(sent);
  }

  /** Held events of one session, or of all; oldest first within a session. */
  async *heldEvents(sessionId?: string): AsyncIterable<HeldEvent> {
    await this.init();
    this.#health.guard(sessionId);
    yield* this.#held.list(sessionId);
  }

  /** Forgets held events once committed; absent ones are not an error. */
  async releaseHeldEvents(sessionId: string, eventIds: readonly string[]): Promise<void> {
    await this.init();
    const sent = this.#health.guard(sessionId);
    await this.#held.release(sessionId, eventIds);
    this.#health.ok(sent);
  }

  /** Closes the client if the store created it; a `client` or `db` you passed stays open. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#leases.stop();
    this.#health.detach();
    if (this.#owned) await this.client.close().catch(() => {});
  }

  async #connect(): Promise<void> {
    try {
      await this.client.connect();
      await this.db.command({ ping: 1 });
    } catch (error) {
      // Stop monitoring the unreachable server in the background; init() may be called again.
      if (this.#owned) await this.client.close().catch(() => {});
      throw new SessionStoreError(`cannot connect to MongoDB at ${this.#target}: ${messageOf(error)}`, undefined, { cause: error });
    }
    try {
      await this.#createIndexes();
      // Sessions 1.x wrote are looked for only while some exist, so a new session costs nothing more.
      await this.#oneX.detect();
    } catch (error) {
      throw new SessionStoreError(
        `mongo session store: cannot prepare ${this.db.databaseName}.${this.#options.collectionName} at ${this.#target}: ${messageOf(error)}`,
        undefined,
        { cause: error },
      );
    }
  }

  /** The sessions' indexes (see documents.ts), `id_1` and the held events' index. Creating an existing index is a no-op. */
  async #createIndexes(): Promise<void> {
    await this.sessions.createIndexes(sessionIndexes());
    try {
      await this.sessions.createIndex({ id: 1 }, { name: 'id_1', sparse: true });
    } catch (error) {
      // A 1.x deployment may have its own index on `id`: it serves as well.
      if (!INDEX_EXISTS.has((error as { code?: number }).code ?? 0)) throw error;
    }
    await this.db.collection(`${this.#options.collectionName}.held`).createIndexes([{ ...HELD_INDEX }]);
  }

  /**
   * The transaction for a lock just taken. `before` is the document as it was before the lock
   * (null: the session had none and one was created). A session without a record of ours may
   * still have a 1.x document: only then is it looked up (one more round trip, once per session).
   */
  async #open(id: string, sid: string, token: string, before: SessionDocument | null, now: number): Promise<SessionTransaction> {
    let record: SessionRecord | undefined;
    let oneX: OneXDocument | null = null;
    try {
      record = before ? recordOf(before, id, now) : undefined;
      const never = !before || (before.v === 0 && before.r == null);
      if (never && this.#oneX.applies(id)) {
        oneX = await this.#oneX.find(id);
        if (oneX) record = fromOneX(oneX, id);
      }
    } catch (error) {
      // The lock is ours: give it back before reporting the damaged record or the failed read.
      await this.sessions.updateOne({ sid, lock: token }, RELEASE).catch(() => {});
      throw error;
    }
    const oneXId = oneX?._id;
    return new MongoTransaction(record, id, sid, token, before?.v ?? 0, {
      sessions: this.sessions,
      leaseMs: this.#options.lockLeaseMs,
      leases: this.#leases,
      health: this.#health,
      fail: (error, sessionId, what) => this.#fail(error, sessionId, what),
      prepareWrite,
      afterCommit: oneXId === undefined ? undefined : () => this.#oneX.forget(id, oneXId),
    });
  }

  async #liveVersion(sid: string, id: string): Promise<number> {
    try {
      return liveVersion(await this.sessions.findOne({ sid }), Date.now());
    } catch (error) {
      throw this.#fail(error, id, 'write (reading the stored version)');
    }
  }

  async #next<T>(cursor: { next(): Promise<T | null> }): Promise<T | null> {
    try {
      return await cursor.next();
    } catch (error) {
      throw this.#fail(error, undefined, 'list');
    }
  }

  #sid(id: string): string {
    if (typeof id !== 'string') throw new TypeError(`a session id must be a string, got ${typeof id}`);
    return escapeSessionId(id);
  }

  #fail(error: unknown, id: string | undefined, what: string): SessionStoreError {
    if (error instanceof SessionStoreError) return error;
    // MongoDB could not serve: reported once through the health gate, not once per event.
    const outage = this.#health.outage(error, id, what);
    if (outage) return outage;
    const about = id === undefined ? '' : ` for session ${JSON.stringify(id)}`;
    return new SessionStoreError(`mongo ${what}${about} failed: ${messageOf(error)}`, id, { cause: error });
  }
}

/** What a lock-and-read found when the session's lock was held (its upsert collided). */
const BUSY = Symbol('busy');

/** Whether a command failed before it was sent (no server was selected), so it cannot have been applied. */
function isUnsent(error: unknown): boolean {
  return (error as Error | undefined)?.name === 'MongoServerSelectionError';
}

function messageOf(error: unknown): string {
  return (error as Error)?.message ?? String(error);
}

