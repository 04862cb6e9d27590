/**
 * Where a session lives in Redis.
 *
 * Session ids come from the network (invariant 9): they may hold braces, spaces, glob characters,
 * unicode or lone surrogates. Each id is therefore escaped into a small safe alphabet before it
 * becomes part of a key, so that
 * - the escaped id can serve as the Redis Cluster hash tag (`{...}`) that puts a session's record
 *   and its lock in one slot, which a script touching both requires;
 * - two different ids never share a key (the escaping is one-to-one);
 * - no id can widen the `SCAN MATCH` pattern used by `list()`.
 */

/** Characters kept as they are; ids such as `line:U4af49806...` stay readable in `redis-cli`. */
const SAFE = /^[A-Za-z0-9_.:@-]$/;

/**
 * Escapes a session id: safe characters are kept, every other UTF-16 code unit becomes `%`
 * followed by four hex digits (so lone surrogates survive too). The empty id becomes a lone `%`,
 * which no other id can produce, because an empty hash tag (`{}`) would not act as a tag at all.
 */
export function escapeSessionId(id: string): string {
  let out = '';
  for (let i = 0; i < id.length; i++) {
    const char = id[i];
    out += SAFE.test(char) ? char : `%${id.charCodeAt(i).toString(16).padStart(4, '0')}`;
  }
  return out === '' ? '%' : out;
}

/** The two keys of one session; both carry the same hash tag, so they share a cluster slot. */
export interface SessionKeys {
  /** A hash with `r` (the record as JSON) and `v` (its version, for the fencing check in Lua). */
  data: string;
  /** The lock: a random owner token with a lease (PX). */
  lock: string;
}

/** The keys of session `id` under `prefix`. */
export function sessionKeys(prefix: string, id: string): SessionKeys {
  const data = `${prefix}{${escapeSessionId(id)}}`;
  return { data, lock: `${data}:lock` };
}

/**
 * The `SCAN MATCH` pattern of every record key under `prefix` (lock keys end in `:lock`, not
 * `}`, so they are left out). Glob characters of the prefix are escaped.
 */
export function recordPattern(prefix: string): string {
  return `${prefix.replace(/[*?[\]\\]/g, '\\$&')}{*}`;
}

/**
 * The hash of events held for session `id` (acknowledged at a deadline before their commit):
 * field = event id, value = the held event as JSON. It shares the session's hash tag (one cluster
 * slot with the record and the lock) and ends in `:held`, so `list()` never takes it for a record.
 */
export function heldKey(prefix: string, id: string): string {
  return `${prefix}{${escapeSessionId(id)}}:held`;
}

/** The `SCAN MATCH` pattern of every held-events key under `prefix`. */
export function heldPattern(prefix: string): string {
  return `${recordPattern(prefix)}:held`;
}
