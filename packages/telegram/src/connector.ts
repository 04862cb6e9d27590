import { ConfigError } from 'bottender';
import {
  type AnyState,
  type Connector,
  type ConnectorTransports,
  type ContextInit,
  consoleLogger,
  type EventDispatcher,
  type Logger,
  type ReceivedWebhook,
  type TransportKind,
  type WebhookRequest,
} from 'bottender/connector';

import { TelegramClient } from './api-client';
import { TelegramApiError } from './api-error';
import { TelegramContext, type TelegramContextServices } from './context';
import { TelegramEvent } from './event';
import { OneXTelegramClient } from './one-x-client';
import { type ResolvedTelegramOptions, resolveTelegramOptions, type TelegramChannelOptions } from './options';
import { preparePolling, runPolling, type PollingOptions } from './polling';
import { checkUpdate, parseTelegramWebhook, SecretTokenCheck } from './webhook';

/** What the connector takes besides `channels.telegram` (tests and embedders). */
export interface TelegramConnectorExtras {
  /** Where polling reports what it does. Default: stderr. */
  logger?: Logger;
}

/**
 * Telegram for the Bottender runtime: webhooks (secret-token check, one update per request) and
 * long polling, sessions keyed by chat, `update_id` as the event id, and {@link TelegramContext}s
 * that send after the commit.
 *
 * Sessions: `telegram:<chat id>` for every update that belongs to a chat; updates about a user
 * outside a chat (inline queries, payments) use the user's private chat. A group that became a
 * supergroup continues in the supergroup's session (see {@link predecessorKey}).
 */
export class TelegramConnector implements Connector<TelegramEvent, TelegramContext>, ConnectorTransports<TelegramEvent> {
  readonly platform = 'telegram';
  readonly #options: ResolvedTelegramOptions;
  readonly #secret: SecretTokenCheck;
  readonly #client: TelegramClient;
  readonly #oneXClient: OneXTelegramClient;
  readonly #services: TelegramContextServices;
  readonly #logger: Logger;
  #transport: TransportKind | undefined;
  #pollingReady: Promise<void> | undefined;

  /** Throws a TypeError naming the key when `options` is not usable. */
  constructor(options: TelegramChannelOptions, extras: TelegramConnectorExtras = {}) {
    // `bottender start|dev --telegram-polling` says so through the environment; it wins over the config.
    const polling = process.env.BOTTENDER_TELEGRAM_POLLING === '1' ? true : options?.polling;
    this.#options = resolveTelegramOptions(typeof options === 'object' && options !== null ? { ...options, polling } : options);
    this.#secret = new SecretTokenCheck(this.#options.secretToken);
    this.#client = new TelegramClient(this.#options.origin, this.#options.accessToken);
    this.#oneXClient = new OneXTelegramClient(this.#client);
    this.#services = { client: this.#client, oneXClient: this.#oneXClient };
    this.#logger = extras.logger ?? consoleLogger;
  }

  /** The Bot API client (the SDK's `Api` on this connector's connection pool). */
  get client(): TelegramClient {
    return this.#client;
  }

  /**
   * Bottender 1.x's Telegram client (messaging-api-telegram's method names and positional
   * arguments) on the same connection: what `context.client` returns, and what 1.x code that got
   * the client outside a handler (`getClient('telegram')`) expects.
   */
  get oneXClient(): OneXTelegramClient {
    return this.#oneXClient;
  }

  /** 401 for a missing or wrong secret token (before the body is read), 400 for a body that is not an update. */
  receive(request: WebhookRequest): ReceivedWebhook<TelegramEvent> {
    return { events: parseTelegramWebhook(request, this.#secret) };
  }

  /** The chat id as a string (`-1001234567890`); undefined for updates without a chat (`poll`). */
  sessionKey(event: TelegramEvent): string | undefined {
    const chatId = event.chatId;
    return chatId === undefined ? undefined : String(chatId);
  }

  /** `update_id`: a redelivered update repeats it, so it runs once. */
  eventId(event: TelegramEvent): string {
    return event.id;
  }

  /**
   * A group that became a supergroup continues in the supergroup's session. Both service messages
   * of the upgrade (the old group's `migrate_to_chat_id` and the supergroup's
   * `migrate_from_chat_id`) are keyed by the supergroup and name the old group here, so whichever
   * comes first moves the group's state, once, and the other finds it moved.
   */
  predecessorKey(event: TelegramEvent): string | undefined {
    const from = event.migrateFromChatId ?? (event.migrateToChatId !== undefined ? event.get('message')?.chat?.id : undefined);
    return typeof from === 'number' && Number.isSafeInteger(from) ? String(from) : undefined;
  }

  createContext(init: ContextInit<AnyState, TelegramEvent>): TelegramContext {
    return new TelegramContext(init, this.#services);
  }

  /**
   * Long polling with `polling: true`, webhooks with `polling: false`; unset, `bottender dev`
   * polls (no public URL needed) and `bottender start` serves the webhook, which needs
   * `secretToken`.
   */
  transport(mode: { dev: boolean }): TransportKind {
    const polling = this.#options.polling ?? mode.dev;
    if (!polling && this.#options.secretToken === undefined) {
      throw new ConfigError(
        'channels.telegram.secretToken is required to serve the webhook: without it anyone who learns the URL can ' +
          'post updates. Set it (1 to 256 of A-Z a-z 0-9 _ -) and register it with `bottender telegram webhook set`, ' +
          'or poll instead with channels.telegram.polling: true',
      );
    }
    this.#transport = polling ? 'loop' : 'webhook';
    return this.#transport;
  }

  /**
   * Before polling: checks that no webhook is set (Telegram refuses `getUpdates` while one is),
   * deleting it with `polling: true`, so a start that cannot poll fails with what to do.
   */
  async init(): Promise<void> {
    if (this.#transport === 'loop') await this.#preparePolling();
  }

  /** Long polling until `signal` aborts; see runPolling for how updates are confirmed. */
  async run(dispatcher: EventDispatcher<TelegramEvent>, signal: AbortSignal): Promise<void> {
    await this.#preparePolling(signal);
    await runPolling(dispatcher, signal, this.#pollingOptions());
  }

  #preparePolling(signal?: AbortSignal): Promise<void> {
    this.#pollingReady ??= preparePolling(this.#pollingOptions(), signal).catch((error: unknown) => {
      this.#pollingReady = undefined;
      if (error instanceof TelegramApiError && error.errorCode === 401) {
        throw new ConfigError(
          'channels.telegram.accessToken was refused by Telegram (401 Unauthorized): check the bot token with @BotFather',
          { cause: error },
        );
      }
      throw error;
    });
    return this.#pollingReady;
  }

  #pollingOptions(): PollingOptions {
    return {
      client: this.#client,
      logger: this.#logger,
      timeout: this.#options.pollingTimeout,
      allowedUpdates: this.#options.allowedUpdates,
      deleteWebhook: this.#options.polling === true,
    };
  }

  /** Rebuilds an update held in the store (acknowledged, not yet committed) after a restart. */
  restoreEvent(rawEvent: unknown): TelegramEvent {
    return new TelegramEvent(checkUpdate(rawEvent, () => new TypeError('a held Telegram event is not an update')));
  }

  /** Closes the Bot API connections once calls in flight are done. */
  async close(): Promise<void> {
    await this.#client.close();
  }
}

/**
 * The factory the config loader calls with the `channels.telegram` object of
 * `bottender.config.ts`. `path` and `enabled` are the core's and are ignored here.
 */
export function createConnector(options: TelegramChannelOptions, extras?: TelegramConnectorExtras): TelegramConnector {
  return new TelegramConnector(options, extras);
}
