import type { messagingApi } from '@line/bot-sdk';
import { Pool } from 'undici';

import { LineApiError, LineNetworkError } from './api-error';

/** A message object of the Messaging API (text, sticker, image, flex, template, ...). */
export type LineMessage = messagingApi.Message;

/** LINE takes at most this many messages in one reply or push call. */
export const MAX_MESSAGES_PER_CALL = 5;

const REPLY_PATH = '/v2/bot/message/reply';
const PUSH_PATH = '/v2/bot/message/push';

/**
 * Sends replies and pushes over a keep-alive connection pool.
 *
 * This is the hot path: every answered event makes one call. The SDK's client uses the global
 * `fetch`, which on Node 20 costs several times the CPU of a plain HTTP request, and it cannot be
 * given another transport; so these two calls use undici's `request` directly, with headers built
 * once and the body serialized once. Request and answer formats are the SDK's types.
 */
export class ReplyClient {
  readonly #pool: Pool;
  readonly #headers: Record<string, string>;

  constructor(origin: string, accessToken: string) {
    this.#pool = new Pool(origin, {
      keepAliveTimeout: 30_000,
      headersTimeout: 15_000,
      bodyTimeout: 15_000,
    });
    this.#headers = {
      authorization: `Bearer ${accessToken}`,
      'content-type': 'application/json',
      'user-agent': 'bottender-line',
    };
  }

  /** Replies with 1 to 5 messages. A reply token works once, shortly after the event. */
  reply(replyToken: string, messages: readonly LineMessage[]): Promise<void> {
    return this.#post(REPLY_PATH, JSON.stringify({ replyToken, messages }));
  }

  /** Pushes 1 to 5 messages to a user, group or room id. Counts against the monthly quota. */
  push(to: string, messages: readonly LineMessage[]): Promise<void> {
    return this.#post(PUSH_PATH, JSON.stringify({ to, messages }));
  }

  /** Waits for calls in flight, then closes the connections. */
  async close(): Promise<void> {
    if (!this.#pool.closed) await this.#pool.close();
  }

  async #post(path: string, body: string): Promise<void> {
    let answer;
    try {
      answer = await this.#pool.request({ path, method: 'POST', headers: this.#headers, body });
    } catch (error) {
      throw new LineNetworkError(`POST ${path}`, error);
    }
    const { statusCode } = answer;
    if (statusCode >= 200 && statusCode < 300) {
      // The answer (`sentMessages`) is not needed; reading it frees the connection for reuse.
      await answer.body.dump();
      return;
    }
    let text = '';
    try {
      text = await answer.body.text();
    } catch {
      // The status alone still tells what happened.
    }
    const requestId = answer.headers['x-line-request-id'];
    throw LineApiError.fromAnswer(`POST ${path}`, statusCode, text, typeof requestId === 'string' ? requestId : undefined);
  }
}
