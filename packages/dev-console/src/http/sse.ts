import type { ServerResponse } from 'node:http';

/**
 * Server-sent events to every open page. A page's EventSource reconnects by itself (after
 * `retry` ms) when the server goes away, as it does while `bottender dev` reloads the bot.
 */
export class EventStream {
  readonly #clients = new Set<ServerResponse>();
  readonly #heartbeat: NodeJS.Timeout;

  constructor(private readonly retryMs = 500) {
    // A comment line now and then keeps proxies and idle timeouts from closing the stream.
    this.#heartbeat = setInterval(() => this.#write(': keep-alive\n\n'), 15_000);
    this.#heartbeat.unref();
  }

  /** Takes over `response` as an event stream and sends `hello` first. */
  open(response: ServerResponse, hello: unknown): void {
    response.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store',
      connection: 'keep-alive',
    });
    response.write(`retry: ${this.retryMs}\n\n`);
    response.write(frame('hello', hello));
    this.#clients.add(response);
    response.on('close', () => this.#clients.delete(response));
  }

  /** Sends one event to every page. */
  send(type: string, data: unknown): void {
    if (this.#clients.size > 0) this.#write(frame(type, data));
  }

  get size(): number {
    return this.#clients.size;
  }

  /** Ends every stream (the pages will reconnect to whatever listens next). */
  close(): void {
    clearInterval(this.#heartbeat);
    for (const client of this.#clients) client.end();
    this.#clients.clear();
  }

  #write(text: string): void {
    for (const client of this.#clients) client.write(text);
  }
}

function frame(type: string, data: unknown): string {
  // JSON has no raw newlines, so one data line carries it.
  return `event: ${type}\ndata: ${JSON.stringify(data)}\n\n`;
}
