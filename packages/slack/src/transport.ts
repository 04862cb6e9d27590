import type { FetchFunction } from '@slack/web-api';
import { Agent, type Dispatcher } from 'undici';

/**
 * The HTTP transport under the SDK's `WebClient`: a `fetch` on undici's keep-alive `Agent`.
 *
 * Every answered Slack event makes at least one Web API call (`chat.postMessage`), so this is the
 * hot path. The WebClient calls the global `fetch` by default, which on Node 20 costs several
 * times the CPU of a plain request (WHATWG streams for every body); the WebClient takes a `fetch`
 * of our own, so its methods, retries and `Retry-After` handling stay the SDK's and only the wire
 * underneath changes: `dispatch` with the body as one string, the answer collected as one Buffer.
 *
 * Only what the WebClient and `response_url` posts use is implemented: POST/GET with a string
 * body, status, headers, and the body as text, JSON or bytes. FormData bodies (file uploads) go
 * to the global `fetch`.
 */
export interface SlackTransport {
  fetch: FetchFunction;
  /** One POST to `origin` + `path` (no URL to parse): the hot path's call. */
  post(origin: string, path: string, headers: Record<string, string>, body: string): Promise<FetchResponse>;
  /** Waits for calls in flight, then closes the connections. */
  close(): Promise<void>;
}

type FetchRequestInit = NonNullable<Parameters<FetchFunction>[1]>;
type FetchResponse = Awaited<ReturnType<FetchFunction>>;

const MAX_ANSWER_BYTES = 16 * 1024 * 1024;

export function createSlackTransport(): SlackTransport {
  const agent = new Agent({ keepAliveTimeout: 30_000, headersTimeout: 30_000, bodyTimeout: 30_000, connections: 64 });
  const fetch: FetchFunction = (url, init) => {
    if (init?.body !== undefined && typeof init.body !== 'string') return globalThis.fetch(url, init as RequestInit) as Promise<FetchResponse>;
    return dispatch(agent, typeof url === 'string' ? new URL(url) : url, init);
  };
  return {
    fetch,
    post: (origin, path, headers, body) => dispatchTo(agent, origin, path, 'POST', headers, body, undefined, origin + path),
    close: async () => {
      if (!agent.closed) await agent.close();
    },
  };
}

function dispatch(agent: Agent, url: URL, init: FetchRequestInit | undefined): Promise<FetchResponse> {
  const method = (init?.method ?? 'GET') as Dispatcher.HttpMethod;
  return dispatchTo(agent, url.origin, url.pathname + url.search, method, init?.headers, init?.body as string | undefined, init?.signal, url.href);
}

function dispatchTo(
  agent: Agent,
  origin: string,
  path: string,
  method: Dispatcher.HttpMethod,
  headers: Record<string, string> | undefined,
  body: string | undefined,
  signal: AbortSignal | undefined,
  href: string,
): Promise<FetchResponse> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    const handler = new CollectingHandler(href, resolve, reject, signal);
    try {
      agent.dispatch({ origin, path, method, headers, body }, handler);
    } catch (error) {
      reject(error);
    }
  });
}

/** Collects one answer into a {@link FetchResponse}. */
class CollectingHandler implements Dispatcher.DispatchHandler {
  #status = 0;
  #statusText = '';
  #headers: Record<string, string> = {};
  #chunks: Buffer[] = [];
  #size = 0;

  constructor(
    private readonly url: string,
    private readonly resolve: (response: FetchResponse) => void,
    private readonly reject: (error: Error) => void,
    private readonly signal: AbortSignal | undefined,
  ) {}

  #onAbort: (() => void) | undefined;

  /** Also what makes undici treat this as a handler of its current API. Wires the timeout signal. */
  onRequestStart(controller: Dispatcher.DispatchController): void {
    const signal = this.signal;
    if (signal === undefined) return;
    this.#onAbort = () => controller.abort(signal.reason instanceof Error ? signal.reason : new Error('aborted'));
    signal.addEventListener('abort', this.#onAbort, { once: true });
  }

  #done(): void {
    if (this.#onAbort) this.signal?.removeEventListener('abort', this.#onAbort);
  }

  onResponseStart(
    _controller: Dispatcher.DispatchController,
    statusCode: number,
    headers: Record<string, string | string[] | undefined>,
    statusMessage?: string,
  ): void {
    this.#status = statusCode;
    this.#statusText = statusMessage ?? '';
    for (const [name, value] of Object.entries(headers)) {
      if (value !== undefined) this.#headers[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
    }
  }

  onResponseData(controller: Dispatcher.DispatchController, chunk: Buffer): void {
    this.#size += chunk.length;
    if (this.#size > MAX_ANSWER_BYTES) {
      controller.abort(new Error(`answer of ${this.url} is larger than ${MAX_ANSWER_BYTES} bytes`));
      return;
    }
    this.#chunks.push(chunk);
  }

  onResponseEnd(): void {
    this.#done();
    const body = this.#chunks.length === 1 ? this.#chunks[0] : Buffer.concat(this.#chunks);
    this.resolve(new CollectedResponse(this.url, this.#status, this.#statusText, this.#headers, body));
  }

  onResponseError(_controller: Dispatcher.DispatchController, error: Error): void {
    this.#done();
    this.reject(error);
  }
}

class CollectedResponse implements FetchResponse {
  readonly headers: FetchResponse['headers'];

  constructor(
    readonly url: string,
    readonly status: number,
    readonly statusText: string,
    headers: Record<string, string>,
    private readonly body: Buffer,
  ) {
    this.headers = {
      get: (name: string) => headers[name.toLowerCase()] ?? null,
      entries: () => Object.entries(headers),
    };
  }

  get ok(): boolean {
    return this.status >= 200 && this.status < 300;
  }

  async text(): Promise<string> {
    return this.body.toString('utf8');
  }

  async json(): Promise<unknown> {
    return JSON.parse(this.body.toString('utf8'));
  }

  async arrayBuffer(): Promise<ArrayBuffer> {
    return this.body.buffer.slice(this.body.byteOffset, this.body.byteOffset + this.body.byteLength) as ArrayBuffer;
  }
}
