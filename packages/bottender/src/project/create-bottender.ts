import { createChannels } from '../config/create-channels';
import { createStore } from '../config/create-store';
import { loadApp, type LoadedApp } from '../config/load-app';
import { givenConfig, loadConfig, type LoadedConfig } from '../config/load-config';
import type { BottenderConfig } from '../config/types';
import type { Connector } from '../connector/types';
import { createRequestHandler, type Channel, type RequestListener } from '../http/request-handler';
import { serve, type RunningServer } from '../http/server';
import { Bot } from '../runtime/bot';
import type { Logger } from '../runtime/logger';
import type { AnyState } from '../session/types';

/** Options of {@link createBottender}. */
export interface CreateBottenderOptions<State extends AnyState = AnyState> {
  /** The bot folder: where the config, `.env`, `index.*` and `_error.*` are. Default `process.cwd()`. */
  cwd?: string;
  /**
   * The config, instead of reading `bottender.config.*` (and `.env`) from `cwd`. Validated the
   * same way; without `app`, the handler is still looked for in `cwd`.
   */
  config?: BottenderConfig<State>;
  /** Build connectors for the enabled channels. Default true; console mode needs none. */
  channels?: boolean;
  logger?: Logger;
}

/** A bot folder made ready to run: the runtime, its channels, and ways to serve them. */
export interface BottenderApp {
  readonly bot: Bot<any>;
  /** The enabled channels, each a connector at its webhook path. */
  readonly channels: readonly Channel[];
  /** The validated config and where it came from. */
  readonly loaded: LoadedConfig;
  /** The handler and error handler, and the files they came from. */
  readonly handlers: LoadedApp;
  /**
   * `(req, res, next?)` answering the channels' webhook paths and `GET /healthz`, for mounting in
   * Express, Fastify or Koa (see docs/configuration.md). Other paths go to `next`, or get 404.
   * The raw body must reach it unread (mount it before body parsers), or be kept on `req.rawBody`
   * (or as a Buffer `req.body`); a body consumed without a copy is answered 500, not waited for.
   */
  readonly requestHandler: RequestListener;
  /** Connects the store and the connectors, so a bad setup fails now rather than at the first event. */
  prepare(): Promise<void>;
  /** Serves the channels on node:http. Port default: `PORT`, else 5000. */
  serve(port?: number, host?: string): Promise<RunningServer>;
  /** Finishes in-flight events, then closes the server (if serving), the store and the connectors. */
  close(): Promise<void>;
}

/**
 * Loads a bot folder as `bottender start` does (config, `.env`, handler, driver, channels) and
 * returns it ready to serve or to mount in another HTTP framework. Nothing is connected yet:
 * call `prepare()` or `serve()`. Throws `ConfigError` with a one-line message for a bad setup.
 */
export async function createBottender<State extends AnyState = AnyState>(
  options: CreateBottenderOptions<State> = {},
): Promise<BottenderApp> {
  const loaded = options.config
    ? givenConfig(options.config as BottenderConfig, options.cwd)
    : await loadConfig(options.cwd);
  const handlers = await loadApp(loaded);
  const channels = options.channels === false ? [] : await createChannels(loaded);
  for (const channel of channels) initOnce(channel.connector);
  const store = await createStore(loaded, { logger: options.logger });
  const bot = new Bot({
    app: handlers.app,
    onError: handlers.onError,
    store,
    initialState: loaded.config.initialState,
    expiresIn: loaded.config.session?.expiresIn,
    logger: options.logger,
  });
  const requestHandler = createRequestHandler({ bot, channels, logger: options.logger });

  let server: RunningServer | undefined;
  let prepared: Promise<void> | undefined;
  let closing: Promise<void> | undefined;
  const prepare = () =>
    (prepared ??= (async () => {
      await bot.init();
      for (const channel of channels) await channel.connector.init?.();
    })());

  return {
    bot,
    channels,
    loaded,
    handlers,
    requestHandler,
    prepare,
    async serve(port, host) {
      if (server) throw new Error('already serving; close() first');
      if (closing) throw new Error('closed');
      await prepare();
      server = await serve({ bot, channels, port: port ?? defaultPort(), host, logger: options.logger });
      return server;
    },
    close: () =>
      (closing ??= (async () => {
        if (server) {
          await server.close();
          return;
        }
        await bot.close();
        for (const channel of channels) await channel.connector.close?.();
      })()),
  };
}

/** prepare() and serve() both initialize connectors; a connector's init must still run once. */
function initOnce(connector: Connector): void {
  const init = connector.init?.bind(connector);
  if (!init) return;
  let done: Promise<void> | undefined;
  connector.init = () => (done ??= init());
}

function defaultPort(): number {
  const port = Number(process.env.PORT);
  return process.env.PORT && Number.isInteger(port) ? port : 5000;
}
