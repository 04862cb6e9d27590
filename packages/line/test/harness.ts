import { request } from 'node:http';

import {
  type Action,
  Bot,
  type Logger,
  MemorySessionStore,
  type RunningServer,
  type SessionRecord,
  type SessionStore,
  type WriteOptions,
  serve,
} from 'bottender';

import { createConnector, type LineConnector } from '@bottender/line';

import { type FakeLineApi, signLineBody, startFakeLineApi } from '@bottender/line/testing';

export const ACCESS_TOKEN = 'test-access-token-0123456789abcdefghijklmnopqrstuvwxyz';
export const CHANNEL_SECRET = '8c1f4b7e2a9d6035c4e8b1f7a2d9e630';
export const WEBHOOK_PATH = '/webhooks/line';

/** X-Line-Signature as LINE computes it (see @bottender/line/testing's signLineBody). */
export function sign(raw: string | Buffer, secret = CHANNEL_SECRET): string {
  return signLineBody(raw, secret);
}

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

export interface Answer {
  status: number;
  text: string;
  json: any;
}

/** POSTs raw bytes with Node's http client. */
export function postRaw(port: number, raw: string | Buffer, headers: Record<string, string> = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const body = typeof raw === 'string' ? Buffer.from(raw) : raw;
    const req = request(
      {
        host: '127.0.0.1',
        port,
        path: WEBHOOK_PATH,
        method: 'POST',
        headers: { 'content-type': 'application/json', 'content-length': body.length, ...headers },
      },
      (res) => {
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
          resolve({ status: res.statusCode ?? 0, text, json });
        });
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

export interface LineBotHarness {
  api: FakeLineApi;
  connector: LineConnector;
  store: CountingStore;
  bot: Bot;
  server: RunningServer;
  /** Errors the runtime logged (failed sends land here: the state is committed by then). */
  errors: { message: string; error: unknown }[];
  /** Signs and POSTs a webhook body the way LINE does. */
  post(body: unknown): Promise<Answer>;
  /** POSTs raw bytes with the given headers (no signature added). */
  postRaw(raw: string | Buffer, headers?: Record<string, string>): Promise<Answer>;
  close(): Promise<void>;
}

/** The whole path: fake LINE API, connector on the real SDK, the runtime, and `serve`. */
export async function startLineBot(options: {
  app: Action<any>;
  pushFallback?: boolean;
  sendMethod?: 'reply' | 'push';
  initialState?: Record<string, unknown>;
  onError?: Action<any>;
  /** The token the connector sends; the fake accepts only ACCESS_TOKEN. */
  connectorAccessToken?: string;
}): Promise<LineBotHarness> {
  const api = await startFakeLineApi(ACCESS_TOKEN);
  const connector = createConnector({
    accessToken: options.connectorAccessToken ?? ACCESS_TOKEN,
    channelSecret: CHANNEL_SECRET,
    origin: api.origin,
    pushFallback: options.pushFallback,
    sendMethod: options.sendMethod,
  });
  const store = new CountingStore();
  const errors: { message: string; error: unknown }[] = [];
  const logger: Logger = { info() {}, warn() {}, error: (message, error) => errors.push({ message, error }) };
  const bot = new Bot({ app: options.app, store, initialState: options.initialState, onError: options.onError, logger });
  const server = await serve({ bot, channels: [{ path: WEBHOOK_PATH, connector }], port: 0, host: '127.0.0.1' });
  return {
    api,
    connector,
    store,
    bot,
    server,
    errors,
    post: (body) => {
      const raw = JSON.stringify(body);
      return postRaw(server.port, raw, { 'x-line-signature': sign(raw) });
    },
    postRaw: (raw, headers) => postRaw(server.port, raw, headers),
    close: async () => {
      await server.close();
      await api.close();
    },
  };
}
