import {
  apiOriginOption,
  booleanOption,
  describeOption as kindOf,
  requireSecretOption,
  unknownKeyMessage,
  unknownKeys,
} from 'bottender/connector';

/** The Bot API's origin, used when `channels.telegram.origin` is not set. */
export const DEFAULT_TELEGRAM_ORIGIN = 'https://api.telegram.org';

/** How long one `getUpdates` call waits on Telegram's side for an update, in seconds. */
export const DEFAULT_POLLING_TIMEOUT = 30;

/**
 * The `channels.telegram` object of `bottender.config.ts`.
 *
 * `path` and `enabled` belong to the core (which path the webhook answers at, and whether the
 * channel runs at all); the connector accepts and ignores them so the whole object can be passed.
 */
export interface TelegramChannelOptions {
  /** The bot token BotFather gave (`123456789:AA...`). */
  accessToken: string;
  /**
   * The secret Telegram sends in `X-Telegram-Bot-Api-Secret-Token` with every webhook request
   * (1 to 256 of `A-Z a-z 0-9 _ -`). Required to serve webhooks: without it anyone who learns
   * the URL could post updates. `bottender telegram webhook set` registers it with Telegram.
   */
  secretToken?: string;
  /**
   * Where the Bot API lives, as an origin (`https://host[:port]`, no path). Default
   * `https://api.telegram.org`. Point it at a local Bot API server, a proxy, or a fake in tests.
   */
  origin?: string;
  /**
   * Long polling (`getUpdates`) instead of a webhook: `true` always polls, and deletes a webhook
   * that is set (saying so), since Telegram refuses `getUpdates` while one is; `false` always
   * serves the webhook. Unset: `bottender dev` polls (but stops with an explanation if a webhook
   * is set) and `bottender start` serves the webhook.
   */
  polling?: boolean;
  /** Seconds one `getUpdates` call waits for updates (0 to 50). Default 30. */
  pollingTimeout?: number;
  /**
   * The update types to receive, as Telegram's `allowed_updates` (used by polling and by
   * `bottender telegram webhook set`). Unset: Telegram's default, which leaves out
   * `chat_member`, `message_reaction` and `message_reaction_count`.
   */
  allowedUpdates?: readonly string[];
  /** Used by the core: the webhook path. */
  path?: string;
  /** Used by the core: whether the channel is on. */
  enabled?: boolean;
}

/** Options after validation, with defaults applied. */
export interface ResolvedTelegramOptions {
  accessToken: string;
  secretToken: string | undefined;
  origin: string;
  polling: boolean | undefined;
  pollingTimeout: number;
  allowedUpdates: string[] | undefined;
}

/** The keys of `channels.telegram`, for the unknown-key check and its "did you mean". */
export const TELEGRAM_OPTION_KEYS = ['accessToken', 'secretToken', 'origin', 'polling', 'pollingTimeout', 'allowedUpdates', 'path', 'enabled'] as const;

/**
 * Keys of Bottender 1.x's Telegram channel that this package accepts and ignores, so a 1.x config
 * runs unchanged (profiles are not fetched; every channel answers after the handler).
 */
const LEGACY_KEYS = ['skipLegacyProfile', 'sync', 'onRequest'];

const BOT_TOKEN = /^\d+:[A-Za-z0-9_-]+$/;
const SECRET_TOKEN = /^[A-Za-z0-9_-]{1,256}$/;
const UPDATE_TYPE = /^[a-z_]{1,64}$/;

/**
 * Checks `channels.telegram` and applies defaults. Errors name the key and the kind of value
 * found, never the value itself: these are secrets, and error messages end up in logs.
 */
export function resolveTelegramOptions(options: TelegramChannelOptions): ResolvedTelegramOptions {
  if (typeof options !== 'object' || options === null) {
    throw new TypeError(`channels.telegram must be an object with accessToken, got ${kindOf(options)}`);
  }
  // Reported first, with the nearest known key: `secretTokn` would otherwise surface later as a
  // webhook that refuses to start without secretToken.
  const unknown = unknownKeys(options, [...TELEGRAM_OPTION_KEYS, ...LEGACY_KEYS]);
  if (unknown.length > 0) {
    throw new TypeError(unknown.map((key) => unknownKeyMessage('channels.telegram', key, TELEGRAM_OPTION_KEYS)).join('; '));
  }
  return {
    accessToken: resolveAccessToken(options.accessToken),
    secretToken: resolveSecretToken(options.secretToken),
    origin: apiOriginOption(options.origin, 'channels.telegram.origin', DEFAULT_TELEGRAM_ORIGIN),
    polling: booleanOption(options.polling, 'channels.telegram.polling', undefined),
    pollingTimeout: resolvePollingTimeout(options.pollingTimeout),
    allowedUpdates: resolveAllowedUpdates(options.allowedUpdates),
  };
}

function resolveAccessToken(value: unknown): string {
  const token = requireSecretOption(value, 'channels.telegram.accessToken', 'the bot token from @BotFather');
  if (!BOT_TOKEN.test(token)) {
    // The usual mistake is pasting only the part after the colon, or the bot's username.
    throw new TypeError('channels.telegram.accessToken is not a bot token: expected "<digits>:<letters, digits, _ or ->"');
  }
  return token;
}

function resolveSecretToken(value: unknown): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || !SECRET_TOKEN.test(value)) {
    throw new TypeError(
      `channels.telegram.secretToken must be 1 to 256 characters of A-Z, a-z, 0-9, _ and - (Telegram's rule), got ${kindOf(value)}`,
    );
  }
  return value;
}

function resolvePollingTimeout(value: unknown): number {
  if (value === undefined) return DEFAULT_POLLING_TIMEOUT;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > 50) {
    throw new TypeError(`channels.telegram.pollingTimeout must be a whole number of seconds from 0 to 50, got ${kindOf(value)}`);
  }
  return value;
}

function resolveAllowedUpdates(value: unknown): string[] | undefined {
  if (value === undefined) return undefined;
  if (!Array.isArray(value) || !value.every((v) => typeof v === 'string' && UPDATE_TYPE.test(v))) {
    throw new TypeError(
      `channels.telegram.allowedUpdates must be an array of update types such as ["message", "callback_query"], got ${kindOf(value)}`,
    );
  }
  return [...value];
}
