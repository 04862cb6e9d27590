import { LRUCache } from 'lru-cache';

import { checkRecord } from '../session/record';
import {
  type HeldEvent,
  type HeldEventStore,
  type SessionRecord,
  type SessionStore,
  type WriteOptions,
  SessionStoreError,
  VersionConflictError,
} from '../session/types';

/**
 * What the memory driver keeps for a session: the state as JSON text, so nothing a handler holds
 * can alias what is stored (invariant 7), and the rest as plain fields. Event ids are kept as an
 * array rather than text: parsing them back on every read was most of the driver's cost.
 */
interface StoredSession {
  readonly platform: string;
  readonly stateText: string;
  readonly lastActivity: number;
  readonly version: number;
  readonly eventIds: readonly string[];
  readonly stateVersion?: number;
}

/** Options of the memory driver (`session.stores.memory`). */
export interface MemoryStoreOptions {
  /** How many sessions to keep; the least recently used is dropped past it. Default 500. */
  maxSize?: number;
}

/**
 * Sessions in this process's memory, for development and single-process bots.
 *
 * It also holds events acknowledged at a deadline (see {@link HeldEventStore}) until they are
 * committed: that cannot survive a crash (nothing here does), but it lets an event whose handling
 * ended without a commit (a timeout, a refused write) run again before the session's next event.
 */
export class MemorySessionStore implements SessionStore, HeldEventStore {
  readonly name: string = 'memory';
  readonly #cache: LRUCache<string, StoredSession>;
  /** Held events by session id, oldest first; text, so nothing the caller keeps aliases them. */
  readonly #held = new Map<string, Map<string, string>>();

  constructor(options: MemoryStoreOptions = {}) {
    const maxSize = options.maxSize ?? 500;
    if (!Number.isSafeInteger(maxSize) || maxSize < 1) {
      throw new TypeError(`session.stores.memory.maxSize must be a positive integer, got ${JSON.stringify(maxSize)}`);
    }
    this.#cache = new LRUCache<string, StoredSession>({ max: maxSize });
  }

  async read(id: string): Promise<SessionRecord | undefined> {
    const stored = this.#cache.get(id);
    return stored === undefined ? undefined : toRecord(id, stored);
  }

  async write(record: SessionRecord, { expectedVersion, ttlMs }: WriteOptions): Promise<void> {
    const current = this.#cache.get(record.id, { updateAgeOnGet: false });
    const actualVersion = current?.version ?? 0;
    if (actualVersion !== expectedVersion) throw new VersionConflictError(record.id, expectedVersion, actualVersion);
    checkRecord(record, record.id);
    let stateText: string;
    try {
      stateText = JSON.stringify(record.state);
    } catch (error) {
      throw new SessionStoreError(`state of session ${JSON.stringify(record.id)} cannot be stored as JSON`, record.id, {
        cause: error,
      });
    }
    const stored: StoredSession = {
      platform: record.platform,
      stateText,
      lastActivity: record.lastActivity,
      version: record.version,
      eventIds: Object.freeze(record.eventIds.slice()),
      ...(record.stateVersion === undefined ? {} : { stateVersion: record.stateVersion }),
    };
    this.#cache.set(record.id, stored, ttlMs ? { ttl: ttlMs } : undefined);
  }

  async delete(id: string): Promise<void> {
    this.#cache.delete(id);
  }

  async *list(): AsyncIterable<SessionRecord> {
    // The ids first: a write during the listing moves its entry in the cache's order, and walking
    // the live order would list that session again (a migration pass would count it twice).
    for (const id of [...this.#cache.keys()]) {
      const stored = this.#cache.peek(id);
      if (stored !== undefined) yield toRecord(id, stored);
    }
  }

  async holdEvent(event: HeldEvent): Promise<void> {
    let session = this.#held.get(event.sessionId);
    if (session === undefined) this.#held.set(event.sessionId, (session = new Map()));
    if (!session.has(event.eventId)) session.set(event.eventId, JSON.stringify(event));
  }

  async *heldEvents(sessionId?: string): AsyncIterable<HeldEvent> {
    const sessions = sessionId === undefined ? [...this.#held.values()] : [this.#held.get(sessionId)];
    for (const session of sessions) {
      for (const text of [...(session?.values() ?? [])]) yield JSON.parse(text) as HeldEvent;
    }
  }

  async releaseHeldEvents(sessionId: string, eventIds: readonly string[]): Promise<void> {
    const session = this.#held.get(sessionId);
    if (session === undefined) return;
    for (const eventId of eventIds) session.delete(eventId);
    if (session.size === 0) this.#held.delete(sessionId);
  }

  /** How many sessions are held. */
  get size(): number {
    return this.#cache.size;
  }

  async close(): Promise<void> {
    this.#cache.clear();
    this.#held.clear();
  }
}

function toRecord(id: string, stored: StoredSession): SessionRecord {
  const record: SessionRecord = {
    id,
    platform: stored.platform,
    state: JSON.parse(stored.stateText),
    lastActivity: stored.lastActivity,
    version: stored.version,
    eventIds: stored.eventIds.slice(),
  };
  if (stored.stateVersion !== undefined) record.stateVersion = stored.stateVersion;
  return record;
}
