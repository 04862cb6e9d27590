import { LRUCache } from 'lru-cache';

import { parseRecord, serializeRecord } from '../session/record';
import {
  type SessionRecord,
  type SessionStore,
  type WriteOptions,
  VersionConflictError,
} from '../session/types';

/** A record as text, with its version kept aside so a fenced write need not parse it. */
interface StoredText {
  version: number;
  text: string;
}

/** Options of the memory driver (`session.stores.memory`). */
export interface MemoryStoreOptions {
  /** How many sessions to keep; the least recently used is dropped past it. Default 500. */
  maxSize?: number;
}

/**
 * Sessions in this process's memory, for development and single-process bots.
 *
 * Records are kept as JSON text, not objects: nothing a handler holds can alias what is stored
 * (invariant 7), and a read always hands the runtime a fresh copy it may own.
 */
export class MemorySessionStore implements SessionStore {
  readonly name = 'memory';
  readonly #cache: LRUCache<string, StoredText>;

  constructor(options: MemoryStoreOptions = {}) {
    const maxSize = options.maxSize ?? 500;
    if (!Number.isSafeInteger(maxSize) || maxSize < 1) {
      throw new TypeError(`session.stores.memory.maxSize must be a positive integer, got ${JSON.stringify(maxSize)}`);
    }
    this.#cache = new LRUCache<string, StoredText>({ max: maxSize });
  }

  async read(id: string): Promise<SessionRecord | undefined> {
    const entry = this.#cache.get(id);
    return entry === undefined ? undefined : parseRecord(entry.text, id);
  }

  async write(record: SessionRecord, { expectedVersion, ttlMs }: WriteOptions): Promise<void> {
    const current = this.#cache.get(record.id, { updateAgeOnGet: false });
    const actualVersion = current?.version ?? 0;
    if (actualVersion !== expectedVersion) throw new VersionConflictError(record.id, expectedVersion, actualVersion);
    this.#cache.set(
      record.id,
      { version: record.version, text: serializeRecord(record) },
      ttlMs ? { ttl: ttlMs } : undefined,
    );
  }

  async delete(id: string): Promise<void> {
    this.#cache.delete(id);
  }

  async *list(): AsyncIterable<SessionRecord> {
    for (const [id, entry] of this.#cache.entries()) yield parseRecord(entry.text, id);
  }

  /** How many sessions are held. */
  get size(): number {
    return this.#cache.size;
  }

  async close(): Promise<void> {
    this.#cache.clear();
  }
}
