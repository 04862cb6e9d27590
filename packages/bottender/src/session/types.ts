/**
 * The contract between the runtime and a session store.
 *
 * A store keeps one {@link SessionRecord} per session id. The runtime owns every rule about what
 * a record means (expiry, de-duplication, state merging); a store only has to keep records
 * durable, refuse stale writes, and, when many processes share it, hand out exclusive access.
 */

/** Anything `JSON.stringify` round-trips: every driver persists state as JSON. */
export type JsonValue =
  | string
  | number
  | boolean
  | null
  | JsonValue[]
  | { [key: string]: JsonValue };

/** The state object of one conversation. */
export type AnyState = Record<string, any>;

/** What a store keeps for one session. */
export interface SessionRecord<State extends AnyState = AnyState> {
  /** `<platform>:<sessionKey>`, for example `line:U4af4980629...`. */
  id: string;
  /** The platform part of the id, kept so listings can filter without parsing ids. */
  platform: string;
  /** The conversation state as the handler last committed it. */
  state: State;
  /** Epoch milliseconds of the last handled event; expiry counts from here. */
  lastActivity: number;
  /**
   * Incremented by every committed write. A write names the version it was based on and the
   * store refuses it when the stored version differs (fencing, invariant 5).
   */
  version: number;
  /** Ids of recently committed events, oldest first, bounded (invariant 4). */
  eventIds: string[];
  /**
   * The version of the state's shape (config `stateVersion`), when the project declares one;
   * absent means 1. State migrations bring older records up to date (docs/operating.md).
   */
  stateVersion?: number;
}

/** Options of one fenced write. */
export interface WriteOptions {
  /**
   * The version the write is based on: the stored record's version when it was read, or 0 when
   * nothing was stored. The store refuses the write with {@link VersionConflictError} when the
   * stored version (0 if absent) is another.
   */
  expectedVersion: number;
  /** Time to live in milliseconds for stores with native expiry; undefined means keep forever. */
  ttlMs?: number;
}

/**
 * Exclusive access to one session for the duration of one event, for stores that many
 * processes share. `record` was read after the access was granted.
 */
export interface SessionTransaction {
  readonly record: SessionRecord | undefined;
  /** Write `next` (fenced on `record`'s version) and give up the access, in one step if possible. */
  commit(next: SessionRecord, options: { ttlMs?: number }): Promise<void>;
  /** Give up the access without writing. Never throws; may be called while the handler still runs (its time bound passed). */
  release(): Promise<void>;
  /**
   * Optional, for stores that hold events (`HeldEventStore`) and many processes share: whether the
   * session has held events, read in the same round trip as the lock (never an extra one). When
   * true, the runtime runs them (`heldEvents(id)`) before this event, so an event held by a
   * process that died is handled by the session's next event on any server, not only at a start.
   */
  readonly hasHeldEvents?: boolean;
}

/** Options for {@link SessionStore.begin}. */
export interface BeginOptions {
  /**
   * How long to wait for another holder to release the session before giving up with
   * {@link SessionBusyError}. A number rather than an AbortSignal: the runtime calls `begin` for
   * every event, and a timeout signal is a timer per event even when the lock is free.
   */
  timeoutMs?: number;
  /** Aborted when the caller stops waiting for another reason; the store gives up and throws. */
  signal?: AbortSignal;
}

/**
 * A session driver. Built-in: memory and file (in `bottender`), redis (`@bottender/redis`).
 * Any object with these methods can be given as a custom store.
 */
export interface SessionStore {
  /** A short name for log lines and errors, e.g. `memory`. */
  readonly name: string;
  /** Connect or prepare; called once before the first event. Throws a clear error if unusable. */
  init?(): Promise<void>;
  /**
   * The stored record, or undefined when there is none. Returns records even when expired: the
   * runtime decides expiry. Throws {@link SessionStoreError} when the store cannot be read or
   * holds data that is not a session record (it never pretends such a session is absent).
   */
  read(id: string): Promise<SessionRecord | undefined>;
  /** Store `record` if the stored version still equals `options.expectedVersion`. */
  write(record: SessionRecord, options: WriteOptions): Promise<void>;
  /** Remove a session. Removing an absent one is not an error. */
  delete(id: string): Promise<void>;
  /** Every stored session, for inspection and tooling. Order is unspecified. */
  list(): AsyncIterable<SessionRecord>;
  /** Release connections and timers. */
  close?(): Promise<void>;
  /**
   * Optional cross-process exclusive access (a lock with a lease) combined with the read. Stores
   * without it rely on the runtime's in-process queue plus fenced writes.
   */
  begin?(id: string, options: BeginOptions): Promise<SessionTransaction>;
}

/** The store could not be read or written, or holds something that is not a session record. */
export class SessionStoreError extends Error {
  constructor(
    message: string,
    readonly sessionId?: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'SessionStoreError';
  }
}

/** A write was based on a version another writer has since replaced (invariant 5). */
export class VersionConflictError extends SessionStoreError {
  constructor(
    sessionId: string,
    readonly expectedVersion: number,
    readonly actualVersion: number,
  ) {
    super(
      `session ${JSON.stringify(sessionId)} was changed by another writer ` +
        `(expected version ${expectedVersion}, found ${actualVersion}); write refused`,
      sessionId,
    );
    this.name = 'VersionConflictError';
  }
}

/** Waiting for another process to finish with a session took longer than allowed. */
export class SessionBusyError extends SessionStoreError {
  constructor(sessionId: string, waitedMs: number) {
    super(`session ${JSON.stringify(sessionId)} is busy: lock not acquired within ${waitedMs} ms`, sessionId);
    this.name = 'SessionBusyError';
  }
}

/**
 * The session's lock ran out before the commit: its lease expired because the process stalled
 * (stopped, swapping, a long GC pause) or could not reach the store to renew it, so another
 * process may hold the session now. The write is refused, since applying it could overwrite what
 * that process commits; the runtime answers 503 and the platform redelivers the event.
 */
export class LeaseLostError extends SessionStoreError {
  constructor(
    sessionId: string,
    readonly leaseMs: number,
  ) {
    super(
      `session ${JSON.stringify(sessionId)}: the lock's lease (${leaseMs} ms) ran out before the write ` +
        'and the lock is no longer ours; write refused',
      sessionId,
    );
    this.name = 'LeaseLostError';
  }
}

/**
 * An event acknowledged to its platform before its commit (at a deadline), kept in the store so a
 * crash after the acknowledgement cannot lose it (issue 8's contract). Cleared once committed.
 */
export interface HeldEvent {
  sessionId: string;
  platform: string;
  /** The platform's event id; only events with one are held (the commit is how one is known done). */
  eventId: string;
  /** The event's `rawEvent`, given back to the connector's `restoreEvent`. */
  rawEvent: JsonValue;
  /** Epoch ms when it was held. */
  heldAt: number;
}

/**
 * Optional store methods for held events. A store without them cannot keep deferred events across
 * a crash; the runtime logs that once, and docs/ say what it means.
 */
export interface HeldEventStore {
  /** Keeps `event`. Idempotent for one (sessionId, eventId). */
  holdEvent(event: HeldEvent): Promise<void>;
  /** Held events, of one session or of all. Order: oldest first within a session. */
  heldEvents(sessionId?: string): AsyncIterable<HeldEvent>;
  /** Forgets held events once committed (or found committed). Absent ones are not an error. */
  releaseHeldEvents(sessionId: string, eventIds: readonly string[]): Promise<void>;
}
