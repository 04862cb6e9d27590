import type { Action, Bot, RunningServer } from 'bottender';

import { createConnector, type LineConnector } from '@bottender/line';

import { type FakeLineApi, signLineBody, startFakeLineApi } from '@bottender/line/testing';

import { type Answer, CountingStore, postRaw as postTo, recordingLogger, serveBot } from '../../../test-support/platforms/harness';

export { type Answer, CountingStore };

export const ACCESS_TOKEN = 'test-access-token-0123456789abcdefghijklmnopqrstuvwxyz';
export const CHANNEL_SECRET = '8c1f4b7e2a9d6035c4e8b1f7a2d9e630';
export const WEBHOOK_PATH = '/webhooks/line';

/** X-Line-Signature as LINE computes it (see @bottender/line/testing's signLineBody). */
export function sign(raw: string | Buffer, secret = CHANNEL_SECRET): string {
  return signLineBody(raw, secret);
}

/** POSTs raw bytes to the LINE webhook as JSON (the given headers win). */
export function postRaw(port: number, raw: string | Buffer, headers: Record<string, string> = {}): Promise<Answer> {
  return postTo(port, WEBHOOK_PATH, raw, { 'content-type': 'application/json', ...headers });
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
  const logger = recordingLogger();
  const { bot, server, close } = await serveBot({ api, connector, path: WEBHOOK_PATH, store, logger, app: options.app, initialState: options.initialState, onError: options.onError });
  return {
    api,
    connector,
    store,
    bot,
    server,
    errors: logger.errors,
    post: (body) => {
      const raw = JSON.stringify(body);
      return postRaw(server.port, raw, { 'x-line-signature': sign(raw) });
    },
    postRaw: (raw, headers) => postRaw(server.port, raw, headers),
    close,
  };
}
