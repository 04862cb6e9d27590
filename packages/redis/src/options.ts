import type { Logger } from 'bottender';
import { describeValue, unknownKeyMessage } from 'bottender/store';
import { Cluster, type ClusterNode, type ClusterOptions, Redis, type RedisOptions } from 'ioredis';

/**
 * `session.stores.redis`: where Redis is and how the lock behaves.
 *
 * Give at most one way to reach Redis: `host`/`port` (Bottender 1.x's shape), `url`, `nodes`
 * (Redis Cluster) or `client` (an ioredis connection you own). With none, `127.0.0.1:6379`.
 */
export interface RedisStoreOptions {
  /** Default `127.0.0.1`. */
  host?: string;
  /** Default `6379`. */
  port?: number;
  /** For `AUTH`; also allowed with `url` or `nodes`, where it overrides the URL's. */
  password?: string;
  /** Database number; default 0. Not available with `nodes` (a cluster has only database 0). */
  db?: number;
  /** `redis://[[user]:password@]host[:port][/db]`, or `rediss://` for TLS. */
  url?: string;
  /**
   * An ioredis `Redis` or `Cluster` you created, for options this driver does not expose (TLS
   * details, Sentinel, ...). The store defines its scripts on it and never closes it. For quick
   * 503s while Redis is away, create it with `enableOfflineQueue: false` and
   * `maxRetriesPerRequest: 0`. It must not use ioredis's own `keyPrefix`: use ours.
   */
  client?: Redis | Cluster;
  /** Startup nodes of a Redis Cluster. */
  nodes?: ClusterNode[];
  /**
   * Prepended to every key, so sessions stay apart from the application's other data and several
   * bots can share one database. Default `bottender:session:`. Must not contain `{` or `}`: the
   * driver adds its own cluster hash tag after it.
   */
  keyPrefix?: string;
  /**
   * How long a session lock lasts if its process stops renewing it (a crash). A live process
   * renews it every third of this while the handler runs. Default 5 000 ms: shorter than the
   * runtime's default lock wait (10 s), so an event waiting behind a crashed process gets the
   * session before it gives up.
   */
  lockLeaseMs?: number;
  /** First pause before asking again for a busy lock; pauses double up to 200 ms (or this, if more). Default 10 ms. */
  lockRetryMs?: number;
  /** How long `init()` and each reconnection may take to reach Redis. Default 5 000 ms. */
  connectTimeoutMs?: number;
  /** How long one command may take before the event fails (503); 0 disables. Default 5 000 ms. */
  commandTimeoutMs?: number;
  /**
   * While Redis (on a Cluster: the node serving a session) is known down, events that need it are
   * answered 503 at once, without waiting for the client to give up, and one event every this
   * often tries it again. Default 2 000 ms.
   */
  outageRetryMs?: number;
  /** Where connection losses and recoveries are reported. Default: Bottender's console logger. */
  logger?: Logger;
}

/** The options after defaults and checks. */
export interface ResolvedOptions {
  keyPrefix: string;
  lockLeaseMs: number;
  lockRetryMs: number;
  connectTimeoutMs: number;
  commandTimeoutMs: number;
  outageRetryMs: number;
  logger: Logger | undefined;
}

const KNOWN = [
  'host',
  'port',
  'password',
  'db',
  'url',
  'client',
  'nodes',
  'keyPrefix',
  'lockLeaseMs',
  'lockRetryMs',
  'connectTimeoutMs',
  'commandTimeoutMs',
  'outageRetryMs',
  'logger',
] as const;

const NAME = 'session.stores.redis';

/**
 * Checks the options and fills in defaults. Throws a TypeError naming the offending key: a typo in
 * a config file should stop the start, not quietly connect somewhere else.
 */
export function resolveOptions(options: RedisStoreOptions): ResolvedOptions {
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw new TypeError(`${NAME} must be an object, got ${describe(options)}`);
  }
  for (const key of Object.keys(options)) {
    if (!(KNOWN as readonly string[]).includes(key)) {
      throw new TypeError(unknownKeyMessage(NAME, key, KNOWN));
    }
  }
  const o = options as Record<string, unknown>;
  // Like an omitted key, null takes the default: config files often write `key: null`.
  const given = (key: string) => o[key] !== undefined && o[key] !== null;

  optionalString(o, 'host', true);
  optionalInteger(o, 'port', 1, 65_535);
  optionalString(o, 'password', false);
  optionalInteger(o, 'db', 0, Number.MAX_SAFE_INTEGER);
  if (given('url')) {
    optionalString(o, 'url', true);
    if (!/^rediss?:\/\//.test(o.url as string)) {
      throw new TypeError(`${NAME}.url must start with redis:// or rediss://, got ${describe(redactUrl(o.url as string))}`);
    }
  }
  if (given('nodes')) {
    if (!Array.isArray(o.nodes) || o.nodes.length === 0) {
      throw new TypeError(`${NAME}.nodes must be a non-empty list of cluster nodes, got ${describe(o.nodes)}`);
    }
    o.nodes.forEach((node: unknown, i) => {
      const ok =
        (typeof node === 'string' && node !== '') ||
        (Number.isSafeInteger(node) && (node as number) > 0 && (node as number) <= 65_535) ||
        (typeof node === 'object' && node !== null && !Array.isArray(node));
      if (!ok) throw new TypeError(`${NAME}.nodes[${i}] must be "host:port", a port or { host, port }, got ${describe(node)}`);
    });
  }
  if (given('client')) {
    const client = o.client as { defineCommand?: unknown; status?: unknown; options?: { keyPrefix?: unknown } };
    if (typeof client !== 'object' || client === null || typeof client.defineCommand !== 'function' || typeof client.status !== 'string') {
      throw new TypeError(`${NAME}.client must be an ioredis Redis or Cluster instance`);
    }
    if (client.options?.keyPrefix) {
      throw new TypeError(`${NAME}.client uses ioredis's keyPrefix option; leave it unset and give ${NAME}.keyPrefix instead`);
    }
  }
  if (given('logger')) {
    const logger = o.logger as Partial<Logger> | null;
    if (typeof logger !== 'object' || logger === null || typeof logger.warn !== 'function' || typeof logger.info !== 'function') {
      throw new TypeError(`${NAME}.logger must have info() and warn() methods`);
    }
  }

  // One way to reach Redis.
  const conflicts: [string, string[]][] = [
    ['client', ['host', 'port', 'password', 'db', 'url', 'nodes', 'connectTimeoutMs', 'commandTimeoutMs']],
    ['url', ['host', 'port', 'nodes']],
    ['nodes', ['host', 'port', 'db']],
  ];
  for (const [key, others] of conflicts) {
    const clash = given(key) ? others.find(given) : undefined;
    if (clash) {
      const why = key === 'nodes' && clash === 'db' ? ' (a Redis Cluster has only database 0)' : '';
      throw new TypeError(`${NAME}.${clash} cannot be combined with ${NAME}.${key}${why}`);
    }
  }

  const keyPrefix = given('keyPrefix') ? o.keyPrefix : 'bottender:session:';
  if (typeof keyPrefix !== 'string' || keyPrefix === '' || /[{}]/.test(keyPrefix)) {
    throw new TypeError(`${NAME}.keyPrefix must be a non-empty string without { or }, got ${describe(keyPrefix)}`);
  }
  return {
    keyPrefix,
    lockLeaseMs: optionalInteger(o, 'lockLeaseMs', 100, 3_600_000) ?? 5_000,
    lockRetryMs: optionalInteger(o, 'lockRetryMs', 1, 60_000) ?? 10,
    connectTimeoutMs: optionalInteger(o, 'connectTimeoutMs', 1, 600_000) ?? 5_000,
    commandTimeoutMs: optionalInteger(o, 'commandTimeoutMs', 0, 600_000) ?? 5_000,
    outageRetryMs: optionalInteger(o, 'outageRetryMs', 10, 600_000) ?? 2_000,
    logger: o.logger as Logger | undefined,
  };
}

/**
 * Creates the connection for options without `client`. It connects only when `init()` asks, and
 * fails commands at once while disconnected (no offline queue, no resending after a reconnect):
 * a request should get its 503 now, not hang until Redis returns. Reconnection never stops.
 */
export function createClient(options: RedisStoreOptions, resolved: ResolvedOptions): Redis | Cluster {
  const password = options.password ?? undefined;
  const db = options.db ?? undefined;
  const failFast: RedisOptions = {
    lazyConnect: true,
    enableOfflineQueue: false,
    autoResendUnfulfilledCommands: false,
    maxRetriesPerRequest: 0,
    connectTimeout: resolved.connectTimeoutMs,
    commandTimeout: resolved.commandTimeoutMs || undefined,
    retryStrategy: (attempt) => Math.min(50 * attempt, 1_000),
  };
  if (options.nodes) {
    const { enableOfflineQueue, retryStrategy, lazyConnect, ...redisOptions } = failFast;
    const clusterOptions: ClusterOptions = {
      lazyConnect,
      enableOfflineQueue,
      clusterRetryStrategy: retryStrategy,
      // A command for a node that is down fails within a few hundred ms instead of ioredis's
      // default budget (16 redirections, 100 ms apart: seconds), during which every event of that
      // node's sessions would wait; the platform redelivers, and the store tries the node again.
      maxRedirections: 4,
      retryDelayOnFailover: 50,
      retryDelayOnClusterDown: 50,
      retryDelayOnTryAgain: 50,
      redisOptions: { ...redisOptions, password },
    };
    return new Cluster(options.nodes, clusterOptions);
  }
  const explicit: RedisOptions = { ...failFast };
  if (password !== undefined) explicit.password = password;
  if (db !== undefined) explicit.db = db;
  if (options.url) return new Redis(options.url, explicit);
  return new Redis({ ...explicit, host: options.host ?? '127.0.0.1', port: options.port ?? 6379 });
}

/** Where the store connects, for error messages; never includes a password. */
export function describeTarget(options: RedisStoreOptions): string {
  if (options.client) return 'the given ioredis client';
  if (options.nodes) return `cluster nodes ${options.nodes.map((n) => (typeof n === 'object' ? `${n.host ?? '127.0.0.1'}:${n.port ?? 6379}` : String(n))).join(', ')}`;
  if (options.url) return redactUrl(options.url);
  return `${options.host ?? '127.0.0.1'}:${options.port ?? 6379}`;
}

function redactUrl(url: string): string {
  return url.replace(/^([a-z][a-z0-9+.-]*:\/\/)([^@/]*)@/i, (_all, scheme: string, auth: string) =>
    `${scheme}${auth.includes(':') ? `${auth.slice(0, auth.indexOf(':'))}:***` : '***'}@`,
  );
}

function optionalString(o: Record<string, unknown>, key: string, nonEmpty: boolean): void {
  const value = o[key];
  if (value === undefined || value === null) return;
  if (typeof value !== 'string' || (nonEmpty && value === '')) {
    const got = key === 'password' ? describeValue(value) : describe(value);
    throw new TypeError(`${NAME}.${key} must be a ${nonEmpty ? 'non-empty ' : ''}string, got ${got}`);
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

/** Bottender's one wording for what was given; strings are quoted, since no option but `password` is secret. */
function describe(value: unknown): string {
  return describeValue(value, { echo: true });
}
