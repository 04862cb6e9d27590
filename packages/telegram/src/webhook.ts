import { hash, timingSafeEqual } from 'node:crypto';

import { WebhookError, type WebhookRequest } from 'bottender/connector';

import { TelegramEvent } from './event';
import type { TelegramUpdate } from './update';

/** The header Telegram sends the webhook's `secret_token` in (node:http lower-cases names). */
export const SECRET_TOKEN_HEADER = 'x-telegram-bot-api-secret-token';

/**
 * Checks a webhook's secret token. Both sides are hashed first, so the comparison takes the same
 * time whatever the length or content of what was sent (`timingSafeEqual` needs equal lengths,
 * and comparing lengths first would tell an attacker the secret's length).
 */
export class SecretTokenCheck {
  readonly #expected: Buffer | undefined;

  constructor(secretToken: string | undefined) {
    this.#expected = secretToken === undefined ? undefined : digest(secretToken);
  }

  /** Throws a 401 {@link WebhookError} unless the request carries the secret. */
  verify(request: WebhookRequest): void {
    if (this.#expected === undefined) {
      throw new WebhookError(401, 'webhook secret token not configured (set channels.telegram.secretToken)');
    }
    const given = request.headers[SECRET_TOKEN_HEADER];
    if (typeof given !== 'string' || given === '') {
      throw new WebhookError(401, 'missing X-Telegram-Bot-Api-Secret-Token header');
    }
    if (!timingSafeEqual(digest(given), this.#expected)) throw new WebhookError(401, 'invalid secret token');
  }
}

// The one-shot `hash` (Node 20.12+) costs a fraction of createHash().update().digest() per request.
function digest(value: string): Buffer {
  return hash('sha256', value, 'buffer') as unknown as Buffer;
}

/**
 * Verifies and parses one webhook request, in the order that keeps bad input inert: the secret
 * token first (401, before the body is parsed), then the JSON (400), then the shape (400). Error
 * answers are fixed texts, never parts of the input. Telegram sends one update per request.
 */
export function parseTelegramWebhook(request: WebhookRequest, secret: SecretTokenCheck): TelegramEvent[] {
  secret.verify(request);
  let body: unknown;
  try {
    body = JSON.parse(request.rawBody.toString('utf8'));
  } catch (error) {
    throw new WebhookError(400, 'body is not valid JSON', { cause: error });
  }
  return [new TelegramEvent(checkUpdate(body, () => new WebhookError(400, UPDATE_SHAPE)))];
}

const UPDATE_SHAPE = 'body is not a Telegram update: expected an object with an integer "update_id"';

/**
 * Checks the part of an update the runtime relies on: an object with a non-negative integer
 * `update_id`. The rest is read defensively by the event's getters, so an update type this
 * package does not know still reaches the handler.
 */
export function checkUpdate(value: unknown, refuse: () => Error): TelegramUpdate {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw refuse();
  const id = (value as { update_id?: unknown }).update_id;
  if (typeof id !== 'number' || !Number.isSafeInteger(id) || id < 0) throw refuse();
  return value as TelegramUpdate;
}
