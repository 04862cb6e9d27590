import { NetworkError, ParseError, TelegramApiError as SdkApiError, TimeoutError } from 'node-telegram-bot-api';

/** Telegram's `ResponseParameters` of an error answer. */
export interface TelegramErrorParameters {
  /** Seconds to wait before the next call (429 Too Many Requests). */
  retry_after?: number;
  /** The supergroup a group became: calls to the old group id fail with this. */
  migrate_to_chat_id?: number;
}

/**
 * The Bot API refused a call: Telegram answered `{ ok: false, error_code, description,
 * parameters? }`. All of it is kept, so a handler or a log line can tell a flood wait from a chat
 * the bot was removed from. Never contains the bot token.
 */
export class TelegramApiError extends Error {
  constructor(
    /** The Bot API method, e.g. `sendMessage`. */
    readonly method: string,
    /** Telegram's `error_code` (an HTTP status: 400, 403, 429, ...). */
    readonly errorCode: number,
    /** Telegram's `description`, e.g. `Forbidden: bot was blocked by the user`. */
    readonly description: string,
    readonly parameters: TelegramErrorParameters = {},
  ) {
    super(
      `Telegram Bot API ${method} answered ${errorCode}: ${description}` +
        (parameters.retry_after !== undefined ? ` (retry after ${parameters.retry_after} s)` : '') +
        (parameters.migrate_to_chat_id !== undefined ? ` (the group is now the supergroup ${parameters.migrate_to_chat_id})` : ''),
    );
    this.name = 'TelegramApiError';
  }

  /** Seconds Telegram asked to wait, on a 429. */
  get retryAfter(): number | undefined {
    return this.parameters.retry_after;
  }

  /** The supergroup's chat id, when the call went to a group that was upgraded. */
  get migrateToChatId(): number | undefined {
    return this.parameters.migrate_to_chat_id;
  }
}

/** A Bot API call that got no usable answer (connection refused, reset, timed out, not JSON). */
export class TelegramNetworkError extends Error {
  constructor(
    readonly method: string,
    detail: string,
    cause: unknown,
  ) {
    super(`Telegram Bot API ${method} ${detail}`, { cause });
    this.name = 'TelegramNetworkError';
  }
}

/**
 * Turns what the SDK's client threw into this package's errors. `scrub` removes the bot token,
 * which is part of every Bot API URL and may appear in a network library's message.
 */
export function fromSdkError(method: string, error: unknown): Error {
  if (error instanceof SdkApiError) {
    const parameters: TelegramErrorParameters = {};
    if (typeof error.parameters?.retry_after === 'number') parameters.retry_after = error.parameters.retry_after;
    if (typeof error.parameters?.migrate_to_chat_id === 'number') {
      parameters.migrate_to_chat_id = error.parameters.migrate_to_chat_id;
    }
    const description = typeof error.description === 'string' ? scrub(error.description.slice(0, 1000)) : 'no description';
    return new TelegramApiError(method, error.errorCode, description, parameters);
  }
  if (error instanceof TimeoutError) return new TelegramNetworkError(method, 'timed out', error);
  if (error instanceof ParseError) {
    return new TelegramNetworkError(method, "answered with something that is not the Bot API's JSON", error);
  }
  if (error instanceof NetworkError) {
    const cause = (error.cause as Error | undefined)?.message;
    return new TelegramNetworkError(method, `could not be reached${cause ? `: ${scrub(cause)}` : ''}`, error);
  }
  if ((error as Error)?.name === 'AbortError') return error as Error;
  return new TelegramNetworkError(method, `failed: ${scrub((error as Error)?.message ?? String(error))}`, error);
}

/** Replaces a bot token (`bot123:abc`, or a bare `123:abc`) in a text meant for logs. */
export function scrub(text: string): string {
  return text.replace(/\d{3,}:[A-Za-z0-9_-]{20,}/g, '<token>');
}
