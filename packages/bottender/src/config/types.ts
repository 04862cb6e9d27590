import type { Action } from '../runtime/action';
import type { Context } from '../context/context';
import type { AnyState, SessionStore } from '../session/types';
import type { MemoryStoreOptions } from '../stores/memory';

/** The session drivers Bottender knows by name; any other name must be a key of `session.stores`. */
export type BuiltInDriver = 'memory' | 'file' | 'redis' | 'mongo' | 'postgres';

/** `session.stores.file`: where the file driver keeps one JSON file per session. */
export interface FileDriverOptions {
  /** The folder, relative to the bot folder. Default `.sessions`. */
  dirname?: string;
  [key: string]: unknown;
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
  /** Passed to `@bottender/postgres`'s `createStore`, e.g. `{ connectionString: process.env.DATABASE_URL }`. */
  postgres?: Record<string, unknown>;
  [name: string]: SessionStore | object | undefined;
}

/** `session`: which driver keeps state, and for how long. */
export interface SessionConfig {
  /** `memory` (default), `file`, `redis`, `mongo`, `postgres`, or the key of a store instance in `stores`. */
  driver?: BuiltInDriver | (string & {});
  /** Inactivity expiry in minutes; 0 or unset keeps sessions forever. */
  expiresIn?: number;
  stores?: SessionStoresConfig;
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
  /** Other keys (Bottender 1.x's `plugins`, for example) are accepted and ignored. */
  [key: string]: unknown;
}
