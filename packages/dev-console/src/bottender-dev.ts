import type { AnyState, Bot, Logger } from 'bottender';

import { type DevConsole, startDevConsole } from './dev-console';
import type { ChannelOptions } from './platforms/registry';

/**
 * The environment `bottender dev` gives each bot process it runs, so every reload serves the
 * page at the same address with the same token and hands the log and memory sessions over.
 */
export const DEV_CONSOLE_ENV = {
  /** `on`, or `web-only` for `bottender dev --web-only`. */
  mode: 'BOTTENDER_DEV_CONSOLE',
  /** The port; 0 (or unset) on the first run, then the one the first run got. */
  port: 'BOTTENDER_DEV_CONSOLE_PORT',
  token: 'BOTTENDER_DEV_CONSOLE_TOKEN',
  /** Where one process leaves the log and memory sessions for the next. */
  snapshot: 'BOTTENDER_DEV_CONSOLE_SNAPSHOT',
  /** What caused this reload, e.g. `index.ts changed`. */
  reloadReason: 'BOTTENDER_DEV_RELOAD_REASON',
} as const;

/** The parts of `createBottender()`'s app the dev console uses. */
export interface BottenderAppLike {
  bot: Bot<any>;
  loaded: {
    config: { channels?: Record<string, ChannelOptions | undefined>; initialState?: AnyState; session?: { expiresIn?: number } };
    modules: { requirePackage(id: string): unknown };
  };
}

/** Starts the dev console for a bot folder loaded by `createBottender`, as `bottender dev` configures it in `env`. */
export function startForBottenderDev(app: BottenderAppLike, env: NodeJS.ProcessEnv, logger?: Logger): Promise<DevConsole> {
  const port = Number(env[DEV_CONSOLE_ENV.port] ?? 0);
  return startDevConsole({
    bot: app.bot,
    channels: app.loaded.config.channels,
    initialState: app.loaded.config.initialState,
    expiresIn: app.loaded.config.session?.expiresIn,
    loadPackage: (id) => app.loaded.modules.requirePackage(id),
    port: Number.isInteger(port) && port >= 0 && port <= 65535 ? port : 0,
    token: env[DEV_CONSOLE_ENV.token] || undefined,
    snapshotFile: env[DEV_CONSOLE_ENV.snapshot] || undefined,
    reloadReason: env[DEV_CONSOLE_ENV.reloadReason] || undefined,
    logger,
  });
}
