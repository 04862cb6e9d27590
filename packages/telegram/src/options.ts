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
  return {
    accessToken: resolveAccessToken(options.accessToken),
    secretToken: resolveSecretToken(options.secretToken),
    origin: resolveOrigin(options.origin),
    polling: resolvePolling(options.polling),
    pollingTimeout: resolvePollingTimeout(options.pollingTimeout),
    allowedUpdates: resolveAllowedUpdates(options.allowedUpdates),
  };
}

function resolveAccessToken(value: unknown): string {
  if (typeof value !== 'string' || value.trim() === '') {
    throw new TypeError(
      `channels.telegram.accessToken must be a non-empty string (the bot token from @BotFather), got ${kindOf(value)}`,
    );
  }
  if (value !== value.trim()) throw new TypeError('channels.telegram.accessToken has leading or trailing whitespace; remove it');
  if (!BOT_TOKEN.test(value)) {
    // The usual mistake is pasting only the part after the colon, or the bot's username.
    throw new TypeError('channels.telegram.accessToken is not a bot token: expected "<digits>:<letters, digits, _ or ->"');
  }
  return value;
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

function resolveOrigin(value: unknown): string {
  if (value === undefined) return DEFAULT_TELEGRAM_ORIGIN;
  const problem = `channels.telegram.origin must be an http(s) origin such as ${DEFAULT_TELEGRAM_ORIGIN} (no path, query or credentials)`;
  if (typeof value !== 'string') throw new TypeError(`${problem}, got ${kindOf(value)}`);
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new TypeError(`${problem}, got a string that is not a URL`);
  }
  if (
    (url.protocol !== 'https:' && url.protocol !== 'http:') ||
    url.pathname !== '/' ||
    url.search !== '' ||
    url.hash !== '' ||
    url.username !== '' ||
    url.password !== ''
  ) {
    // Only scheme, host and path are echoed: credentials or a query could hold secrets.
    throw new TypeError(`${problem}, got ${JSON.stringify(`${url.protocol}//${url.host}${url.pathname}`)}`);
  }
  return url.origin;
}

function resolvePolling(value: unknown): boolean | undefined {
  if (value === undefined || typeof value === 'boolean') return value;
  throw new TypeError(`channels.telegram.polling must be true or false, got ${kindOf(value)}`);
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

function kindOf(value: unknown): string {
  if (value === undefined) return 'undefined (is the environment variable set?)';
  if (value === null) return 'null';
  if (value === '') return 'an empty string';
  if (typeof value === 'string') return value.trim() === '' ? 'a blank string' : 'a string';
  if (Array.isArray(value)) return 'an array';
  return `a ${typeof value}`;
}
