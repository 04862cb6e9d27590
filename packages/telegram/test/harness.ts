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

import { createConnector, type TelegramConnector } from '@bottender/telegram';

import { type FakeTelegramApi, startFakeTelegramApi } from './fake-telegram-api';

export const BOT_TOKEN = '7000000001:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw8';
export const SECRET_TOKEN = 'webhook-secret_0123456789-abcdefghijklmnop';
export const WEBHOOK_PATH = '/webhooks/telegram';

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

/** Collects what the runtime and the connector log. */
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

export interface TelegramBotHarness {
  api: FakeTelegramApi;
  connector: TelegramConnector;
  store: CountingStore;
  bot: Bot;
  server: RunningServer;
  /** What the runtime logged (failed sends land here: the state is committed by then). */
  log: ReturnType<typeof recordingLogger>;
  /** POSTs an update the way Telegram does, with the secret token header. */
  post(update: unknown): Promise<Answer>;
  /** POSTs raw bytes with the given headers (no secret token added). */
  postRaw(raw: string | Buffer, headers?: Record<string, string>): Promise<Answer>;
  close(): Promise<void>;
}

/** The whole path: fake Bot API, connector on the real SDK, the runtime, and `serve`. */
export async function startTelegramBot(options: {
  app: Action<any>;
  initialState?: Record<string, unknown>;
  onError?: Action<any>;
  /** The token the connector sends; the fake accepts only BOT_TOKEN. */
  connectorToken?: string;
  store?: CountingStore;
}): Promise<TelegramBotHarness> {
  const api = await startFakeTelegramApi(BOT_TOKEN);
  const log = recordingLogger();
  const connector = createConnector(
    { accessToken: options.connectorToken ?? BOT_TOKEN, secretToken: SECRET_TOKEN, origin: api.origin },
    { logger: log },
  );
  const store = options.store ?? new CountingStore();
  const bot = new Bot({ app: options.app, store, initialState: options.initialState, onError: options.onError, logger: log });
  const server = await serve({ bot, channels: [{ path: WEBHOOK_PATH, connector }], port: 0, host: '127.0.0.1' });
  return {
    api,
    connector,
    store,
    bot,
    server,
    log,
    post: (update) => postRaw(server.port, JSON.stringify(update), { 'x-telegram-bot-api-secret-token': SECRET_TOKEN }),
    postRaw: (raw, headers) => postRaw(server.port, raw, headers),
    close: async () => {
      await server.close();
      await api.close();
    },
  };
}
