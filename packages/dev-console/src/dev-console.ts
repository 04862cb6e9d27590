import { randomBytes } from 'node:crypto';

import { type AnyState, type Bot, createRequestHandler, type Logger, consoleLogger } from 'bottender';

import { startFakeApiServer } from './http/fake-api-server';
import { startConsoleServer } from './http/server';
import { EventStream } from './http/sse';
import { StaticFiles } from './http/static-files';
import { EventLog } from './log/event-log';
import { buildPlatforms, type ChannelOptions, type PackageLoader } from './platforms/registry';
import type { WebhookDevPlatform } from './platforms/types';
import { observeRuntime } from './runtime-events';
import { createRoutes } from './routes';
import { Sender } from './sender';
import { SessionEditor } from './sessions/session-edits';
import { SessionPages } from './sessions/session-pages';
import { type SessionOrigin, type SessionView, SessionViews } from './sessions/session-view';
import { loadSnapshot, saveSnapshot } from './snapshot';

/** Options of {@link startDevConsole}. */
export interface DevConsoleOptions {
  /** The running bot: its handler, store and queue handle every event sent from the page. */
  bot: Bot<any>;
  /** The config's `channels`; each enabled one the dev console speaks is offered on the page. */
  channels?: Record<string, ChannelOptions | undefined>;
  /** The config's `initialState` (what a reset sets, what a new session shows). */
  initialState?: AnyState;
  /** The config's `session.expiresIn`, in minutes. */
  expiresIn?: number;
  /** The port on 127.0.0.1; 0 (default) picks a free one. `bottender dev` keeps one across reloads. */
  port?: number;
  /** The secret in the URL. Default: 24 random bytes. `bottender dev` keeps one across reloads. */
  token?: string;
  /** Loads `@bottender/<platform>`. Default: `require` from this package. */
  loadPackage?: PackageLoader;
  /**
   * A file to hand the page's log (and the memory driver's sessions) from one bot process to the
   * next: written by `close()`, read and removed at start. `bottender dev` sets it.
   */
  snapshotFile?: string;
  /** Shown on the page after a reload, e.g. `index.ts changed`. */
  reloadReason?: string;
  logger?: Logger;
  now?: () => number;
}

/** A running dev console. */
export interface DevConsole {
  /** `http://127.0.0.1:<port>/<token>/`: the page, token included. */
  readonly url: string;
  readonly port: number;
  readonly token: string;
  /** The platforms the page can chat as (`line`, ..., or `console`). */
  readonly platforms: readonly string[];
  /** Enabled channels the page cannot chat as, and why. */
  readonly skipped: readonly { name: string; reason: string }[];
  /** Stops the servers (and writes the snapshot when one is configured). Does not close the bot. */
  close(): Promise<void>;
}

/**
 * Starts the browser dev console for a running bot: a page on 127.0.0.1 (behind a random token)
 * to chat as any user, group or channel of the enabled platforms, see the answers rendered, the
 * session's state change, the store's sessions, and every event's outcome.
 *
 * Events from the page go through the same connector code and the same runtime as real webhooks;
 * what the bot sends goes to an in-process fake of the platform's API, which records it.
 */
export async function startDevConsole(options: DevConsoleOptions): Promise<DevConsole> {
  const { bot } = options;
  const logger = options.logger ?? consoleLogger;
  const now = options.now ?? Date.now;
  const token = options.token ?? randomBytes(24).toString('base64url');
  if (!/^[A-Za-z0-9_-]{16,128}$/.test(token)) throw new TypeError('the dev console token must be 16 to 128 URL-safe characters');
  const initialState = structuredClone(options.initialState ?? {});
  const log = new EventLog();
  const labels = new Map<string, SessionOrigin>();
  const stream = new EventStream();
  const views = new SessionViews({ initialState, expiresIn: options.expiresIn, labels, now });
  const bootId = randomBytes(6).toString('hex');
  const startedAt = now();

  const snapshot = options.snapshotFile ? await loadSnapshot(options.snapshotFile, bot.store, logger) : undefined;
  if (snapshot) {
    log.restore(snapshot.log);
    for (const [id, label] of snapshot.labels) labels.set(id, label);
  }

  let webhookPlatforms: WebhookDevPlatform[] = [];
  const fakeApi = await startFakeApiServer(() => webhookPlatforms, {
    messages: (sent) => log.addMessages(sent, now()),
    call: (call) => log.addCall(call),
  });
  const loadPackage: PackageLoader = options.loadPackage ?? ((id) => require(id));
  const { platforms, skipped } = await buildPlatforms({ bot, channels: options.channels ?? {}, fakeOrigin: fakeApi.origin, loadPackage });
  webhookPlatforms = platforms.filter((p): p is WebhookDevPlatform => p.transport === 'webhook');
  for (const platform of webhookPlatforms) await platform.connector.init?.();

  const webhooks = createRequestHandler({
    bot,
    channels: webhookPlatforms.map((p) => ({ path: p.webhookPath, connector: p.connector })),
    healthPath: false,
    logger,
  });

  /** Reads the session after a change and tells the pages (the view says what changed). */
  const touchSession = async (sessionId: string): Promise<SessionView | undefined> => {
    try {
      const view = views.view(sessionId, await bot.store.read(sessionId));
      stream.send('session', view);
      return view;
    } catch (error) {
      stream.send('session-error', { id: sessionId, error: (error as Error)?.message ?? String(error) });
      return undefined;
    }
  };
  let port = options.port ?? 0;
  const sender = new Sender({
    log,
    store: bot.store,
    webhookBase: () => `http://127.0.0.1:${port}/${token}`,
    sessionTouched: touchSession,
    sessionBefore: (id, record) => void views.view(id, record),
    now,
  });
  const stopObserving = observeRuntime(bot, (report) => sender.report(report));
  log.listen((entry) => stream.send('log', entry));

  const editor = new SessionEditor({
    store: bot.store,
    initialState,
    expiresIn: options.expiresIn,
    exclusive: exclusiveOf(bot),
    now,
  });
  const pages = new SessionPages(bot.store, { now });
  const info = () => ({
    bootId,
    startedAt,
    reloadReason: options.reloadReason,
    store: bot.store.name,
    initialState,
    expiresIn: options.expiresIn,
    platforms: platforms.map((p) => p.description),
    skipped,
    runtimeReports: stopObserving !== undefined,
  });
  const routes = createRoutes({ platforms, sender, log, labels, views, editor, pages, store: bot.store, info, touchSession });

  const server = await startConsoleServer({
    token,
    port,
    files: new StaticFiles(undefined, process.env.BOTTENDER_DEV_CONSOLE_FRESH === '1'),
    routes,
    streams: { events: (response) => stream.open(response, info()) },
    webhooks,
    onError: (error) => logger.error('dev console request failed', error),
  });
  port = server.port;

  let closing: Promise<void> | undefined;
  return {
    url: `http://127.0.0.1:${port}/${token}/`,
    port,
    token,
    platforms: platforms.map((p) => p.description.name),
    skipped,
    close: () =>
      (closing ??= (async () => {
        stopObserving?.();
        stream.close();
        await server.close();
        await pages.close();
        sender.close();
        if (options.snapshotFile) await saveSnapshot(options.snapshotFile, { store: bot.store, log: log.entries(), labels }, logger);
        for (const platform of webhookPlatforms) await platform.connector.close?.();
        await fakeApi.close();
      })()),
  };
}

/** The Bot's per-session queue, when it offers one to tools (`bot.exclusive`). */
function exclusiveOf(bot: Bot<any>): (<T>(id: string, fn: () => Promise<T>) => Promise<T>) | undefined {
  const exclusive = (bot as unknown as { exclusive?: <T>(id: string, fn: () => Promise<T>) => Promise<T> }).exclusive;
  if (typeof exclusive !== 'function') return undefined;
  return <T>(id: string, fn: () => Promise<T>): Promise<T> => exclusive.call(bot, id, fn) as Promise<T>;
}
