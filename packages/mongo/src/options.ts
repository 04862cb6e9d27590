import { type Logger, unknownKeyMessage } from 'bottender/store';
import { Db, MongoClient, type MongoClientOptions } from 'mongodb';

/**
 * `session.stores.mongo`: where MongoDB is and how the lock behaves.
 *
 * Give at most one way to reach MongoDB: `url` (Bottender 1.x's shape), `client` (a MongoClient you
 * own) or `db` (a Db you own). With none, `mongodb://localhost:27017`, as in Bottender 1.x.
 */
export interface MongoStoreOptions {
  /**
   * `mongodb://` or `mongodb+srv://` connection string. Its path names the database; without one
   * the database is `test`, as in Bottender 1.x, so the sessions 1.x wrote are found.
   */
  url?: string;
  /**
   * A `MongoClient` you created (connected or not), for options this driver does not expose. The
   * store never closes it. Its default database is used unless `dbName` says otherwise.
   */
  client?: MongoClient;
  /** A `Db` of a client you own; the store never closes that client. */
  db?: Db;
  /** The database, overriding the one in `url` or `client`. Not with `db`. */
  dbName?: string;
  /** The sessions' collection; default `sessions`, as in Bottender 1.x. Held events go to `<collectionName>.held`. */
  collectionName?: string;
  /**
   * How long a session lock lasts if its process stops renewing it (a crash). A live process
   * renews it every third of this while the handler runs. Default 5 000 ms: shorter than the
   * runtime's default lock wait (10 s), so an event waiting behind a crashed process gets the
   * session before it gives up.
   */
  lockLeaseMs?: number;
  /** First pause before asking again for a busy lock; pauses double up to 200 ms (or this, if more). Default 10 ms. */
  lockRetryMs?: number;
  /**
   * How long `init()`, and an operation that tries MongoDB while it is away, may wait for a
   * reachable server before failing (at start: the bot does not start; later: the event answers
   * 503, and the others are refused at once, see `outageRetryMs`). Also bounds opening a
   * connection. Default 5 000 ms. Only for connections the store creates.
   */
  connectTimeoutMs?: number;
  /**
   * How long one command may wait for its reply (a server that is connected but frozen) before the
   * event fails (503), which counts as an outage; 0 disables. Default 5 000 ms. Only for
   * connections the store creates.
   */
  commandTimeoutMs?: number;
  /**
   * While MongoDB is known down (no server could be selected, connections break, the primary is
   * gone), events are answered 503 at once, without waiting for the driver to give up, and one
   * event every this often tries MongoDB again. Default 2 000 ms.
   */
  outageRetryMs?: number;
  /** Where outages and recoveries are reported. Default: Bottender's console logger. */
  logger?: Logger;
}

/** The options after defaults and checks. */
export interface ResolvedOptions {
  collectionName: string;
  dbName: string | undefined;
  lockLeaseMs: number;
  lockRetryMs: number;
  connectTimeoutMs: number;
  commandTimeoutMs: number;
  outageRetryMs: number;
  logger: Logger | undefined;
}

const KNOWN = [
  'url',
  'client',
  'db',
  'dbName',
  'collectionName',
  'lockLeaseMs',
  'lockRetryMs',
  'connectTimeoutMs',
  'commandTimeoutMs',
  'outageRetryMs',
  'logger',
] as const;

const NAME = 'session.stores.mongo';
/** Bottender 1.x's default, kept so an unchanged 1.x config reaches the same server. */
export const DEFAULT_URL = 'mongodb://localhost:27017';

/**
 * Checks the options and fills in defaults. Throws a TypeError naming the offending key: a typo in
 * a config file should stop the start, not quietly connect somewhere else. A string is taken as
 * `url`, as Bottender 1.x's MongoSessionStore took it.
 */
export function resolveOptions(input: MongoStoreOptions | string): ResolvedOptions {
  const options = typeof input === 'string' ? { url: input } : input;
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw new TypeError(`${NAME} must be an object or a mongodb:// URL, got ${describe(options)}`);
  }
  if (options instanceof MongoClient || options instanceof Db) {
    const key = options instanceof Db ? 'db' : 'client';
    throw new TypeError(`${NAME} must be an options object: pass your ${options.constructor.name} as { ${key}: ... }`);
  }
  for (const key of Object.keys(options)) {
    if (!(KNOWN as readonly string[]).includes(key)) {
      throw new TypeError(unknownKeyMessage(NAME, key, KNOWN));
    }
  }
  const o = options as Record<string, unknown>;
  // Like an omitted key, null takes the default: config files often write `key: null`.
  const given = (key: string) => o[key] !== undefined && o[key] !== null;

  if (given('url')) {
    if (typeof o.url !== 'string' || !/^mongodb(\+srv)?:\/\/./.test(o.url)) {
      throw new TypeError(`${NAME}.url must start with mongodb:// or mongodb+srv://, got ${describe(typeof o.url === 'string' ? redactUrl(o.url) : o.url)}`);
    }
  }
  if (given('client') && !(o.client instanceof MongoClient) && !looksLike(o.client, ['db', 'connect', 'close'])) {
    throw new TypeError(`${NAME}.client must be a MongoClient of the mongodb package`);
  }
  if (given('db') && !(o.db instanceof Db) && !looksLike(o.db, ['collection', 'command', 'databaseName'])) {
    throw new TypeError(`${NAME}.db must be a Db of the mongodb package (client.db(name))`);
  }
  if (given('dbName')) nonEmptyString(o, 'dbName', /[/\\. "$\0]/, 'without / \\ . space " $ or NUL');
  if (given('collectionName')) nonEmptyString(o, 'collectionName', /^system\.|\$|\0/, 'without $ or NUL, not starting with "system."');
  if (given('logger')) {
    const logger = o.logger as Partial<Logger> | null;
    if (typeof logger !== 'object' || logger === null || typeof logger.warn !== 'function' || typeof logger.info !== 'function') {
      throw new TypeError(`${NAME}.logger must have info() and warn() methods`);
    }
  }

  // One way to reach MongoDB.
  const conflicts: [string, string[]][] = [
    ['db', ['url', 'client', 'dbName', 'connectTimeoutMs', 'commandTimeoutMs']],
    ['client', ['url', 'connectTimeoutMs', 'commandTimeoutMs']],
  ];
  for (const [key, others] of conflicts) {
    const clash = given(key) ? others.find(given) : undefined;
    if (clash) throw new TypeError(`${NAME}.${clash} cannot be combined with ${NAME}.${key}`);
  }

  return {
    collectionName: given('collectionName') ? (o.collectionName as string) : 'sessions',
    dbName: given('dbName') ? (o.dbName as string) : undefined,
    lockLeaseMs: optionalInteger(o, 'lockLeaseMs', 100, 3_600_000) ?? 5_000,
    lockRetryMs: optionalInteger(o, 'lockRetryMs', 1, 60_000) ?? 10,
    connectTimeoutMs: optionalInteger(o, 'connectTimeoutMs', 1, 600_000) ?? 5_000,
    commandTimeoutMs: optionalInteger(o, 'commandTimeoutMs', 0, 600_000) ?? 5_000,
    outageRetryMs: optionalInteger(o, 'outageRetryMs', 10, 600_000) ?? 2_000,
    logger: o.logger as Logger | undefined,
  };
}

/**
 * The client for options without `client` or `db`. It connects only when `init()` asks. Waiting
 * for a server is bounded by `connectTimeoutMs` (the driver's default is 30 s) and waiting for a
 * reply by `commandTimeoutMs`, so while MongoDB is away or frozen an event gets its 503 in
 * bounded time; the driver reconnects by itself, and an operation that starts once the server is
 * back simply succeeds.
 */
export function createClient(url: string, resolved: ResolvedOptions): MongoClient {
  const options: MongoClientOptions = {
    appName: 'bottender',
    connectTimeoutMS: resolved.connectTimeoutMs,
    serverSelectionTimeoutMS: resolved.connectTimeoutMs,
    socketTimeoutMS: resolved.commandTimeoutMs,
  };
  return new MongoClient(url, options);
}

/** Where the store connects, for messages; never includes a password. */
export function describeTarget(options: MongoStoreOptions | string): string {
  if (typeof options === 'string') return redactUrl(options);
  if (options.db) return `the given Db (${options.db.databaseName})`;
  if (options.client) return 'the given MongoClient';
  return redactUrl(options.url ?? DEFAULT_URL);
}

/** `mongodb://user:secret@host` becomes `mongodb://user:***@host` (any scheme: a mistyped one too). */
export function redactUrl(url: string): string {
  return url.replace(/^([a-z][a-z0-9+.-]*:\/\/[^:@/]*):[^@]*@/i, '$1:***@');
}

function looksLike(value: unknown, methods: string[]): boolean {
  return typeof value === 'object' && value !== null && methods.every((m) => m in value);
}

function nonEmptyString(o: Record<string, unknown>, key: string, forbidden: RegExp, rule: string): void {
  const value = o[key];
  if (typeof value !== 'string' || value === '' || forbidden.test(value)) {
    throw new TypeError(`${NAME}.${key} must be a non-empty string ${rule}, got ${describe(value)}`);
  }
}

function optionalInteger(o: Record<string, unknown>, key: string, min: number, max: number): number | undefined {
  const value = o[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min || value > max) {
    throw new TypeError(`${NAME}.${key} must be an integer from ${min} to ${max}, got ${describe(value)}`);
  }
  return value;
}

function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'object' && value !== null) return Array.isArray(value) ? 'an array' : 'an object';
  return String(value);
}
