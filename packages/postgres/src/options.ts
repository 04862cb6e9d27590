import { describeValue, type Logger, unknownKeyMessage } from 'bottender';
import { Pool, type PoolConfig } from 'pg';

/**
 * `session.stores.postgres`: where PostgreSQL is, which table holds the sessions, and how leases
 * and the expiry sweep behave.
 *
 * Reach the database with a connection string (`connectionString`, or the whole option given as a
 * string), with `pg`'s own connection settings (`host`, `port`, `user`, `password`, `database`,
 * `ssl`, ...), or with a `pool` you created. With none, `pg`'s defaults and the standard `PG*`
 * environment variables (`PGHOST`, `PGUSER`, ...) apply.
 */
export interface PostgresStoreOptions extends Omit<PoolConfig, 'query_timeout' | 'statement_timeout' | 'connectionTimeoutMillis'> {
  /**
   * A `pg` Pool you created, for settings this driver does not expose. The store never ends it,
   * and adds an `'error'` listener to it so a connection that breaks while idle cannot crash the
   * process. Give it `query_timeout`/`statement_timeout` yourself for prompt 503s.
   */
  pool?: Pool;
  /** The sessions table. Default `bottender_sessions`; held events go to `<table>_held`. */
  table?: string;
  /** The schema of the tables. Default: the connection's `search_path` (usually `public`). */
  schema?: string;
  /**
   * Create the schema, tables and index at start when they are missing (default true). Teams that
   * run migrations themselves set false and apply {@link createTableSql}'s SQL; the store then only
   * checks, at start, that the table is there.
   */
  createTable?: boolean;
  /**
   * How long a session's lease lasts if its process stops renewing it (a crash). A live process
   * renews it while the handler runs. Default 5 000 ms: shorter than the runtime's default lock
   * wait (10 s), so an event waiting behind a crashed process gets the session before it gives up.
   */
  lockLeaseMs?: number;
  /** First pause before asking again for a leased session; pauses double up to 200 ms (or this, if more). Default 10 ms. */
  lockRetryMs?: number;
  /** How long `init()` and each new connection may take. Default 5 000 ms. */
  connectTimeoutMs?: number;
  /** How long one statement may take (client and server side) before the event fails (503); 0 disables. Default 5 000 ms. */
  commandTimeoutMs?: number;
  /** How often expired sessions are deleted, in ms; 0 turns the sweep off. Default 60 000. */
  sweepIntervalMs?: number;
  /** Rows deleted per sweep statement; a sweep runs at most 10 of them. Default 500. */
  sweepBatchSize?: number;
  /**
   * While the database is known down, events are answered 503 at once, and one every this often
   * tries it again. Default 2 000 ms.
   */
  outageRetryMs?: number;
  /** Where outages and recoveries are reported. Default: Bottender's console logger. */
  logger?: Logger;
}

/** The options after defaults and checks. */
export interface ResolvedOptions {
  table: string;
  schema: string | undefined;
  createTable: boolean;
  lockLeaseMs: number;
  lockRetryMs: number;
  connectTimeoutMs: number;
  commandTimeoutMs: number;
  sweepIntervalMs: number;
  sweepBatchSize: number;
  outageRetryMs: number;
  logger: Logger | undefined;
}

const DRIVER_KEYS = [
  'pool',
  'table',
  'schema',
  'createTable',
  'lockLeaseMs',
  'lockRetryMs',
  'connectTimeoutMs',
  'commandTimeoutMs',
  'sweepIntervalMs',
  'sweepBatchSize',
  'outageRetryMs',
  'logger',
] as const;

/** `pg`'s connection and pool settings that may sit beside the driver's own. */
const PG_KEYS = [
  'connectionString',
  'host',
  'port',
  'user',
  'password',
  'database',
  'ssl',
  'keepAlive',
  'keepAliveInitialDelayMillis',
  'application_name',
  'fallback_application_name',
  'options',
  'client_encoding',
  'lock_timeout',
  'idle_in_transaction_session_timeout',
  'types',
  'stream',
  'enableChannelBinding',
  'sslnegotiation',
  'max',
  'min',
  'idleTimeoutMillis',
  'allowExitOnIdle',
  'maxUses',
  'maxLifetimeSeconds',
  'log',
  'Client',
  'onConnect',
  'verify',
] as const;

/** Timeouts the driver sets from its own options; naming them would give two answers. */
const PG_TIMEOUTS: Record<string, string> = {
  query_timeout: 'commandTimeoutMs',
  statement_timeout: 'commandTimeoutMs',
  connectionTimeoutMillis: 'connectTimeoutMs',
};

const NAME = 'session.stores.postgres';
/** A plain SQL identifier: what a table or schema name may be without quoting surprises. */
const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]{0,62}$/;

/** A connection string given as the whole option becomes `{ connectionString }`. */
export function normalizeOptions(options: PostgresStoreOptions | string | undefined | null): PostgresStoreOptions {
  if (options === undefined || options === null) return {};
  if (typeof options === 'string') return { connectionString: options };
  return options;
}

/**
 * Checks the options and fills in defaults. Throws a TypeError naming the offending key: a typo in
 * a config file should stop the start, not quietly connect somewhere else.
 */
export function resolveOptions(options: PostgresStoreOptions): ResolvedOptions {
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw new TypeError(`${NAME} must be a connection string or an object, got ${describe(options)}`);
  }
  const o = options as Record<string, unknown>;
  for (const key of Object.keys(o)) {
    if (PG_TIMEOUTS[key]) {
      throw new TypeError(`${NAME}.${key} is set by the driver; give ${NAME}.${PG_TIMEOUTS[key]} instead`);
    }
    if (!(DRIVER_KEYS as readonly string[]).includes(key) && !(PG_KEYS as readonly string[]).includes(key)) {
      throw new TypeError(unknownKeyMessage(NAME, key, [...DRIVER_KEYS, ...PG_KEYS]));
    }
  }
  // Like an omitted key, null takes the default: config files often write `key: null`.
  const given = (key: string) => o[key] !== undefined && o[key] !== null;

  if (given('connectionString')) {
    if (typeof o.connectionString !== 'string' || !/^postgres(ql)?:\/\//.test(o.connectionString)) {
      throw new TypeError(
        `${NAME}.connectionString must start with postgres:// or postgresql://, got ${describe(typeof o.connectionString === 'string' ? redactUrl(o.connectionString) : o.connectionString)}`,
      );
    }
  }
  for (const key of ['host', 'user', 'database', 'application_name']) optionalString(o, key, true);
  if (given('password') && typeof o.password !== 'string' && typeof o.password !== 'function') {
    throw new TypeError(`${NAME}.password must be a string or a function, got ${describeValue(o.password)}`);
  }
  optionalInteger(o, 'port', 1, 65_535);
  optionalInteger(o, 'max', 1, 10_000);
  if (given('pool')) {
    const pool = o.pool as { query?: unknown; connect?: unknown; on?: unknown };
    if (typeof pool !== 'object' || pool === null || typeof pool.query !== 'function' || typeof pool.connect !== 'function' || typeof pool.on !== 'function') {
      throw new TypeError(`${NAME}.pool must be a pg Pool`);
    }
    const clash = PG_KEYS.find(given) ?? (given('connectTimeoutMs') ? 'connectTimeoutMs' : given('commandTimeoutMs') ? 'commandTimeoutMs' : undefined);
    if (clash) throw new TypeError(`${NAME}.${clash} cannot be combined with ${NAME}.pool (configure the pool instead)`);
  }
  if (given('logger')) {
    const logger = o.logger as Partial<Logger> | null;
    if (typeof logger !== 'object' || logger === null || typeof logger.warn !== 'function' || typeof logger.info !== 'function') {
      throw new TypeError(`${NAME}.logger must have info() and warn() methods`);
    }
  }
  if (given('createTable') && typeof o.createTable !== 'boolean') {
    throw new TypeError(`${NAME}.createTable must be true or false, got ${describe(o.createTable)}`);
  }

  const table = given('table') ? o.table : 'bottender_sessions';
  if (typeof table !== 'string' || !IDENTIFIER.test(table) || table.length > 58) {
    throw new TypeError(
      `${NAME}.table must be a name of letters, digits and _ (not starting with a digit, at most 58 characters), got ${describe(table)}`,
    );
  }
  const schema = given('schema') ? o.schema : undefined;
  if (schema !== undefined && (typeof schema !== 'string' || !IDENTIFIER.test(schema))) {
    throw new TypeError(`${NAME}.schema must be a name of letters, digits and _ (not starting with a digit), got ${describe(schema)}`);
  }
  return {
    table,
    schema: schema as string | undefined,
    createTable: o.createTable !== false,
    lockLeaseMs: optionalInteger(o, 'lockLeaseMs', 100, 3_600_000) ?? 5_000,
    lockRetryMs: optionalInteger(o, 'lockRetryMs', 1, 60_000) ?? 10,
    connectTimeoutMs: optionalInteger(o, 'connectTimeoutMs', 1, 600_000) ?? 5_000,
    commandTimeoutMs: optionalInteger(o, 'commandTimeoutMs', 0, 600_000) ?? 5_000,
    sweepIntervalMs: optionalInteger(o, 'sweepIntervalMs', 0, 86_400_000) ?? 60_000,
    sweepBatchSize: optionalInteger(o, 'sweepBatchSize', 1, 100_000) ?? 500,
    outageRetryMs: optionalInteger(o, 'outageRetryMs', 1, 600_000) ?? 2_000,
    logger: o.logger as Logger | undefined,
  };
}

/**
 * Creates the pool for options without `pool`. Connections are made on demand; each statement is
 * bounded on both sides (`statement_timeout` in the server, `query_timeout` in the client, so a
 * frozen or unreachable server still fails the event), and a connection that failed a query is
 * discarded by the pool, so the next event gets a fresh one.
 */
export function createPool(options: PostgresStoreOptions, resolved: ResolvedOptions): Pool {
  const config: PoolConfig = {};
  for (const key of PG_KEYS) {
    const value = (options as Record<string, unknown>)[key];
    if (value !== undefined && value !== null) (config as Record<string, unknown>)[key] = value;
  }
  config.connectionTimeoutMillis = resolved.connectTimeoutMs;
  if (resolved.commandTimeoutMs > 0) {
    config.statement_timeout = resolved.commandTimeoutMs;
    // A little later than the server's own limit, so the server's clearer error usually wins.
    config.query_timeout = resolved.commandTimeoutMs + 250;
  }
  config.keepAlive ??= true;
  config.application_name ??= 'bottender';
  return new Pool(config);
}

/** Where the store connects, for error messages; never includes a password. */
export function describeTarget(options: PostgresStoreOptions): string {
  if (options.pool) return 'the given pg Pool';
  if (options.connectionString) return redactUrl(options.connectionString);
  const host = options.host ?? process.env.PGHOST ?? 'localhost';
  const port = options.port ?? (process.env.PGPORT ? Number(process.env.PGPORT) : 5432);
  const database = options.database ?? process.env.PGDATABASE;
  return `${host}:${port}${database ? `/${database}` : ''}`;
}

function redactUrl(url: string): string {
  return url
    .replace(/^([a-z][a-z0-9+.-]*:\/\/)([^@/]*)@/i, (_all, scheme: string, auth: string) =>
      `${scheme}${auth.includes(':') ? `${auth.slice(0, auth.indexOf(':'))}:***` : auth}@`,
    )
    .replace(/([?&]password=)[^&]*/gi, '$1***');
}

function optionalString(o: Record<string, unknown>, key: string, nonEmpty: boolean): void {
  const value = o[key];
  if (value === undefined || value === null) return;
  if (typeof value !== 'string' || (nonEmpty && value === '')) {
    throw new TypeError(`${NAME}.${key} must be a ${nonEmpty ? 'non-empty ' : ''}string, got ${describe(value)}`);
  }
}

function optionalInteger(o: Record<string, unknown>, key: string, min: number, max: number): number | undefined {
  const value = o[key];
  if (value === undefined || value === null) return undefined;
  if (!Number.isSafeInteger(value) || (value as number) < min || (value as number) > max) {
    throw new TypeError(`${NAME}.${key} must be an integer from ${min} to ${max}, got ${describe(value)}`);
  }
  return value as number;
}

/** Values of these options are names and numbers, not secrets: they are shown (passwords never are). */
function describe(value: unknown): string {
  return describeValue(value, { echo: true });
}
