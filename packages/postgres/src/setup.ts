/**
 * Making sure the tables exist at start: created when missing (unless the team runs its own
 * migrations), and checked to be this driver's layout either way.
 */
import { SessionStoreError } from 'bottender/store';
import type { Pool } from 'pg';

import { createTableSql, type TableNames } from './schema';

/** The columns the statements use; a table without them is not this driver's. */
const SESSION_COLUMNS = ['id', 'platform', 'state', 'state_json', 'version', 'last_activity', 'expires_at', 'event_ids', 'lease_owner', 'lease_until'];
const HELD_COLUMNS = ['session_id', 'event_id', 'platform', 'raw_event', 'held_at'];

/**
 * Creates what is missing and checks the tables' columns. The DDL runs only when something is
 * missing (even `CREATE INDEX IF NOT EXISTS` would lock the table first), inside a transaction
 * holding an advisory lock, so processes starting together create the tables once.
 */
export async function prepareTables(pool: Pool, names: TableNames, create: boolean): Promise<void> {
  let present = await inspect(pool, names);
  // A table of that name that is not this driver's is refused before anything is created beside it.
  checkColumns(names, present);
  if (present.missing.length > 0 && create) {
    await createTables(pool, names);
    present = await inspect(pool, names);
  }
  if (present.missing.length > 0) {
    throw new SessionStoreError(
      `postgres session store: ${present.missing.join(' and ')} missing; ` +
        (create
          ? 'creating it failed'
          : "create it with the SQL of createTableSql() from '@bottender/postgres' (see docs/drivers/postgres.md), or set createTable: true"),
    );
  }
  checkColumns(names, present);
  // Tables created before state migrations existed lack this one nullable column: add it.
  if (!present.sessionColumns.includes('state_version')) {
    const sql = `ALTER TABLE ${names.sessions} ADD COLUMN IF NOT EXISTS state_version integer`;
    if (!create) {
      throw new SessionStoreError(`postgres session store: ${names.sessions} has no column state_version (for state migrations); run: ${sql}`);
    }
    await query(pool, () => pool.query(sql));
  }
}

function checkColumns(names: TableNames, present: Awaited<ReturnType<typeof inspect>>): void {
  for (const [label, columns, expected] of [
    [names.sessions, present.sessionColumns, SESSION_COLUMNS],
    [names.held, present.heldColumns, HELD_COLUMNS],
  ] as const) {
    const lacking = columns.length === 0 ? [] : expected.filter((column) => !columns.includes(column));
    if (lacking.length > 0) {
      throw new SessionStoreError(
        `postgres session store: table ${label} exists but has no column ${lacking.join(', ')}; ` +
          'it is not a session table of this driver (choose another table name, or migrate it)',
      );
    }
  }
}

async function inspect(pool: Pool, names: TableNames) {
  const { rows } = await query(pool, () =>
    pool.query(
      `SELECT to_regclass($1) IS NOT NULL AS sessions, to_regclass($2) IS NOT NULL AS held, to_regclass($3) IS NOT NULL AS expires_index,
        ARRAY(SELECT attname::text FROM pg_attribute WHERE attrelid = to_regclass($1) AND attnum > 0 AND NOT attisdropped) AS session_columns,
        ARRAY(SELECT attname::text FROM pg_attribute WHERE attrelid = to_regclass($2) AND attnum > 0 AND NOT attisdropped) AS held_columns`,
      [names.sessions, names.held, names.schema ? `${names.schema}.${names.expiresIndex}` : names.expiresIndex],
    ),
  );
  const row = rows[0];
  const missing: string[] = [];
  if (!row.sessions) missing.push(`table ${names.sessions}`);
  if (!row.expires_index) missing.push(`index ${names.expiresIndex}`);
  if (!row.held) missing.push(`table ${names.held}`);
  return { missing, sessionColumns: row.session_columns as string[], heldColumns: row.held_columns as string[] };
}

async function createTables(pool: Pool, names: TableNames): Promise<void> {
  const client = await query(pool, () => pool.connect());
  // A checked-out connection has no listener of the pool's: keep a break from crashing the process.
  const quiet = () => {};
  client.on('error', quiet);
  let failure: Error | undefined;
  try {
    await client.query('BEGIN');
    await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`bottender sessions ${names.sessions}`]);
    await client.query(createTableSql({ table: unquote(names.sessions), schema: names.schema ? unquote(names.schema) : undefined }));
    await client.query('COMMIT');
  } catch (error) {
    failure = error as Error;
    await client.query('ROLLBACK').catch(() => {});
    throw new SessionStoreError(`postgres session store: could not create ${names.sessions}: ${failure.message}`, undefined, { cause: error });
  } finally {
    client.off('error', quiet);
    client.release(failure);
  }
}

/** The last quoted part of a name: `"s"."t"` → `t`. */
function unquote(quoted: string): string {
  return /"([^"]+)"$/.exec(quoted)![1];
}

async function query<T>(pool: Pool, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    throw new SessionStoreError(`postgres session store: could not check its tables: ${(error as Error)?.message ?? error}`, undefined, {
      cause: error,
    });
  }
}
