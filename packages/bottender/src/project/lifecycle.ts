/**
 * The one owner of a bot's lifecycle. Starting: the store, then each connector (its `init`
 * really once), then the events held in the store from before (recovery), then the loop
 * transports (long polling, sockets), then the webhook server. Stopping, in reverse: no new
 * requests, loops aborted and awaited, in-flight events drained, connectors closed (last started
 * first), the store closed. `serve()`, `createBottender()`, the 1.x `bottender()` entry, the CLI
 * and console mode all go through here.
 */
import type { Server } from 'node:http';

import type { Connector, ConnectorTransports, TransportKind } from '../connector/types';
import type { Channel } from '../http/request-handler';
import { registerRunningConnectors } from '../one-x/get-client';
import { listenWebhooks, type WebhookServerOptions } from '../http/server';
import type { Bot } from '../runtime/bot';
import { consoleLogger, type Logger } from '../runtime/logger';

type AnyConnector = Connector<any, any> & ConnectorTransports<any>;

/** Options of {@link startBot}. */
export interface LifecycleOptions {
  bot: Bot<any>;
  /** Every enabled channel; each runs as a webhook or as a loop (see {@link transportOf}). */
  channels: readonly Channel[];
  /** Under `bottender dev`: connectors that have a loop use it, so no public URL is needed. */
  dev?: boolean;
  /** Serve the webhook channels on node:http now. Without it, call `listen()` later, or mount the request handler. */
  http?: Omit<WebhookServerOptions, 'bot' | 'channels'>;
  logger?: Logger;
}

/** A started bot. */
export interface RunningBot {
  /** Channels answered over HTTP (by {@link listen} or a mounted request handler). */
  readonly webhookChannels: readonly Channel[];
  /** Channels whose connector runs its own loop. */
  readonly loopChannels: readonly Channel[];
  /** The webhook server, once listening. */
  readonly server: Server | undefined;
  /** The port bound, once listening. */
  readonly port: number | undefined;
  /** Serves the webhook channels on node:http (once). */
  listen(options: Omit<WebhookServerOptions, 'bot' | 'channels'>): Promise<{ server: Server; port: number }>;
  /** Stops everything in reverse order, after in-flight events are done. Safe to call twice. */
  close(): Promise<void>;
}

/** Which transport `connector` uses in this run: its own choice, else the loop under `dev` when it has one. */
export function transportOf(connector: Connector<any, any>, dev: boolean): TransportKind {
  const c = connector as AnyConnector;
  const kind = c.transport?.({ dev }) ?? (dev && typeof c.run === 'function' ? 'loop' : 'webhook');
  if (kind === 'loop' && typeof c.run !== 'function') {
    throw new TypeError(`the ${connector.platform} connector chose the loop transport but has no run(dispatcher, signal)`);
  }
  return kind;
}

/** Splits channels by transport. */
export function splitChannels(channels: readonly Channel[], dev: boolean): { webhooks: Channel[]; loops: Channel[] } {
  const webhooks: Channel[] = [];
  const loops: Channel[] = [];
  for (const channel of channels) (transportOf(channel.connector, dev) === 'loop' ? loops : webhooks).push(channel);
  return { webhooks, loops };
}

const initialized = new WeakMap<Connector<any, any>, Promise<void>>();

/** Calls `connector.init()` once per connector object, however many lifecycles or calls ask. */
export function initConnector(connector: Connector<any, any>): Promise<void> {
  let done = initialized.get(connector);
  if (done === undefined) {
    done = Promise.resolve().then(() => connector.init?.());
    // A failed init may be retried by the next start.
    done.catch(() => initialized.delete(connector));
    initialized.set(connector, done);
  }
  return done;
}

/** Starts a bot: see the module comment for the order. A failed start closes what it started. */
export async function startBot(options: LifecycleOptions): Promise<RunningBot> {
  const { bot } = options;
  const logger = options.logger ?? consoleLogger;
  const { webhooks, loops } = splitChannels(options.channels, options.dev ?? false);
  const started: Connector<any, any>[] = [];
  const abort = new AbortController();
  const running: Promise<void>[] = [];
  let http: { server: Server; port: number; close(): Promise<void> } | undefined;
  let storeStarted = false;
  let closing: Promise<void> | undefined;
  let forgetClients = (): void => {};

  const close = (): Promise<void> =>
    (closing ??= (async () => {
      forgetClients();
      const stopped = http?.close();
      abort.abort();
      await Promise.allSettled(running);
      await bot.drain();
      await stopped;
      for (const connector of started.reverse()) {
        try {
          await connector.close?.();
        } catch (error) {
          logger.error(`the ${connector.platform} connector did not close cleanly`, error);
        }
      }
      if (storeStarted) await bot.close();
    })());

  try {
    await bot.init();
    storeStarted = true;
    for (const channel of options.channels) {
      await initConnector(channel.connector);
      started.push(channel.connector);
    }
    forgetClients = registerRunningConnectors(started); // for 1.x's getClient(channel)
    await bot.recoverHeldEvents(options.channels.map((c) => c.connector));
    for (const channel of loops) {
      const connector = channel.connector as AnyConnector;
      const loop = connector.run!(bot.dispatcher(connector), abort.signal).catch((error: unknown) => {
        if (!abort.signal.aborted) logger.error(`the ${connector.platform} loop stopped`, error);
      });
      running.push(loop);
    }
    if (options.http) http = await listenWebhooks({ ...options.http, bot, channels: webhooks, logger });
  } catch (error) {
    await close().catch(() => {});
    throw error;
  }

  return {
    webhookChannels: webhooks,
    loopChannels: loops,
    get server() {
      return http?.server;
    },
    get port() {
      return http?.port;
    },
    async listen(listenOptions) {
      if (closing) throw new Error('the bot is closed');
      if (http) throw new Error('already serving; close() first');
      http = await listenWebhooks({ ...listenOptions, bot, channels: webhooks, logger });
      return { server: http.server, port: http.port };
    },
    close,
  };
}
