import { createChannels } from '../config/create-channels';
import { createStore } from '../config/create-store';
import { loadApp, type LoadedApp } from '../config/load-app';
import { givenConfig, loadConfig, type LoadedConfig } from '../config/load-config';
import type { BottenderConfig } from '../config/types';
import { createRequestHandler, type Channel, type RequestListener } from '../http/request-handler';
import type { RunningServer } from '../http/server';
import { Bot } from '../runtime/bot';
import { enableDebugNamespaces, formatWebhookLine, leveledLogger, type LogLevel, logs } from '../runtime/log';
import { consoleLogger, type Logger } from '../runtime/logger';
import type { AnyState } from '../session/types';
import { type RunningBot, splitChannels, startBot } from './lifecycle';

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
  /** As under `bottender dev`: connectors that have a loop (long polling, a socket) use it instead of webhooks. */
  dev?: boolean;
  logger?: Logger;
  /**
   * What to log, over the config's `logLevel`: `verbose` adds one line per webhook. Default: the
   * config's, else `verbose` with `dev`, else `info`. It filters the default stderr logger; a
   * `logger` given here receives every message.
   */
  logLevel?: LogLevel;
}

/** A bot folder made ready to run: the runtime, its channels, and ways to serve them. */
export interface BottenderApp {
  readonly bot: Bot<any>;
  /** The enabled channels, each a connector at its webhook path. */
  readonly channels: readonly Channel[];
  /** The channels that run their own loop in this run (the others are webhooks). */
  readonly loopChannels: readonly Channel[];
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
  /**
   * Starts the bot through the lifecycle (project/lifecycle.ts): the store, the connectors (once),
   * held events from before, and the loop transports; a bad setup fails now rather than at the
   * first event. Webhooks are then answered by {@link requestHandler} or {@link serve}.
   */
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
  const level = options.logLevel ?? loaded.config.logLevel ?? (options.dev ? 'verbose' : 'info');
  if (level === 'debug') enableDebugNamespaces();
  const logger = options.logger ?? leveledLogger(consoleLogger, level);
  const onWebhook = logs(level, 'verbose') ? (entry: Parameters<typeof formatWebhookLine>[0]) => logger.info(formatWebhookLine(entry)) : undefined;
  options = { ...options, logger };
  const handlers = await loadApp(loaded);
  const channels = options.channels === false ? [] : await createChannels(loaded);
  const store = await createStore(loaded, { logger: options.logger });
  const session = loaded.config.session as
    | { expiresIn?: number; handlerTimeoutMs?: number; eventIdWindow?: number; lockTimeoutMs?: number }
    | undefined;
  const bot = new Bot({
    app: handlers.app,
    onError: handlers.onError,
    store,
    initialState: loaded.config.initialState,
    expiresIn: session?.expiresIn,
    handlerTimeoutMs: session?.handlerTimeoutMs,
    eventIdWindow: session?.eventIdWindow,
    lockTimeoutMs: session?.lockTimeoutMs,
    logger: options.logger,
    stateVersion: loaded.config.stateVersion,
    migrations: loaded.config.migrations,
  });
  const dev = options.dev ?? false;
  const { webhooks, loops } = splitChannels(channels, dev);
  const requestHandler = createRequestHandler({ bot, channels: webhooks, logger: options.logger, onWebhook });

  let running: Promise<RunningBot> | undefined;
  let server: RunningServer | undefined;
  let closing: Promise<void> | undefined;
  const start = () => {
    if (closing) return Promise.reject(new Error('closed'));
    running ??= startBot({ bot, channels, dev, logger: options.logger });
    // A failed start may be tried again.
    running.catch(() => (running = undefined));
    return running;
  };

  return {
    bot,
    channels,
    loopChannels: loops,
    loaded,
    handlers,
    requestHandler,
    prepare: async () => void (await start()),
    async serve(port, host) {
      if (server) throw new Error('already serving; close() first');
      const started = await start();
      const listening = await started.listen({ port: port ?? defaultPort(), host, onWebhook });
      server = { ...listening, close: () => started.close() };
      return server;
    },
    close: () =>
      (closing ??= (async () => {
        const started = await running?.catch(() => undefined);
        if (started) await started.close();
        else await bot.close();
      })()),
  };
}

function defaultPort(): number {
  const port = Number(process.env.PORT);
  return process.env.PORT && Number.isInteger(port) ? port : 5000;
}
