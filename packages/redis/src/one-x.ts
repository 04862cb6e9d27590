import { type Logger, platformOf, type SessionRecord, SessionStoreError, type SessionTransaction } from 'bottender/store';
import { Cluster, type Redis } from 'ioredis';

/** Keys asked for per SCAN step while looking for 1.x sessions at start. */
const SCAN_COUNT = 1000;

/**
 * Sessions Bottender 1.x wrote to the same Redis database.
 *
 * 1.5.5's RedisSessionStore (a RedisCacheStore behind a CacheBasedSessionStore) keeps one string
 * key per session, named by the session id itself with no prefix (`line:U4af49806...`), holding
 * the whole 1.x session object as JSON:
 *
 *     SET line:U4af...  '{"id":"line:U4af...","platform":"line","user":{...},"_state":{...},"lastActivity":1712345678901}'
 *
 * written with `SETEX key <expiresIn * 60> json` when `session.expiresIn` was set (so Redis expired
 * it) and plain `SET` otherwise. This driver's keys are hashes under its own prefix with the id in
 * braces (`bottender:session:{line:U4af...}`), so the two never meet.
 *
 * The store looks once, at start, whether the database holds any 1.x session key (a `SCAN` over
 * string keys; 1.x never ran on a Cluster, so a Cluster is not searched). Only then does an event
 * of a session without a record of this driver read the 1.x key: after the lock is taken, under
 * it, one `GET`. The 1.x session is the record at version 0 (its `_state` is the state, its
 * `lastActivity` still counts for expiry); the event's commit writes this driver's record, and the
 * 1.x key is then deleted, so it is never read again. Sessions that have a record of this driver
 * never cost a lookup.
 */
export class OneXSessionKeys {
  #present = false;

  constructor(
    private readonly client: Redis | Cluster,
    private readonly fail: (error: unknown, id: string | undefined, what: string) => SessionStoreError,
    private readonly logger: Logger,
  ) {}

  /** Whether 1.x session keys were found at start. */
  get present(): boolean {
    return this.#present;
  }

  /** Looks once, at start, for a key 1.x's store would have written (stops at the first). */
  async detect(): Promise<void> {
    if (this.client instanceof Cluster) return;
    let cursor = '0';
    do {
      const [next, keys] = await this.#scanStrings(cursor);
      cursor = next;
      if (keys.some(isOneXKey)) {
        this.#present = true;
        return;
      }
    } while (cursor !== '0');
  }

  #typeFilter = true;

  /**
   * One SCAN step over string keys shaped like session ids. `SCAN ... TYPE` needs Redis 6; on an
   * older server the step is a plain SCAN and the candidates' types are asked in one pipeline.
   */
  async #scanStrings(cursor: string): Promise<[string, string[]]> {
    const client = this.client as Redis;
    if (this.#typeFilter) {
      try {
        return await client.scan(cursor, 'MATCH', '*:*', 'COUNT', SCAN_COUNT, 'TYPE', 'string');
      } catch (error) {
        if (!/syntax|TYPE/i.test((error as Error)?.message ?? '')) throw error;
        this.#typeFilter = false;
      }
    }
    const [next, keys] = await client.scan(cursor, 'MATCH', '*:*', 'COUNT', SCAN_COUNT);
    const candidates = keys.filter(isOneXKey);
    if (candidates.length === 0) return [next, []];
    const batch = client.pipeline();
    for (const key of candidates) batch.type(key);
    const types = (await batch.exec()) ?? [];
    return [next, candidates.filter((_key, i) => types[i]?.[1] === 'string')];
  }

  /** The 1.x session `id` as a version-0 record, or undefined (one GET, only when 1.x keys exist). */
  async read(id: string): Promise<SessionRecord | undefined> {
    if (!this.#present || !isOneXKey(id)) return undefined;
    let text: string | null;
    try {
      text = await this.client.get(id);
    } catch (error) {
      // A key of the right name that is not a string (a hash or list of the application) is not a 1.x session.
      if (/WRONGTYPE/.test((error as Error)?.message ?? '')) return undefined;
      throw this.fail(error, id, 'read (Bottender 1.x session)');
    }
    return text === null ? undefined : fromOneXSession(text, id);
  }

  /** Deletes the 1.x key of a session carried over. A failure only leaves a key no longer read. */
  async forget(id: string): Promise<void> {
    if (!this.#present || !isOneXKey(id)) return;
    try {
      await this.client.del(id);
    } catch (error) {
      this.logger.warn(
        `redis session store: session ${JSON.stringify(id)} was carried over from Bottender 1.x, but its old key could not ` +
          `be deleted (${(error as Error)?.message ?? String(error)}); it is no longer read while the new record exists`,
      );
    }
  }

  /** A transaction on a carried-over 1.x session: its commit also deletes the 1.x key. */
  carry(transaction: SessionTransaction, id: string): SessionTransaction {
    return {
      get record() {
        return transaction.record;
      },
      get hasHeldEvents() {
        return transaction.hasHeldEvents;
      },
      commit: async (next, options) => {
        await transaction.commit(next, options);
        await this.forget(id);
      },
      release: () => transaction.release(),
    };
  }

  /** The 1.x sessions for which `hasOwn(id)` is false (not carried over yet). */
  async *list(hasOwn: (id: string) => Promise<boolean>): AsyncIterable<SessionRecord> {
    if (!this.#present || this.client instanceof Cluster) return;
    const seen = new Set<string>();
    let cursor = '0';
    do {
      let keys: string[];
      try {
        [cursor, keys] = await this.#scanStrings(cursor);
      } catch (error) {
        throw this.fail(error, undefined, 'list (Bottender 1.x sessions)');
      }
      for (const key of keys) {
        if (!isOneXKey(key) || seen.has(key)) continue;
        seen.add(key);
        if (await hasOwn(key)) continue;
        let record: SessionRecord | undefined;
        try {
          record = await this.read(key);
        } catch {
          continue; // a string key of the application's that only looks like a session id
        }
        if (record) yield record;
      }
    } while (cursor !== '0');
  }
}

/**
 * Whether a key has the shape of a 1.x session id: `<platform>:<key>`. Keys with braces are this
 * driver's (its hash tags), never 1.x's.
 */
export function isOneXKey(key: string): boolean {
  return /^[A-Za-z0-9_-]+:/.test(key) && !key.includes('{');
}

/**
 * A 1.x session's JSON as a version-0 record. Anything else under a session's key (not JSON, not
 * an object, a `_state` that is not an object) is damage and reported, never taken for no session.
 */
export function fromOneXSession(text: string, id: string): SessionRecord {
  let session: unknown;
  try {
    session = JSON.parse(text);
  } catch {
    session = undefined;
  }
  const state = (session as { _state?: unknown } | undefined)?._state ?? {};
  if (
    typeof session !== 'object' ||
    session === null ||
    Array.isArray(session) ||
    typeof state !== 'object' ||
    state === null ||
    Array.isArray(state)
  ) {
    throw new SessionStoreError(
      `stored data at key ${JSON.stringify(id)} is not a Bottender 1.x session (its _state must be an object); ` +
        'it is left untouched: delete it to start this session over',
      id,
    );
  }
  const lastActivity = (session as { lastActivity?: unknown }).lastActivity;
  return {
    id,
    platform: platformOf(id),
    state: state as Record<string, unknown>,
    lastActivity: typeof lastActivity === 'number' && Number.isFinite(lastActivity) ? lastActivity : Date.now(),
    version: 0,
    eventIds: [],
  };
}
