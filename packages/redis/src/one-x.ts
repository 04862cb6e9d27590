import {
  type Logger,
  oneXSessionRecord,
  type OneXSessionParts,
  readOneXSession,
  type SessionRecord,
  SessionStoreError,
  type SessionTransaction,
} from 'bottender/store';
import { Cluster, type Redis } from 'ioredis';

/** Keys asked for per SCAN step while looking for 1.x sessions at start. */
const SCAN_COUNT = 1000;

/**
 * Sessions Bottender 1.x wrote to the same Redis database.
 *
 * 1.5.5's RedisSessionStore (a RedisCacheStore behind a CacheBasedSessionStore) keeps one string
 * key per session, named by the session id itself (`line:U4af49806...`), holding the whole 1.x
 * session object as JSON:
 *
 *     SET line:U4af...  '{"id":"line:U4af...","platform":"line","user":{...},"_state":{...},"lastActivity":1712345678901}'
 *
 * written with `SETEX key <expiresIn * 60> json` when `session.expiresIn` was set (so Redis expired
 * it) and plain `SET` otherwise. 1.x handed `session.stores.redis` as it was to `new Redis(options)`,
 * so a config with `keyPrefix: 'mybot:'` had ioredis put the key at `mybot:line:U4af...`. That
 * config, used unchanged here, gives this driver the same `keyPrefix`; a session is then looked
 * for at both `${id}` and `${keyPrefix}${id}`. This driver's own keys are hashes (and lock and
 * held-event keys) with the id in braces (`mybot:{line:U4af...}`), and 1.x's never have braces,
 * so the two layouts never meet.
 *
 * The store looks once, at start, whether the database holds any 1.x session key (a `SCAN` over
 * string keys; 1.x never ran on a Cluster, so a Cluster is not searched). Only then does an event
 * of a session without a record of this driver read the 1.x key: after the lock is taken, under
 * it, one `GET` (one `MGET` of both places when `keyPrefix` was given). The 1.x session is the
 * record at version 0 (its `_state` is the state, its `lastActivity` still counts for expiry); the
 * event's commit writes this driver's record, and the 1.x key (both, if both existed) is then
 * deleted, so it is never read again. Sessions that have a record of this driver never cost a
 * lookup.
 */
export class OneXSessionKeys {
  #present = false;

  /**
   * @param client - the store's connection.
   * @param fail - turns a Redis error into the store's SessionStoreError.
   * @param logger - where a failed deletion of a carried-over key is reported.
   * @param keyPrefix - the `keyPrefix` the user's options gave (undefined when they gave none):
   *   where ioredis put 1.x's keys if 1.x's config had it.
   */
  constructor(
    private readonly client: Redis | Cluster,
    private readonly fail: (error: unknown, id: string | undefined, what: string) => SessionStoreError,
    private readonly logger: Logger,
    private readonly keyPrefix?: string,
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
      if (keys.length > 0) {
        this.#present = true;
        return;
      }
    } while (cursor !== '0');
  }

  /**
   * The session id a key holds if it is where 1.x kept a session (`${keyPrefix}${id}` or `${id}`),
   * else undefined. A key that begins with the prefix followed by an id is taken as prefixed.
   */
  sessionIdOf(key: string): string | undefined {
    const prefix = this.keyPrefix;
    if (prefix !== undefined && key.startsWith(prefix) && isOneXKey(key.slice(prefix.length))) return key.slice(prefix.length);
    return isOneXKey(key) ? key : undefined;
  }

  /** Where 1.x may have kept session `id`: the bare id, then the prefixed key (if a prefix was given). */
  keysOf(id: string): string[] {
    return this.keyPrefix === undefined ? [id] : [id, `${this.keyPrefix}${id}`];
  }

  #typeFilter = true;

  /**
   * One SCAN step over string keys where 1.x kept sessions. The pattern `*:*` matches the prefixed
   * keys too (the id after the prefix holds a colon), so one pass finds both shapes and no pattern
   * is built from the prefix, whose glob characters (`*?[]\`) could otherwise widen it; the keys
   * are then told apart here, exactly, by {@link sessionIdOf}. `SCAN ... TYPE` needs Redis 6; on
   * an older server the step is a plain SCAN and the candidates' types are asked in one pipeline.
   */
  async #scanStrings(cursor: string): Promise<[string, string[]]> {
    const client = this.client as Redis;
    const isOneX = (key: string) => this.sessionIdOf(key) !== undefined;
    if (this.#typeFilter) {
      try {
        const [next, keys] = await client.scan(cursor, 'MATCH', '*:*', 'COUNT', SCAN_COUNT, 'TYPE', 'string');
        return [next, keys.filter(isOneX)];
      } catch (error) {
        if (!/syntax|TYPE/i.test((error as Error)?.message ?? '')) throw error;
        this.#typeFilter = false;
      }
    }
    const [next, keys] = await client.scan(cursor, 'MATCH', '*:*', 'COUNT', SCAN_COUNT);
    const candidates = keys.filter(isOneX);
    if (candidates.length === 0) return [next, []];
    const batch = client.pipeline();
    for (const key of candidates) batch.type(key);
    const types = (await batch.exec()) ?? [];
    return [next, candidates.filter((_key, i) => types[i]?.[1] === 'string')];
  }

  /**
   * The 1.x session `id` as a version-0 record, or undefined; only when 1.x keys exist, in one
   * round trip: a `GET`, or an `MGET` of the bare and the prefixed key when a prefix was given.
   * When both hold a session, the one 1.x wrote last wins (see {@link latestCopy}).
   */
  async read(id: string): Promise<SessionRecord | undefined> {
    if (!this.#present || !isOneXKey(id)) return undefined;
    const keys = this.keysOf(id);
    let texts: (string | null)[];
    try {
      // MGET answers nil for a key that is not a string; GET fails with WRONGTYPE (below).
      texts = keys.length === 1 ? [await this.client.get(id)] : await this.client.mget(keys);
    } catch (error) {
      // A key of the right name that is not a string (a hash or list of the application) is not a 1.x session.
      if (/WRONGTYPE/.test((error as Error)?.message ?? '')) return undefined;
      throw this.fail(error, id, 'read (Bottender 1.x session)');
    }
    let found: OneXCopy | undefined;
    for (let i = 0; i < keys.length; i++) {
      const text = texts[i];
      if (text === null || text === undefined) continue;
      const copy = parseOneXSession(text, keys[i], id);
      found = found === undefined ? copy : latestCopy(found, copy);
    }
    return found === undefined ? undefined : oneXSessionRecord(id, found);
  }

  /**
   * Deletes the 1.x key(s) of a session carried over (one `DEL`, both places when a prefix was
   * given). A failure only leaves a key no longer read.
   */
  async forget(id: string): Promise<void> {
    if (!this.#present || !isOneXKey(id)) return;
    try {
      await this.client.del(...this.keysOf(id));
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

  /** The 1.x sessions for which `hasOwn(id)` is false (not carried over yet), once each. */
  async *list(hasOwn: (id: string) => Promise<boolean>): AsyncIterable<SessionRecord> {
    if (!this.#present || this.client instanceof Cluster) return;
    const seen = new Set<string>(); // SCAN may return a key twice; a session may have two keys.
    let cursor = '0';
    do {
      let keys: string[];
      try {
        [cursor, keys] = await this.#scanStrings(cursor);
      } catch (error) {
        throw this.fail(error, undefined, 'list (Bottender 1.x sessions)');
      }
      for (const key of keys) {
        const id = this.sessionIdOf(key);
        if (id === undefined || seen.has(id)) continue;
        seen.add(id);
        if (await hasOwn(id)) continue;
        let record: SessionRecord | undefined;
        try {
          record = await this.read(id);
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

/** A 1.x session as found at one key. */
interface OneXCopy extends OneXSessionParts {
  key: string;
}

/**
 * Of two 1.x copies of one session (a bot that ran with and without ioredis's `keyPrefix`), the
 * one with the later `lastActivity`: 1.x stamped it on every write, so that copy holds the
 * conversation as its user last left it. On a tie, or without stamps, the later in
 * {@link OneXSessionKeys.keysOf} order (the prefixed key): the config in use now is the one
 * with the prefix.
 */
function latestCopy(earlier: OneXCopy, later: OneXCopy): OneXCopy {
  return (earlier.lastActivity ?? -Infinity) > (later.lastActivity ?? -Infinity) ? earlier : later;
}

/**
 * The 1.x copy of session `id` found at `key`. Anything else under a session's key (not JSON, not
 * an object, a `_state` that is not an object) is damage and reported, never taken for no session.
 */
function parseOneXSession(text: string, key: string, id: string): OneXCopy {
  let parts;
  try {
    parts = readOneXSession(JSON.parse(text));
  } catch {
    parts = undefined;
  }
  if (parts === undefined) {
    throw new SessionStoreError(
      `stored data at key ${JSON.stringify(key)} is not a Bottender 1.x session (its _state must be an object); ` +
        'it is left untouched: delete it to start this session over',
      id,
    );
  }
  return { key, ...parts };
}
