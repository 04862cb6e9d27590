import { type Action, Bot, type Logger, MemorySessionStore, type SessionStore } from 'bottender';

import * as line from '@bottender/line';
import * as slack from '@bottender/slack';
import * as telegram from '@bottender/telegram';
import { type DevConsole, type DevConsoleOptions, startDevConsole } from '@bottender/dev-console';

export interface ConsoleHarness {
  bot: Bot<any>;
  devConsole: DevConsole;
  /** Errors the runtime logged. */
  errors: { message: string; error: unknown }[];
  /** Calls the page's API, token included. */
  api(method: 'GET' | 'POST', path: string, body?: unknown): Promise<{ status: number; json: any }>;
  close(): Promise<void>;
}

/** A bot with the memory driver (or `store`) and a dev console for it; LINE unless `channels` says otherwise. */
export async function startHarness(options: {
  app: Action<any>;
  initialState?: Record<string, unknown>;
  onError?: Action<any>;
  store?: SessionStore;
  expiresIn?: number;
  channels?: DevConsoleOptions['channels'];
  snapshotFile?: string;
  port?: number;
  token?: string;
  handlerTimeoutMs?: number;
}): Promise<ConsoleHarness> {
  const errors: { message: string; error: unknown }[] = [];
  const logger: Logger = { info() {}, warn() {}, error: (message, error) => errors.push({ message, error }) };
  const bot = new Bot({
    app: options.app,
    onError: options.onError,
    store: options.store ?? new MemorySessionStore({ maxSize: 200_000 }),
    initialState: options.initialState,
    expiresIn: options.expiresIn,
    handlerTimeoutMs: options.handlerTimeoutMs,
    logger,
  });
  const devConsole = await startDevConsole({
    bot,
    channels: options.channels ?? { line: { enabled: true } },
    initialState: options.initialState,
    expiresIn: options.expiresIn,
    loadPackage: async (id) => ({ '@bottender/line': line, '@bottender/telegram': telegram, '@bottender/slack': slack })[id],
    snapshotFile: options.snapshotFile,
    port: options.port,
    token: options.token,
    logger,
  });
  return {
    bot,
    devConsole,
    errors,
    async api(method, path, body) {
      const response = await fetch(`${devConsole.url}api/${path}`, {
        method,
        headers: body === undefined ? undefined : { 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await response.text();
      let json: any;
      try {
        json = JSON.parse(text);
      } catch {
        json = text;
      }
      return { status: response.status, json };
    },
    async close() {
      await devConsole.close();
      await bot.close();
    },
  };
}

/** The counter bot of the examples, with a button. */
export const counterApp: Action<any> = async (context) => {
  if (context.event.isPayload) {
    await context.sendText(`postback: ${context.event.payload}`);
    return;
  }
  if (context.event.text === 'boom') throw new Error('boom: the handler failed on purpose');
  const count = (context.state.count ?? 0) + 1;
  context.setState({ count });
  await context.sendText(`Count: ${count}`);
};
