import { type Action, Bot, type RunningServer, type SessionRecord, SessionStoreError } from 'bottender';
import type { HeldEvent, HeldEventStore } from 'bottender/store';

import { createConnector, type SlackChannelOptions, SlackConnector } from '@bottender/slack';

import { commandForm, payloadForm } from './fixtures/events';
import { type FakeSlackApi, signSlackBody, startFakeSlackApi } from '@bottender/slack/testing';
import { FakeSocketMode } from './fake-socket-mode';
import { type Answer, CountingStore as MemoryCountingStore, postRaw as postTo, recordingLogger, serveBot } from '../../../test-support/platforms/harness';

export type { Answer };

export const BOT_TOKEN = 'xoxb-0000000001-0000000002-fakebottoken0123456789ab';
export const APP_TOKEN = 'xapp-1-A0FAKE0001-0000000003-fakeapptoken0123456789abcdef';
export const SIGNING_SECRET = '8f742231b10e8888abcd99yyyzzz85a5';
export const WEBHOOK_PATH = '/webhooks/slack';

/** X-Slack-Signature as Slack computes it (`signSlackBody` of the testing entry), with the tests' secret by default. */
export function sign(raw: string | Buffer, timestamp: number | string, secret = SIGNING_SECRET): string {
  return signSlackBody(raw, timestamp, secret);
}

/** Seconds since the epoch, as X-Slack-Request-Timestamp carries them. */
export const nowSeconds = (): number => Math.floor(Date.now() / 1000);

/**
 * A memory store that counts what the runtime asks of it, keeps held events (deadline
 * acknowledgements, which Slack's 3-second limit needs) and can be told to fail reads.
 */
export class CountingStore extends MemoryCountingStore implements HeldEventStore {
  held = 0;
  /** When set, the next reads throw this (a store that cannot be reached). */
  failReads = 0;

  override read(id: string): Promise<SessionRecord | undefined> {
    if (this.failReads > 0) {
      this.reads++;
      this.failReads--;
      return Promise.reject(new SessionStoreError('store down (test)', id));
    }
    return super.read(id);
  }
  // Held events (deadline acknowledgements) go to the memory store, which keeps them.
  holdEvent(event: HeldEvent): Promise<void> {
    this.held++;
    return this.inner.holdEvent(event);
  }
  heldEvents(sessionId?: string): AsyncIterable<HeldEvent> {
    return this.inner.heldEvents(sessionId);
  }
  releaseHeldEvents(sessionId: string, eventIds: readonly string[]): Promise<void> {
    return this.inner.releaseHeldEvents(sessionId, eventIds);
  }
}

/** POSTs raw bytes to the Slack webhook with exactly the given headers (and content-length). */
export function postRaw(port: number, raw: string | Buffer, headers: Record<string, string> = {}): Promise<Answer> {
  return postTo(port, WEBHOOK_PATH, raw, headers);
}

export interface SignOptions {
  /** X-Slack-Request-Timestamp; default now. */
  timestamp?: number;
  /** X-Slack-Retry-Num (and X-Slack-Retry-Reason http_timeout). */
  retryNum?: number;
}

export interface SlackBotHarness {
  api: FakeSlackApi;
  connector: SlackConnector;
  store: CountingStore;
  bot: Bot;
  server: RunningServer;
  /** Errors the runtime logged (failed sends land here: the state is committed by then). */
  errors: { message: string; error: unknown }[];
  /** Signs and POSTs an Events API body (JSON) the way Slack does. */
  postEvent(body: unknown, options?: SignOptions): Promise<Answer>;
  /** Signs and POSTs an interactivity payload (form-encoded `payload`). */
  postPayload(payload: unknown, options?: SignOptions): Promise<Answer>;
  /** Signs and POSTs a slash command (form-encoded fields). */
  postCommand(fields: Record<string, string>, options?: SignOptions): Promise<Answer>;
  /** Signs and POSTs raw bytes with a content type. */
  postSigned(raw: string | Buffer, contentType: string, options?: SignOptions): Promise<Answer>;
  /** POSTs raw bytes with the given headers (no signature added). */
  postRaw(raw: string | Buffer, headers?: Record<string, string>): Promise<Answer>;
  close(): Promise<void>;
}

/** The whole path: fake Slack Web API, connector on the real SDK, the runtime, and `serve`. */
export async function startSlackBot(
  options: {
    app: Action<any>;
    initialState?: Record<string, unknown>;
    onError?: Action<any>;
    connector?: Partial<SlackChannelOptions>;
  },
): Promise<SlackBotHarness> {
  const api = await startFakeSlackApi(BOT_TOKEN, APP_TOKEN);
  const connector = createConnector({
    accessToken: BOT_TOKEN,
    signingSecret: SIGNING_SECRET,
    appToken: APP_TOKEN,
    origin: api.origin,
    ...options.connector,
  });
  const store = new CountingStore();
  const logger = recordingLogger();
  const { bot, server, close } = await serveBot({ api, connector, path: WEBHOOK_PATH, store, logger, app: options.app, initialState: options.initialState, onError: options.onError });
  const postSigned = (raw: string | Buffer, contentType: string, sign_: SignOptions = {}) => {
    const timestamp = sign_.timestamp ?? nowSeconds();
    const headers: Record<string, string> = {
      'content-type': contentType,
      'x-slack-request-timestamp': String(timestamp),
      'x-slack-signature': sign(raw, timestamp),
    };
    if (sign_.retryNum !== undefined) {
      headers['x-slack-retry-num'] = String(sign_.retryNum);
      headers['x-slack-retry-reason'] = 'http_timeout';
    }
    return postRaw(server.port, raw, headers);
  };
  return {
    api,
    connector,
    store,
    bot,
    server,
    errors: logger.errors,
    postEvent: (body, o) => postSigned(JSON.stringify(body), 'application/json', o),
    postPayload: (payload, o) => postSigned(payloadForm(payload), 'application/x-www-form-urlencoded', o),
    postCommand: (fields, o) => postSigned(commandForm(fields), 'application/x-www-form-urlencoded', o),
    postSigned,
    postRaw: (raw, headers) => postRaw(server.port, raw, headers),
    close,
  };
}

export interface SlackSocketHarness {
  api: FakeSlackApi;
  socket: FakeSocketMode;
  connector: SlackConnector;
  store: CountingStore;
  bot: Bot;
  errors: { message: string; error: unknown }[];
  /** What the Socket Mode loop reported (envelopes not acknowledged, dropped). */
  warnings: string[];
  /** Sends an envelope and waits for its ack (rejects after `timeoutMs` without one). */
  sendAndAck(type: 'events_api' | 'interactive' | 'slash_commands', payload: unknown, options?: { retryAttempt?: number; envelopeId?: string }, timeoutMs?: number): Promise<{ envelopeId: string; payload: any; afterMs: number } | undefined>;
  close(): Promise<void>;
}

/** The Socket Mode path: fake Web API, fake Socket Mode server, connector.run() with the bot's dispatcher. */
export async function startSlackSocketBot(options: {
  app: Action<any>;
  initialState?: Record<string, unknown>;
  connector?: Partial<SlackChannelOptions>;
}): Promise<SlackSocketHarness> {
  const api = await startFakeSlackApi(BOT_TOKEN, APP_TOKEN);
  const socket = await new FakeSocketMode().start(api);
  const logger = recordingLogger();
  const connector = new SlackConnector(
    { accessToken: BOT_TOKEN, signingSecret: SIGNING_SECRET, appToken: APP_TOKEN, origin: api.origin, ...options.connector },
    { logger },
  );
  const store = new CountingStore();
  const bot = new Bot({ app: options.app, store, initialState: options.initialState, logger });
  const stop = new AbortController();
  const running = connector.run(bot.dispatcher(connector), stop.signal);
  running.catch(() => undefined);
  await socket.waitForConnection();
  return {
    api,
    socket,
    connector,
    store,
    bot,
    errors: logger.errors,
    warnings: logger.warnings,
    sendAndAck: async (type, payload, sendOptions = {}, timeoutMs = 6_000) => {
      const started = Date.now();
      const envelopeId = socket.send(type, payload, sendOptions);
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<undefined>((resolve) => (timer = setTimeout(() => resolve(undefined), timeoutMs)));
      const ack = await Promise.race([socket.waitForAck(envelopeId), timeout]);
      clearTimeout(timer);
      return ack && { envelopeId, payload: ack.payload, afterMs: ack.at - started };
    },
    close: async () => {
      stop.abort();
      await running.catch(() => undefined);
      await bot.close();
      await connector.close();
      await socket.close();
      await api.close();
    },
  };
}
