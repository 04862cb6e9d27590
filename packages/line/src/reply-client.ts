import type { messagingApi } from '@line/bot-sdk';
import { type Dispatcher, Pool } from 'undici';

import { LineApiError, LineNetworkError } from './api-error';
import { traced } from './debug';

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
 * given another transport; so these two calls go through undici's `dispatch` directly (cheaper
 * still than its `request`, which wraps every answer in a stream), with headers built once and
 * the body serialized once. Request and answer formats are the SDK's types.
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

  #post(path: string, body: string): Promise<void> {
    return new Promise((resolve, reject) => {
      const settle = traced(`POST ${path}`, resolve, reject);
      const handler = new AnswerHandler(`POST ${path}`, settle.resolve, settle.reject);
      try {
        this.#pool.dispatch({ path, method: 'POST', headers: this.#headers, body }, handler);
      } catch (error) {
        reject(new LineNetworkError(`POST ${path}`, error));
      }
    });
  }
}

/** How much of an error answer is kept for the error message. */
const MAX_ERROR_BODY = 64 * 1024;

/**
 * Turns one answer into the call's outcome. A success's body (`sentMessages`) is not needed and
 * is dropped as it arrives; an error's body is kept to report LINE's `message` and `details`.
 */
class AnswerHandler implements Dispatcher.DispatchHandler {
  #status = 0;
  #requestId: string | undefined;
  #chunks: Buffer[] | undefined;
  #size = 0;

  constructor(
    private readonly endpoint: string,
    private readonly resolve: () => void,
    private readonly reject: (error: Error) => void,
  ) {}

  /** Present so undici treats this as a handler of its current API (it checks for this method). */
  onRequestStart(): void {}

  onResponseStart(_controller: Dispatcher.DispatchController, statusCode: number, headers: Record<string, unknown>): void {
    this.#status = statusCode;
    if (statusCode >= 200 && statusCode < 300) return;
    this.#chunks = [];
    this.#size = 0;
    const requestId = headers['x-line-request-id'];
    this.#requestId = typeof requestId === 'string' ? requestId : undefined;
  }

  onResponseData(_controller: Dispatcher.DispatchController, chunk: Buffer): void {
    if (this.#chunks !== undefined && this.#size < MAX_ERROR_BODY) {
      this.#chunks.push(chunk);
      this.#size += chunk.length;
    }
  }

  onResponseEnd(): void {
    if (this.#status >= 200 && this.#status < 300) {
      this.resolve();
      return;
    }
    const text = this.#chunks ? Buffer.concat(this.#chunks).toString('utf8') : '';
    this.reject(LineApiError.fromAnswer(this.endpoint, this.#status, text, this.#requestId));
  }

  onResponseError(_controller: Dispatcher.DispatchController, error: Error): void {
    this.reject(new LineNetworkError(this.endpoint, error));
  }
}
