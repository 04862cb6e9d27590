/**
 * The SQL behind the store. Each is ONE statement, run in autocommit: PostgreSQL makes a single
 * statement atomic, which is what lets one round trip both check and act (take the lease and read,
 * or check the lease and the version and write). No transaction is ever held open across a handler.
 *
 * A session is "live" when it has a record (version > 0) and has not expired:
 * `expires_at IS NULL OR expires_at > now()`. Anything else reads as absent, and fenced writes see
 * its version as 0. `now()` is the database's clock, so every process agrees on expiry and leases.
 */
import { createHash } from 'node:crypto';

import type { TableNames } from './schema';

/** A named statement: `pg` prepares it once per connection and then sends only its parameters. */
export interface Statement {
  name: string;
  text: string;
}

/** The columns a record is built from, in every statement that returns one. */
const RECORD_COLUMNS = (s: string) => `${s}.platform, COALESCE(${s}.state_json::text, ${s}.state::text) AS state, ${s}.version,
  (extract(epoch FROM ${s}.last_activity) * 1000)::float8 AS last_activity, ${s}.event_ids,
  (${s}.version > 0 AND (${s}.expires_at IS NULL OR ${s}.expires_at > now())) AS live, ${s}.state_version`;

/** The version a fenced write compares with: 0 for an absent, placeholder or expired session. */
const EFFECTIVE_VERSION = (s: string) => `(CASE WHEN ${s}.expires_at IS NULL OR ${s}.expires_at > now() THEN ${s}.version ELSE 0 END)`;

/**
 * Makes the statement's own transaction commit without waiting for its WAL flush. Only for the
 * statements that take, extend or give back a lease: losing one in a server crash only loses a
 * lease (the fenced write then refuses the event, which is redelivered), and the next durable
 * commit flushes it anyway. Writes of state and held events stay synchronous: a 2xx means saved.
 * Called from RETURNING, so it runs exactly when the statement changed a row.
 */
const NO_FLUSH_WAIT = `set_config('synchronous_commit', 'off', true)`;

/** `$n` milliseconds from now, or NULL when the parameter is NULL. */
const FROM_NOW = (param: string) => `now() + ${param}::float8 * interval '1 millisecond'`;

/**
 * The columns every write sets, from parameters $first.. in this order: platform, state (jsonb
 * text or NULL), state_json (json text or NULL), version, last activity (epoch ms), event ids,
 * time to live in ms (NULL: never expires), state version (NULL: 1).
 */
function written(first: number): { columns: string; values: string; assignments: string } {
  const p = (i: number) => `$${first + i}`;
  const pairs: [string, string][] = [
    ['platform', p(0)],
    ['state', `${p(1)}::jsonb`],
    ['state_json', `${p(2)}::json`],
    ['version', p(3)],
    ['last_activity', `to_timestamp(${p(4)}::float8 / 1000)`],
    ['event_ids', `${p(5)}::text[]`],
    ['expires_at', FROM_NOW(p(6))],
    ['state_version', `${p(7)}::integer`],
  ];
  return {
    columns: pairs.map(([column]) => column).join(', '),
    values: pairs.map(([, value]) => value).join(', '),
    assignments: pairs.map(([column, value]) => `${column} = ${value}`).join(', '),
  };
}

/** Every statement of one store, for its tables. */
export function statements(names: TableNames) {
  const t = names.sessions;
  const w2 = written(2);
  const w4 = written(4);
  const all = {
    /**
     * $1 id, $2 platform (of a new placeholder), $3 owner token, $4 lease ms.
     * Takes the lease if the session has none (or it ran out) and returns the row in the same
     * statement; a session without a row gets a placeholder (version 0, born expired) to carry the
     * lease. No row returned: another event holds the lease.
     */
    begin: `INSERT INTO ${t} AS s (id, platform, version, expires_at, lease_owner, lease_until)
VALUES ($1, $2, 0, now(), $3, ${FROM_NOW('$4')})
ON CONFLICT (id) DO UPDATE SET lease_owner = excluded.lease_owner, lease_until = excluded.lease_until
  WHERE s.lease_until IS NULL OR s.lease_until <= now()
RETURNING ${RECORD_COLUMNS('s')}, ${NO_FLUSH_WAIT} AS async_commit`,

    /**
     * $1 id, $2 owner token, $3 expected version, $4.. the record (see `written`).
     * Writes only while the lease is still this event's and the version is still the one read, and
     * ends the lease in the same statement. No row updated: lease lost or version conflict
     * (the store then asks which, off the hot path).
     */
    commit: `UPDATE ${t} AS s SET ${w4.assignments}, lease_owner = NULL, lease_until = NULL
WHERE s.id = $1 AND s.lease_owner = $2 AND ${EFFECTIVE_VERSION('s')} = $3`,

    /** $1 id, $2.. the record. The fenced write of a session expected absent (version 0). */
    create: `INSERT INTO ${t} AS s (id, ${w2.columns}) VALUES ($1, ${w2.values})
ON CONFLICT (id) DO UPDATE SET ${w2.columns
      .split(', ')
      .map((column) => `${column} = excluded.${column}`)
      .join(', ')}
  WHERE ${EFFECTIVE_VERSION('s')} = 0`,

    /** $1 id, $2.. the record, $10 expected version (> 0). The fenced write of an existing session. */
    update: `UPDATE ${t} AS s SET ${w2.assignments}
WHERE s.id = $1 AND s.version = $10 AND (s.expires_at IS NULL OR s.expires_at > now())`,

    /** $1 id, $2 owner token. Why a commit or write was refused: whose lease, which version. */
    inspect: `SELECT s.lease_owner = $2 AS ours, ${EFFECTIVE_VERSION('s')} AS version FROM ${t} AS s WHERE s.id = $1`,

    /**
     * $1 id, $2 owner token. Ends the lease if it is still this event's; a placeholder (no record
     * was ever written under it) is removed instead.
     */
    release: `WITH gone AS (DELETE FROM ${t} WHERE id = $1 AND lease_owner = $2 AND version = 0 RETURNING ${NO_FLUSH_WAIT})
UPDATE ${t} SET lease_owner = NULL, lease_until = NULL
WHERE id = $1 AND lease_owner = $2 AND NOT EXISTS (SELECT 1 FROM gone)
RETURNING ${NO_FLUSH_WAIT}`,

    /** $1 lease ms, $2 ids, $3 owner tokens. Extends the leases still held; returns the tokens renewed. */
    renew: `UPDATE ${t} AS s SET lease_until = ${FROM_NOW('$1')}
FROM unnest($2::text[], $3::uuid[]) AS l(id, owner)
WHERE s.id = l.id AND s.lease_owner = l.owner
RETURNING s.lease_owner::text AS owner, ${NO_FLUSH_WAIT} AS async_commit`,

    /** $1 id. The row, live or not (the store decides what an absent or damaged row means). */
    read: `SELECT ${RECORD_COLUMNS('s')} FROM ${t} AS s WHERE s.id = $1`,

    /** $1 id. */
    delete: `DELETE FROM ${t} WHERE id = $1`,

    /** $1 page size. The first page of live sessions, in id order. */
    listFirst: `SELECT s.id, ${RECORD_COLUMNS('s')} FROM ${t} AS s
WHERE s.version > 0 AND (s.expires_at IS NULL OR s.expires_at > now()) ORDER BY s.id LIMIT $1`,

    /** $1 page size, $2 the last id of the previous page. */
    listNext: `SELECT s.id, ${RECORD_COLUMNS('s')} FROM ${t} AS s
WHERE s.id > $2 AND s.version > 0 AND (s.expires_at IS NULL OR s.expires_at > now()) ORDER BY s.id LIMIT $1`,

    /**
     * $1 batch size. Deletes up to that many expired, unleased rows (placeholders included). The
     * rows are picked by their physical address with SKIP LOCKED, so the sweep never waits for, or
     * blocks, an event, and never locks more than the batch; `ctid = ANY(ARRAY(...))` lets the
     * planner fetch them by TID. The conditions are checked again on each row as it is deleted.
     */
    sweep: `DELETE FROM ${t} WHERE ctid = ANY(ARRAY(
  SELECT ctid FROM ${t} WHERE expires_at <= now() AND (lease_until IS NULL OR lease_until <= now())
  LIMIT $1 FOR UPDATE SKIP LOCKED
)) AND expires_at <= now() AND (lease_until IS NULL OR lease_until <= now())`,

    /** $1 session id, $2 event id, $3 platform, $4 raw event (JSON text), $5 held at (epoch ms). Idempotent. */
    hold: `INSERT INTO ${names.held} (session_id, event_id, platform, raw_event, held_at)
VALUES ($1, $2, $3, $4::json, to_timestamp($5::float8 / 1000)) ON CONFLICT DO NOTHING`,

    /** $1 session id. Its held events, oldest first. */
    heldOf: `SELECT session_id, event_id, platform, raw_event::text AS raw_event, (extract(epoch FROM held_at) * 1000)::float8 AS held_at
FROM ${names.held} WHERE session_id = $1 ORDER BY held_at, event_id`,

    /** $1 page size, $2/$3/$4 where the previous page ended (session, held at ms, event) or NULLs. Every held event, by session then age. */
    heldAll: `SELECT session_id, event_id, platform, raw_event::text AS raw_event, (extract(epoch FROM held_at) * 1000)::float8 AS held_at
FROM ${names.held}
WHERE $2::text IS NULL OR (session_id, held_at, event_id) > ($2, to_timestamp($3::float8 / 1000), $4::text)
ORDER BY session_id, held_at, event_id LIMIT $1`,

    /** $1 session id, $2 event ids. */
    unhold: `DELETE FROM ${names.held} WHERE session_id = $1 AND event_id = ANY($2::text[])`,
  };
  const named = {} as Record<keyof typeof all, Statement>;
  for (const [key, text] of Object.entries(all)) {
    // Named after what they do and a digest of their text, which includes the table: stores on two
    // tables that share a pooled connection never collide.
    const digest = createHash('sha1').update(text).digest('hex').slice(0, 12);
    named[key as keyof typeof all] = { name: `bottender_${key}_${digest}`, text };
  }
  return named;
}

export type Statements = ReturnType<typeof statements>;
