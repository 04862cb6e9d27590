import { Api, TelegramApiError as SdkApiError } from 'node-telegram-bot-api';

import { fromSdkError } from './api-error';
import { createPoolFetch, type PoolFetch } from './pool-fetch';

/** The Bot API methods of the SDK's `Api` client. */
export type ApiMethod = {
  [K in keyof Api]: Api[K] extends (...args: any[]) => Promise<unknown> ? K : never;
}[keyof Api];
/** The parameters object of a Bot API method, as the SDK types it. */
export type ParamsOf<M extends ApiMethod> = Parameters<Api[M]>[0];
/** What a Bot API method answers, as the SDK types it. */
export type ResultOf<M extends ApiMethod> = Awaited<ReturnType<Api[M]>>;

/** How many times one call is sent at most when Telegram keeps answering 429. */
export const MAX_ATTEMPTS = 3;
/** The longest `retry_after` waited for; a longer flood wait is reported instead. */
export const MAX_RETRY_AFTER_MS = 60_000;

/**
 * The SDK's `Api` client on the pooled `fetch`, with this package's errors and its 429 rule.
 *
 * The SDK's own retries are off: it would also resend a `sendMessage` after a 5xx or a dropped
 * connection, when Telegram may already have delivered it, and the user would read it twice.
 * A 429 is different: Telegram did not process the call, so it is sent again after the
 * `retry_after` Telegram named (up to {@link MAX_RETRY_AFTER_MS}, at most {@link MAX_ATTEMPTS}
 * times). Every other failure is thrown at once as a `TelegramApiError` or `TelegramNetworkError`.
 */
export class TelegramClient {
  readonly api: Api;
  readonly #transport: PoolFetch;
  #closed = false;
  readonly #sleeping = new Set<() => void>();

  readonly #fileRoot: string;

  constructor(origin: string, accessToken: string) {
    this.#fileRoot = `${origin.replace(/\/+$/, '')}/file/bot${accessToken}/`;
    this.#transport = createPoolFetch(origin);
    // timeoutMs 0: no AbortSignal.timeout per call (a timer each); the pool's timeouts bound calls.
    this.api = new Api(accessToken, { apiRoot: origin, fetch: this.#transport.fetch, timeoutMs: 0, maxRetries: 0 });
  }

  /** Calls `method` with `params`; see the class comment for retries and errors. */
  async call<M extends ApiMethod>(method: M, params: ParamsOf<M>, signal?: AbortSignal): Promise<ResultOf<M>> {
    const invoke = this.api[method] as (params: unknown, signal?: AbortSignal) => Promise<ResultOf<M>>;
    for (let attempt = 1; ; attempt++) {
      try {
        return await invoke.call(this.api, params, signal);
      } catch (error) {
        const waitMs = retryAfterMs(error);
        if (waitMs === undefined || attempt >= MAX_ATTEMPTS || waitMs > MAX_RETRY_AFTER_MS || this.#closed || signal?.aborted) {
          throw fromSdkError(method, error);
        }
        await this.#sleep(waitMs, signal);
        // Closed or cancelled while waiting: report the 429 rather than call a closed pool.
        if (this.#closed || signal?.aborted) throw fromSdkError(method, error);
      }
    }
  }

  /**
   * The download URL of a file `getFile` gave the `file_path` of. It contains the bot token: hand
   * it to a download, never to a user or a log.
   */
  fileUrl(filePath: string): string {
    return this.#fileRoot + filePath;
  }

  /** Stops waiting out flood waits, waits for calls in flight, closes the connections. */
  async close(): Promise<void> {
    this.#closed = true;
    for (const wake of this.#sleeping) wake();
    await this.#transport.close();
  }

  #sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      const wake = () => {
        clearTimeout(timer);
        this.#sleeping.delete(wake);
        signal?.removeEventListener('abort', wake);
        resolve();
      };
      const timer = setTimeout(wake, ms);
      this.#sleeping.add(wake);
      signal?.addEventListener('abort', wake, { once: true });
    });
  }
}

/** The wait a 429 asks for, in ms; undefined for every other error. */
function retryAfterMs(error: unknown): number | undefined {
  if (!(error instanceof SdkApiError) || error.errorCode !== 429) return undefined;
  const seconds = error.retryAfter;
  return typeof seconds === 'number' && Number.isFinite(seconds) && seconds >= 0 ? seconds * 1000 : 1000;
}
