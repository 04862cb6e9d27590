import { createHash } from 'node:crypto';

import { ObjectId } from 'mongodb';

/**
 * How a session is found in its collection.
 *
 * Session ids come from the network (invariant 9) and may hold lone surrogates, which BSON (UTF-8)
 * cannot keep: `'\ud800'` and `'\ufffd'` would be stored as the same string and two sessions
 * would share a document. Each id is therefore escaped into a small safe alphabet before it is
 * stored in the `sid` field, which a unique index created at start makes the lookup key.
 */

/** Characters kept as they are; ids such as `line:U4af49806...` stay readable in `mongosh`. */
const SAFE = /^[A-Za-z0-9_.:@-]$/;

/**
 * Escapes a session id: safe characters are kept, every other UTF-16 code unit becomes `%`
 * followed by four hex digits (so lone surrogates survive too). The empty id becomes a lone `%`,
 * which no other id can produce. One-to-one: two ids never share a `sid`.
 */
export function escapeSessionId(id: string): string {
  let out = '';
  for (let i = 0; i < id.length; i++) {
    const char = id[i];
    out += SAFE.test(char) ? char : `%${id.charCodeAt(i).toString(16).padStart(4, '0')}`;
  }
  return out === '' ? '%' : out;
}

/**
 * The `_id` the driver gives a session's document when it creates one: the first 12 bytes of the
 * SHA-256 of its `sid`. Lookups go through `sid`; this deterministic `_id` is what makes "take the
 * lock, or create the document holding it" one command. When the lock is held, the conditional
 * update matches nothing and its upsert tries to insert a second document for the session, which
 * the `_id` index refuses (E11000) on every server, even one that does not enforce the unique
 * index on `sid` (a 96-bit collision between two sessions is out of practical reach).
 */
export function documentId(sid: string): ObjectId {
  return new ObjectId(createHash('sha256').update(sid).digest().subarray(0, 12));
}

/** Whether `error` is a duplicate-key refusal (E11000), however the server words it. */
export function isDuplicateKey(error: unknown): boolean {
  const e = error as { code?: unknown; message?: unknown } | null;
  return e?.code === 11000 || e?.code === 11001 || (typeof e?.message === 'string' && /duplicate key/i.test(e.message));
}
