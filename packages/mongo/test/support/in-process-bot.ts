import { Bot, type Logger } from 'bottender';
import { TestConnector } from 'bottender/testing';

import type { MongoSessionStore } from '../../src';

/** A logger that keeps what it is told, one `level: message` line per call. */
export function recordingLogger(): Logger & { lines: string[] } {
  const lines: string[] = [];
  return { lines, info: (m) => lines.push(`info: ${m}`), warn: (m) => lines.push(`warn: ${m}`), error: (m) => lines.push(`error: ${m}`) };
}

/** The answer to one event: its HTTP status, when it came and how long it took. */
export interface EventAnswer {
  status: number;
  at: number;
  ms: number;
}

/**
 * A counter bot in this process on the test platform: each event adds 1 to `count` and appends its
 * id to `ids` in its session's state. `post` sends one event as the platform's webhook request.
 */
export function trackingBot(store: MongoSessionStore, logger: Logger, lockTimeoutMs = 3_000) {
  const connector = new TestConnector();
  const bot = new Bot({
    store,
    logger,
    lockTimeoutMs,
    app: async (context) => {
      const { id } = context.event.rawEvent as { id: string };
      context.setState({ count: (context.state.count ?? 0) + 1, ids: [...(context.state.ids ?? []), id] });
    },
  });
  const post = async (event: { user: string; id: string }): Promise<EventAnswer> => {
    const started = Date.now();
    const answer = await bot.handleRequest(connector, {
      method: 'POST',
      path: '/webhooks/test',
      query: new URLSearchParams(),
      headers: {},
      rawBody: Buffer.from(JSON.stringify({ events: [{ text: 'hi', ...event }] })),
    });
    return { status: answer.status, at: Date.now(), ms: Date.now() - started };
  };
  return { bot, post };
}

/** Waits up to `ms` for `condition`; returns whether it held. */
export async function waitFor(condition: () => boolean, ms = 5_000): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (!condition() && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
  return condition();
}

/** The median of some numbers (NaN for none). */
export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted.length === 0 ? NaN : sorted[Math.floor(sorted.length / 2)];
}
