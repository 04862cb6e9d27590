import type { Action, Bot, RunningServer } from 'bottender';

import { createConnector, type TelegramConnector } from '@bottender/telegram';

import { type Answer, CountingStore, postRaw as postTo, recordingLogger, serveBot } from '../../../test-support/platforms/harness';
import { type FakeTelegramApi, startFakeTelegramApi } from './fake-telegram-api';

export { type Answer, CountingStore, recordingLogger };

export const BOT_TOKEN = '7000000001:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw8';
export const SECRET_TOKEN = 'webhook-secret_0123456789-abcdefghijklmnop';
export const WEBHOOK_PATH = '/webhooks/telegram';

/** POSTs raw bytes to the Telegram webhook as JSON (the given headers win). */
export function postRaw(port: number, raw: string | Buffer, headers: Record<string, string> = {}): Promise<Answer> {
  return postTo(port, WEBHOOK_PATH, raw, { 'content-type': 'application/json', ...headers });
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
  const { bot, server, close } = await serveBot({ api, connector, path: WEBHOOK_PATH, store, logger: log, app: options.app, initialState: options.initialState, onError: options.onError });
  return {
    api,
    connector,
    store,
    bot,
    server,
    log,
    post: (update) => postRaw(server.port, JSON.stringify(update), { 'x-telegram-bot-api-secret-token': SECRET_TOKEN }),
    postRaw: (raw, headers) => postRaw(server.port, raw, headers),
    close,
  };
}
