import { cloneJson } from '../context/state-cell';
import { KeyedQueue } from '../runtime/keyed-queue';
import { consoleLogger, type Logger } from '../runtime/logger';
import { oneXSessionRecord, readOneXSession } from '../session/one-x-session';
import { checkRecord } from '../session/record';
import {
  type SessionRecord,
  type SessionStore,
  SessionStoreError,
  VersionConflictError,
  type WriteOptions,
} from '../session/types';

/**
 * A custom session store written for Bottender 1.x. 1.x keyed sessions `<platform>:<key>` (for
 * example `line:U123`), the same ids as this version, and stored whatever object it was given.
 * 1.x stores took their expiry (`expiresIn`, minutes) in their constructor; some older ones take
 * minutes as a third argument of `write`.
 */
export interface LegacySessionStore {
  /** 1.x called it once before the first event; it resolved to the store or to nothing. */
  init?(): Promise<unknown>;
  /** The stored value, or `null` (or `undefined`) when there is none. */
  read(key: string): Promise<unknown>;
  /** Every stored value. */
  all(): Promise<unknown>;
  write(key: string, session: unknown, minutes?: number): Promise<unknown>;
  destroy(key: string): Promise<unknown>;
  /** Not part of 1.x; called on shutdown when a store has it. */
  close?(): Promise<unknown>;
}

/** Options of {@link adaptLegacyStore}. */
export interface LegacyStoreOptions {
  /** The store's name in log lines and errors; `createStore` passes its key in `session.stores`. Default `legacy`. */
  name?: string;
  /** Where the one-time warning about several processes goes. Default: stderr. */
  logger?: Logger;
}

/** The methods that make an object a Bottender 1.x store. */
export const LEGACY_STORE_METHODS = ['read', 'write', 'all', 'destroy'] as const;

/** True for an object with Bottender 1.x's store methods: `read`, `write`, `all` and `destroy`. */
export function isLegacySessionStore(value: unknown): value is LegacySessionStore {
  return (
    typeof value === 'object' &&
    value !== null &&
    LEGACY_STORE_METHODS.every((method) => typeof (value as Record<string, unknown>)[method] === 'function')
  );
}

/**
 * Lets a Bottender 1.x custom store serve as a {@link SessionStore}, so a 1.x config that names
 * one keeps working unchanged.
 *
 * The store keeps this version's {@link SessionRecord} as its value, under the session id (the
 * same `<platform>:<key>` 1.x used). `delete` is 1.x's `destroy`, `list` is `all` (values that are
 * not records are skipped), and `ttlMs` is passed to `write` as whole minutes, rounded up, as a
 * third argument that stores declaring only two parameters ignore.
 *
 * Writes are fenced as far as a store without a conditional write allows: writes and deletes of
 * one session are serialized in this process, and each write reads the stored version first and
 * refuses with {@link VersionConflictError} when it is not the expected one. Another process
 * sharing the store can still write between that read and the write, which is why `init` logs a
 * warning: with several processes, use a driver with atomic writes (redis).
 *
 * Stored values that are not records, including sessions Bottender 1.x itself wrote, are reported
 * as {@link SessionStoreError} by `read` and refused by `write`; they are never taken for absent
 * sessions, which would replace a user's state with the initial state.
 */
export function adaptLegacyStore(store: LegacySessionStore, options: LegacyStoreOptions = {}): SessionStore {
  if (!isLegacySessionStore(store)) {
    throw new TypeError('adaptLegacyStore needs a Bottender 1.x store: an object with read, write, all and destroy methods');
  }
  return new LegacyStoreAdapter(store, options.name ?? 'legacy', options.logger ?? consoleLogger);
}

class LegacyStoreAdapter implements SessionStore {
  readonly name: string;
  readonly #store: LegacySessionStore;
  readonly #logger: Logger;
  readonly #writes = new KeyedQueue();
  #warned = false;

  constructor(store: LegacySessionStore, name: string, logger: Logger) {
    this.#store = store;
    this.name = name;
    this.#logger = logger;
  }

  async init(): Promise<void> {
    if (!this.#warned) {
      this.#warned = true;
      this.#logger.warn(
        `session store "${this.name}" is a Bottender 1.x store, used through an adapter: its writes are ` +
          'fenced within this process only, since a 1.x store cannot compare and write in one step. ' +
          'If several processes share it, they can overwrite each other\'s state; use a driver with ' +
          'atomic writes (such as redis) for that.',
      );
    }
    if (typeof this.#store.init === 'function') await this.#call(() => this.#store.init!(), 'init');
  }

  async read(id: string): Promise<SessionRecord | undefined> {
    const stored = await this.#stored(id);
    // A copy: a 1.x store may hand out the very object it keeps (a Map does).
    return stored === undefined ? undefined : cloneJson(stored);
  }

  write(record: SessionRecord, { expectedVersion, ttlMs }: WriteOptions): Promise<void> {
    return this.#writes.run(record.id, async () => {
      checkRecord(record, record.id);
      const actualVersion = (await this.#stored(record.id))?.version ?? 0;
      if (actualVersion !== expectedVersion) throw new VersionConflictError(record.id, expectedVersion, actualVersion);
      let value: SessionRecord;
      try {
        value = cloneJson(record);
      } catch (error) {
        const message = `state of session ${JSON.stringify(record.id)} cannot be stored as JSON`;
        throw new SessionStoreError(message, record.id, { cause: error });
      }
      await this.#call(
        () => (ttlMs === undefined ? this.#store.write(record.id, value) : this.#store.write(record.id, value, toMinutes(ttlMs))),
        'write',
        record.id,
      );
    });
  }

  delete(id: string): Promise<void> {
    return this.#writes.run(id, async () => {
      await this.#call(() => this.#store.destroy(id), 'destroy', id);
    });
  }

  async *list(): AsyncIterable<SessionRecord> {
    const values = await this.#call(() => this.#store.all(), 'all');
    if (!Array.isArray(values)) {
      throw new SessionStoreError(`session store "${this.name}": all() did not resolve to a list of sessions`);
    }
    for (const value of values) {
      const record = recordOrNothing(value);
      if (record) yield cloneJson(record);
    }
  }

  async close(): Promise<void> {
    if (typeof this.#store.close === 'function') await this.#call(() => this.#store.close!(), 'close');
  }

  /** The stored record, as the 1.x store holds it (not a copy). */
  async #stored(id: string): Promise<SessionRecord | undefined> {
    const value = await this.#call(() => this.#store.read(id), 'read', id);
    return value === null || value === undefined ? undefined : toRecord(value, id);
  }

  /** Runs one call of the 1.x store, turning its failures into errors the runtime answers 503 to. */
  async #call<T>(call: () => Promise<T>, what: string, id?: string): Promise<T> {
    try {
      return await call();
    } catch (error) {
      if (error instanceof SessionStoreError) throw error;
      const about = id === undefined ? '' : ` for session ${JSON.stringify(id)}`;
      const message = `session store "${this.name}": ${what}${about} failed: ${(error as Error)?.message ?? String(error)}`;
      throw new SessionStoreError(message, id, { cause: error });
    }
  }
}

/** The record a stored value is, or a SessionStoreError naming the session and what is wrong. */
function toRecord(value: unknown, id: string): SessionRecord {
  if (isOneXSession(value)) return fromOneXSession(value, id);
  return checkRecord(value, id);
}

/**
 * A session Bottender 1.x itself wrote, read as a record at version 0: the user keeps the state
 * they had, the first write replaces the value with a record (fenced as if the session were new),
 * and 1.x's `lastActivity` still counts for expiry. A `_state` that is not an object is damage,
 * not a session, and is reported.
 */
function fromOneXSession(value: OneXSession, id: string): SessionRecord {
  const parts = readOneXSession(value);
  if (parts === undefined) {
    throw new SessionStoreError(
      `stored data for session ${JSON.stringify(id)} is a Bottender 1.x session whose _state is not an object; ` +
        'it is left untouched: delete it to start this session over',
      id,
    );
  }
  return oneXSessionRecord(id, parts);
}

/** A stored value that is a record of its own id, for listings; anything else is skipped. */
function recordOrNothing(value: unknown): SessionRecord | undefined {
  const id = (value as { id?: unknown } | null)?.id;
  if (typeof id !== 'string') return undefined;
  try {
    return checkRecord(value, id);
  } catch {
    return undefined;
  }
}

/** What Bottender 1.x itself stored: the state under `_state`, `lastActivity`, and no version. */
interface OneXSession {
  _state: unknown;
  lastActivity?: unknown;
}

function isOneXSession(value: unknown): value is OneXSession {
  return typeof value === 'object' && value !== null && '_state' in value && !('version' in value);
}

/**
 * 1.x stores take expiry in minutes and some hand it to Redis `SETEX` as `minutes * 60`, which
 * must be whole seconds: whole minutes, rounded up, are safe for all of them. Keeping a session a
 * little longer is harmless, since the runtime expires sessions on read by `lastActivity`.
 */
function toMinutes(ttlMs: number): number {
  return Math.max(1, Math.ceil(ttlMs / 60_000));
}
