import { Bot, type Logger, type SessionStore, silentLogger } from 'bottender';
import { TestConnector } from 'bottender/testing';

/** A logger that keeps what it is told, one `level: message` line per call. */
export function recordingLogger(): Logger & { lines: string[] } {
  const lines: string[] = [];
  return { lines, info: (m) => lines.push(`info: ${m}`), warn: (m) => lines.push(`warn: ${m}`), error: (m) => lines.push(`error: ${m}`) };
}

/** The answer to one event: its HTTP status, when it came and how long it took, in ms. */
export interface EventAnswer {
  status: number;
  at: number;
  ms: number;
}

/** How {@link inProcessBot} runs. */
export interface InProcessBotOptions {
  /** The runtime's bound on waiting for a busy session, in ms. */
  lockTimeoutMs: number;
  /** Default: silent. */
  logger?: Logger;
  /** Whether each event also appends its id to `ids` in its session's state. Default false. */
  track?: boolean;
}

/**
 * A counter bot in this process on the test platform: each event adds 1 to `count` in its
 * session's state (and, with `track`, appends its id to `ids`). `post` sends one event as the
 * platform's webhook request; without one it sends the next of `u`'s events `e1`, `e2`, ...
 */
export function inProcessBot(store: SessionStore, options: InProcessBotOptions) {
  const connector = new TestConnector();
  const bot = new Bot({
    store,
    logger: options.logger ?? silentLogger,
    lockTimeoutMs: options.lockTimeoutMs,
    app: async (context) => {
      const count = (context.state.count ?? 0) + 1;
      const { id } = context.event.rawEvent as { id: string };
      context.setState(options.track ? { count, ids: [...(context.state.ids ?? []), id] } : { count });
    },
  });
  let sent = 0;
  const post = async (event: { user: string; id: string; text?: string } = { user: 'u', id: `e${++sent}` }): Promise<EventAnswer> => {
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
  return { bot, connector, post };
}

/** Waits up to `ms` for `condition`, looking every `everyMs`; returns whether it held. */
export async function waitFor(condition: () => boolean, ms = 5_000, everyMs = 10): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (!condition() && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, everyMs));
  return condition();
}

/** Waits up to `ms` for `condition` (see {@link waitFor}), then asserts it. */
export async function eventually(condition: () => boolean, ms = 5_000, everyMs = 10): Promise<void> {
  expect(await waitFor(condition, ms, everyMs)).toBe(true);
}

/** The median of some numbers (NaN for none). */
export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted.length === 0 ? NaN : sorted[Math.floor(sorted.length / 2)];
}
