/**
 * Where sessions live in PostgreSQL: the tables, their SQL, and how ids become column values.
 *
 * Session ids and event ids come from the network (invariant 9). PostgreSQL `text` cannot hold a
 * NUL character, and a lone UTF-16 surrogate has no UTF-8 form (the client would turn it into
 * U+FFFD, so `'\ud800'` and `'\ufffd'` would share a row). Such characters, and `%` itself, are
 * therefore escaped as `%` and four hex digits; every other character is kept, so ids such as
 * `line:U4af49806...` or `telegram:-100123` read as they are in `psql`. The escaping is one-to-one.
 */

import { normalizeOptions, type PostgresStoreOptions, resolveOptions } from './options';

/** The qualified, quoted names of one store's tables and index. */
export interface TableNames {
  /** The sessions table, e.g. `"public"."bottender_sessions"` or `"bottender_sessions"`. */
  sessions: string;
  /** Held events (deadline acknowledgements not yet committed). */
  held: string;
  /** The index the sweep uses, unqualified (an index lives in its table's schema). */
  expiresIndex: string;
  /** The schema, quoted, or undefined for the connection's search_path. */
  schema: string | undefined;
  /** For messages: the table name as written in the options. */
  label: string;
}

/** The names for `table` in `schema` (both already checked to be plain identifiers). */
export function tableNames(table: string, schema: string | undefined): TableNames {
  const q = (name: string) => `"${name}"`;
  const qualify = (name: string) => (schema ? `${q(schema)}.${q(name)}` : q(name));
  return {
    sessions: qualify(table),
    held: qualify(`${table}_held`),
    expiresIndex: q(`${table}_expires_at`),
    schema: schema ? q(schema) : undefined,
    label: schema ? `${schema}.${table}` : table,
  };
}

/**
 * The SQL that creates the tables and the sweep's index, idempotent (`IF NOT EXISTS`). The store
 * runs it at start unless `createTable: false`; teams that run migrations themselves put it in one.
 * Takes the same options as the store (only `table` and `schema` matter), checked the same way, so
 * a name that is not a plain identifier is refused rather than printed into SQL.
 *
 * One row per session. `version` 0 rows are placeholders a lease created for a session that has no
 * record yet; they are born expired, so reads skip them and the sweep removes them once unleased.
 */
export function createTableSql(options: PostgresStoreOptions | string = {}): string {
  const { table, schema } = resolveOptions(normalizeOptions(options));
  const names = tableNames(table, schema);
  return `${names.schema ? `CREATE SCHEMA IF NOT EXISTS ${names.schema};\n\n` : ''}CREATE TABLE IF NOT EXISTS ${names.sessions} (
  -- The session id ('line:U4af49806...'); NUL, lone surrogates and '%' escaped as %XXXX.
  id text COLLATE "C" PRIMARY KEY,
  platform text NOT NULL,
  -- The conversation state. state_json is used instead only for a state jsonb cannot keep
  -- (strings holding U+0000 or a lone surrogate); exactly one of the two is set once written.
  state jsonb,
  state_json json,
  -- +1 on every committed write; writes are fenced on it.
  version bigint NOT NULL DEFAULT 0,
  -- The version of the state's shape (config stateVersion, for state migrations); NULL means 1.
  state_version integer,
  last_activity timestamptz,
  -- expiresIn: past it the session reads as absent and the sweep deletes it. NULL: never.
  expires_at timestamptz,
  -- Ids of the last committed events (escaped like id), for dropping redeliveries.
  event_ids text[] NOT NULL DEFAULT '{}',
  -- The lease of the event being handled: a random owner token and when it runs out.
  lease_owner uuid,
  lease_until timestamptz
-- Every event updates its row twice (lease, then write): free room on each page lets PostgreSQL
-- keep those updates on the page (HOT), without new index entries.
) WITH (fillfactor = 80);

CREATE INDEX IF NOT EXISTS ${names.expiresIndex} ON ${names.sessions} (expires_at) WHERE expires_at IS NOT NULL;

CREATE TABLE IF NOT EXISTS ${names.held} (
  session_id text COLLATE "C" NOT NULL,
  event_id text COLLATE "C" NOT NULL,
  platform text NOT NULL,
  -- The event as the platform sent it (json keeps any JSON text, NUL escapes included).
  raw_event json NOT NULL,
  held_at timestamptz NOT NULL,
  PRIMARY KEY (session_id, event_id)
);
`;
}

/**
 * Escapes an id for a `text` column: `%`, NUL and lone surrogates become `%` and four hex digits;
 * everything else is kept.
 */
export function escapeId(id: string): string {
  // The fast path: nothing to escape (almost every real id).
  if (!/[%\u0000\ud800-\udfff]/.test(id)) return id;
  let out = '';
  for (let i = 0; i < id.length; i++) {
    const code = id.charCodeAt(i);
    if (code >= 0xd800 && code <= 0xdbff && i + 1 < id.length) {
      const next = id.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        out += id[i] + id[i + 1]; // a well-formed pair: a character UTF-8 can hold
        i++;
        continue;
      }
    }
    const escape = code === 0x25 || code === 0 || (code >= 0xd800 && code <= 0xdfff);
    out += escape ? `%${code.toString(16).padStart(4, '0')}` : id[i];
  }
  return out;
}

/** The inverse of {@link escapeId}. */
export function unescapeId(stored: string): string {
  if (!stored.includes('%')) return stored;
  return stored.replace(/%([0-9a-f]{4})/g, (_all, hex: string) => String.fromCharCode(parseInt(hex, 16)));
}

/**
 * Whether a JSON text holds an escape jsonb refuses: `\u0000`, or a lone surrogate (which
 * `JSON.stringify` always writes as `\udXXX`, while a well-formed pair is written as itself).
 * The backslash must itself be unescaped, so `"\\u0000"` (a backslash, then `u0000`) does not count.
 */
export function needsPlainJson(json: string): boolean {
  if (!json.includes('\\u')) return false;
  return /(?<!\\)(?:\\\\)*\\u(?:0000|d[89a-f])/i.test(json);
}
