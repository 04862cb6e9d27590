import { request } from 'node:http';

import {
  type Action,
  Bot,
  type Logger,
  MemorySessionStore,
  type RunningServer,
  type ServeOptions,
  type SessionRecord,
  type SessionStore,
  type WriteOptions,
  serve,
} from 'bottender';

/** A memory store that counts what the runtime asks of it. */
export class CountingStore implements SessionStore {
  readonly name = 'counting-memory';
  readonly inner = new MemorySessionStore();
  reads = 0;
  writes = 0;

  read(id: string): Promise<SessionRecord | undefined> {
    this.reads++;
    return this.inner.read(id);
  }
  write(record: SessionRecord, options: WriteOptions): Promise<void> {
    this.writes++;
    return this.inner.write(record, options);
  }
  delete(id: string): Promise<void> {
    return this.inner.delete(id);
  }
  list(): AsyncIterable<SessionRecord> {
    return this.inner.list();
  }
}

/** What the webhook answered: the status, the body as text and (when it parses) as JSON. */
export interface Answer {
  status: number;
  text: string;
  json: any;
  contentType: string | undefined;
}

/**
 * POSTs raw bytes to `path` on 127.0.0.1:`port` with Node's http client, with exactly the given
 * headers besides `content-length` (so a test can send what a platform never would).
 */
export function postRaw(port: number, path: string, raw: string | Buffer, headers: Record<string, string> = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const body = typeof raw === 'string' ? Buffer.from(raw) : raw;
    const req = request({ host: '127.0.0.1', port, path, method: 'POST', headers: { 'content-length': body.length, ...headers } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let json: any;
        try {
          json = JSON.parse(text);
        } catch {
          json = undefined;
        }
        resolve({ status: res.statusCode ?? 0, text, json, contentType: res.headers['content-type'] });
      });
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** A logger that collects what the runtime and the connector log. */
export function recordingLogger(): Logger & { errors: { message: string; error: unknown }[]; warnings: string[]; infos: string[] } {
  const errors: { message: string; error: unknown }[] = [];
  const warnings: string[] = [];
  const infos: string[] = [];
  return {
    errors,
    warnings,
    infos,
    info: (message) => infos.push(message),
    warn: (message) => warnings.push(message),
    error: (message, error) => errors.push({ message, error }),
  };
}

/** The webhook connector `serve` mounts. */
export type WebhookConnector = ServeOptions['channels'][number]['connector'];

/** What {@link serveBot} needs: the platform's fake API and connector, and the bot's parts. */
export interface ServeBotOptions {
  /** The fake platform API the connector talks to; closed after the server. */
  api: { close(): Promise<void> };
  connector: WebhookConnector;
  /** Where the connector's webhook is served. */
  path: string;
  store: SessionStore;
  logger: Logger;
  app: Action<any>;
  initialState?: Record<string, unknown>;
  onError?: Action<any>;
}

/** A bot served on 127.0.0.1 (port 0), and how to take it and its fake API down. */
export interface ServedBot {
  bot: Bot;
  server: RunningServer;
  /** Closes the server, then the fake API. */
  close(): Promise<void>;
}

/** A Bot on `options.store` and `serve` with the connector's webhook at `options.path`. */
export async function serveBot(options: ServeBotOptions): Promise<ServedBot> {
  const { api, connector, path, store, logger, app, initialState, onError } = options;
  const bot = new Bot({ app, store, initialState, onError, logger });
  const server = await serve({ bot, channels: [{ path, connector }], port: 0, host: '127.0.0.1' });
  return {
    bot,
    server,
    close: async () => {
      await server.close();
      await api.close();
    },
  };
}
