import type { StateMigrations } from '../runtime/migrations';
import type { Action } from '../runtime/action';
import type { Context } from '../context/context';
import type { AnyState, SessionStore } from '../session/types';
import type { MemoryStoreOptions } from '../stores/memory';

import type { LogLevel } from '../runtime/log';
import type { BuiltInDriver } from './drivers';

export type { BuiltInDriver } from './drivers';

/** `session.stores.file`: where the file driver keeps one JSON file per session. */
export interface FileDriverOptions {
  /** The folder, relative to the bot folder. Default `.sessions`. */
  dirname?: string;
  /** How often expired files are removed, in milliseconds; 0 turns the sweep off. Default 10 minutes. */
  sweepIntervalMs?: number;
}

/**
 * `session.stores`: options of each driver by name, as in Bottender 1.x. A key may also hold a
 * store instance (any object implementing {@link SessionStore}), chosen with `driver: '<key>'`.
 */
export interface SessionStoresConfig {
  memory?: MemoryStoreOptions;
  file?: FileDriverOptions;
  /** Passed to `@bottender/redis`'s `createStore`, e.g. `{ url: process.env.REDIS_URL }`. */
  redis?: Record<string, unknown>;
  /** Passed to `@bottender/mongo`'s `createStore`. */
  mongo?: Record<string, unknown>;
  /** Passed to `@bottender/postgres`'s `createStore`: a connection string, or e.g. `{ connectionString: process.env.DATABASE_URL, table: 'bot_sessions' }`. */
  postgres?: string | Record<string, unknown>;
  [name: string]: SessionStore | object | string | undefined;
}

/** `session`: which driver keeps state, and for how long. */
export interface SessionConfig {
  /** `memory` (default), `file`, `redis`, `mongo`, `postgres`, or the key of a store instance in `stores`. */
  driver?: BuiltInDriver | (string & {});
  /** Inactivity expiry in minutes; 0 or unset keeps sessions forever. */
  expiresIn?: number;
  stores?: SessionStoresConfig;
  /**
   * How long one event may hold its session, in milliseconds: past it the event is answered 503
   * (the platform redelivers it) and what its handler does afterwards is discarded. Waiting for
   * the session counts too. Positive integer; the runtime's default applies when unset.
   */
  handlerTimeoutMs?: number;
  /** How many handled event ids each session remembers, so a redelivered event runs once. Default 64. */
  eventIdWindow?: number;
  /** How long an event may wait for another process to release its session, in milliseconds. Default 10 000. */
  lockTimeoutMs?: number;
}

/**
 * `channels.<name>`: one messaging platform, served by `@bottender/<name>`. Every key other than
 * `enabled` and `path` goes to that package's `createConnector`, which checks its own keys.
 */
export interface ChannelConfig {
  /** Whether the channel runs. Default false, so a Bottender 1.x config's unused channels stay off. */
  enabled?: boolean;
  /** The webhook path. Default `/webhooks/<name>`. */
  path?: string;
  [key: string]: unknown;
}

/**
 * The contents of `bottender.config.ts` (or `.js`, `.mjs`, `.cjs`). Every Bottender 1.x key is
 * accepted as it is; `app` and `onError` are additions for projects without an `index.js`.
 */
export interface BottenderConfig<State extends AnyState = AnyState> {
  session?: SessionConfig;
  /** The state of a new (or expired) session. Default `{}`. */
  initialState?: State;
  channels?: Record<string, ChannelConfig | undefined>;
  /**
   * The handler, or the path of the module exporting it (relative to the config file). Default:
   * the project's `package.json` `main`, else `index.{ts,js,...}` in the bot folder.
   */
  app?: Action<Context<State>> | string;
  /** The error handler, or a module path. Default: `_error.{ts,js,...}` in the bot folder if present. */
  onError?: Action<Context<State>> | string;
  /**
   * Bottender 1.x's plugins: functions called with the context, in order, before the handler runs
   * (to add helpers to it, for example).
   */
  plugins?: ((context: Context<State>) => void | Promise<void>)[];
  /**
   * What the bot logs on stderr: `error`, `warn`, `info` (default of `bottender start`),
   * `verbose` (also one line per webhook; default of `bottender dev`, or `start --verbose`),
   * `debug` (also every `bottender:*` debug namespace).
   */
  logLevel?: LogLevel;
  /**
   * The version of the state's shape (a positive integer, default 1). Raise it when a deploy
   * changes the shape, and add the step to `migrations`. See docs/operating.md.
   */
  stateVersion?: number;
  /**
   * One function per version, keyed by the version it produces: `{ 2: (state) => ..., 3: ... }`.
   * A session stored at an older version is migrated step by step when it is next read.
   */
  migrations?: StateMigrations;
}
