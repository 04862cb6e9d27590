import { type Dispatcher, Pool } from 'undici';

/**
 * A `fetch` for the SDK's client, over one keep-alive undici `Pool` to the Bot API's origin.
 *
 * This is the hot path: every answered update makes at least one call. The SDK lets us inject
 * its `fetch` (everything else stays the SDK's: method shapes, parameter encoding, the
 * `{ ok, result }` envelope, its types), and Node's global `fetch` costs several times the CPU of
 * a plain request per call. So calls whose body is text (every call but uploads) go through
 * undici's `dispatch` directly, and the answer comes back as a small object with what the SDK
 * reads of a `Response` (`status`, `text()`). Uploads (streamed multipart bodies) and anything
 * not addressed to the origin use the global `fetch` unchanged.
 */
export interface PoolFetch {
  fetch: typeof fetch;
  /** Waits for calls in flight, then closes the connections. */
  close(): Promise<void>;
}

export function createPoolFetch(origin: string): PoolFetch {
  const pool = new Pool(origin, { keepAliveTimeout: 30_000, headersTimeout: 30_000, bodyTimeout: 30_000 });
  const prefix = `${origin}/`;
  const poolFetch = (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    const body = textBody(init?.body);
    if (!url.startsWith(prefix) || body === null || (init?.method !== undefined && init.method !== 'POST' && init.method !== 'GET')) {
      return globalThis.fetch(input, init);
    }
    const path = url.slice(origin.length);
    const signal = init?.signal ?? undefined;
    if (signal?.aborted) return Promise.reject(signal.reason);
    return new Promise<Response>((resolve, reject) => {
      const handler = new TextAnswer(resolve, reject, signal);
      // getUpdates waits on Telegram's side for up to 50 s; the SDK bounds it with its own signal.
      const longPoll = path.endsWith('/getUpdates');
      try {
        pool.dispatch(
          {
            path,
            method: init?.method === 'GET' ? 'GET' : 'POST',
            headers: plainHeaders(init?.headers),
            body,
            ...(longPoll ? { headersTimeout: 0, bodyTimeout: 0 } : {}),
          },
          handler,
        );
      } catch (error) {
        reject(new Error(`request could not be sent: ${(error as Error)?.message}`));
      }
    });
  };
  return {
    fetch: poolFetch as typeof fetch,
    close: async () => {
      if (!pool.closed) await pool.close();
    },
  };
}

/** The body as text, undefined for none, null when it is not text (a stream, a Blob, FormData). */
function textBody(body: RequestInit['body']): string | undefined | null {
  if (body === undefined || body === null) return undefined;
  if (typeof body === 'string') return body;
  if (body instanceof URLSearchParams) return body.toString();
  return null;
}

function plainHeaders(headers: RequestInit['headers']): Record<string, string> | undefined {
  if (headers === undefined) return undefined;
  if (headers instanceof Headers) return Object.fromEntries(headers.entries());
  if (Array.isArray(headers)) return Object.fromEntries(headers);
  return headers as Record<string, string>;
}

/** The most of an answer kept: Bot API answers are small; a runaway proxy page is cut off. */
const MAX_ANSWER = 8 * 1024 * 1024;

class TextAnswer implements Dispatcher.DispatchHandler {
  #status = 0;
  #statusText = '';
  #headers: Record<string, unknown> = {};
  #chunks: Buffer[] = [];
  #size = 0;
  #controller: Dispatcher.DispatchController | undefined;
  #onAbort: (() => void) | undefined;

  constructor(
    private readonly resolve: (response: Response) => void,
    private readonly reject: (error: unknown) => void,
    private readonly signal: AbortSignal | undefined,
  ) {}

  onRequestStart(controller: Dispatcher.DispatchController): void {
    this.#controller = controller;
    const signal = this.signal;
    if (signal) {
      this.#onAbort = () => controller.abort(signal.reason);
      signal.addEventListener('abort', this.#onAbort, { once: true });
    }
  }

  onResponseStart(
    _controller: Dispatcher.DispatchController,
    statusCode: number,
    headers: Record<string, unknown>,
    statusMessage?: string,
  ): void {
    this.#status = statusCode;
    this.#statusText = statusMessage ?? '';
    this.#headers = headers;
  }

  onResponseData(_controller: Dispatcher.DispatchController, chunk: Buffer): void {
    this.#size += chunk.length;
    if (this.#size > MAX_ANSWER) {
      this.#controller?.abort(new Error(`answer larger than ${MAX_ANSWER} bytes`));
      return;
    }
    this.#chunks.push(chunk);
  }

  onResponseEnd(): void {
    this.#detach();
    const chunks = this.#chunks;
    const text = chunks.length === 1 ? chunks[0].toString('utf8') : Buffer.concat(chunks).toString('utf8');
    this.resolve(new TextResponse(this.#status, this.#statusText, this.#headers, text) as unknown as Response);
  }

  onResponseError(_controller: Dispatcher.DispatchController, error: Error): void {
    this.#detach();
    // An abort from the caller's signal surfaces as the signal's reason, as fetch does.
    this.reject(this.signal?.aborted ? this.signal.reason : error);
  }

  #detach(): void {
    if (this.#onAbort) this.signal?.removeEventListener('abort', this.#onAbort);
  }
}

/** The parts of a fetch `Response` a JSON API client reads, over an answer already in memory. */
class TextResponse {
  readonly ok: boolean;
  readonly redirected = false;
  readonly type = 'basic';
  readonly url = '';
  #used = false;
  #headers: Headers | undefined;

  constructor(
    readonly status: number,
    readonly statusText: string,
    private readonly rawHeaders: Record<string, unknown>,
    private readonly body: string,
  ) {
    this.ok = status >= 200 && status < 300;
  }

  get bodyUsed(): boolean {
    return this.#used;
  }

  get headers(): Headers {
    if (!this.#headers) {
      this.#headers = new Headers();
      for (const [name, value] of Object.entries(this.rawHeaders)) {
        if (Array.isArray(value)) for (const v of value) this.#headers.append(name, String(v));
        else if (value !== undefined) this.#headers.set(name, String(value));
      }
    }
    return this.#headers;
  }

  async text(): Promise<string> {
    this.#consume();
    return this.body;
  }

  async json(): Promise<unknown> {
    this.#consume();
    return JSON.parse(this.body);
  }

  async arrayBuffer(): Promise<ArrayBuffer> {
    this.#consume();
    const bytes = Buffer.from(this.body, 'utf8');
    return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
  }

  #consume(): void {
    if (this.#used) throw new TypeError('Body has already been used');
    this.#used = true;
  }
}
