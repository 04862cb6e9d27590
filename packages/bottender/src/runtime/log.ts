import createDebug from 'debug';

import type { Logger } from './logger';

/**
 * How much the bot says on stderr, each level adding to the one before: `error`, `warn`, `info`
 * (the default of `bottender start`: start-up and recovery notes), `verbose` (one line per
 * webhook; the default of `bottender dev`, or `start --verbose`), `debug` (also every
 * `bottender:*` debug namespace: the store's and the platform clients' calls).
 */
export const LOG_LEVELS = ['error', 'warn', 'info', 'verbose', 'debug'] as const;

/** One of {@link LOG_LEVELS}. */
export type LogLevel = (typeof LOG_LEVELS)[number];

const RANK: Record<LogLevel, number> = { error: 0, warn: 1, info: 2, verbose: 3, debug: 4 };

/** True when a logger at `level` prints messages of `wanted`. */
export function logs(level: LogLevel, wanted: LogLevel): boolean {
  return RANK[level] >= RANK[wanted];
}

/** `logger` without the messages above `level` (errors always pass). */
export function leveledLogger(logger: Logger, level: LogLevel): Logger {
  return {
    info: (message) => {
      if (logs(level, 'info')) logger.info(message);
    },
    warn: (message) => {
      if (logs(level, 'warn')) logger.warn(message);
    },
    error: (message, error) => logger.error(message, error),
  };
}

/** A debug channel: call it with a message; `enabled` says whether anything is printed. */
export interface DebugLog {
  (message: string, ...args: unknown[]): void;
  readonly enabled: boolean;
  readonly namespace: string;
}

/**
 * A `DEBUG`-style namespace, e.g. `debugLog('store')` prints when `DEBUG=bottender:store` (or
 * `bottender:*`) is set. Platform and driver packages use their own name (`debugLog('line')`), so
 * `DEBUG=bottender:line,bottender:store` shows what the LINE client and the store do. Built on the
 * `debug` package, so `DEBUG=ioredis:*` (the Redis client's own namespaces) combines with it.
 */
export function debugLog(name: string): DebugLog {
  const namespace = name.startsWith('bottender:') ? name : `bottender:${name}`;
  const debug = createDebug(namespace);
  const log = ((message: string, ...args: unknown[]) => debug(message, ...args)) as DebugLog;
  Object.defineProperty(log, 'enabled', { get: () => debug.enabled });
  Object.defineProperty(log, 'namespace', { value: namespace });
  return log;
}

/** Turns on every `bottender:*` namespace in this process (what `logLevel: 'debug'` does). */
export function enableDebugNamespaces(): void {
  const current = createDebug.disable();
  createDebug.enable(current ? `${current},bottender:*` : 'bottender:*');
}

/** One webhook request, as `bottender dev` (or `start --verbose`) logs it. */
export interface WebhookLogEntry {
  method: string;
  path: string;
  /** The channel's platform, when the path was a channel's. */
  platform?: string;
  /** The events the body carried: each one's session id and what happened to it. */
  events: readonly { session: string; outcome: string }[];
  /** The HTTP status answered. */
  status: number;
  /** From the first byte read to the answer written. */
  durationMs: number;
}

/**
 * `POST /webhooks/line 200 line line:U4af4980629 committed 12ms`: method, path, status, platform,
 * each event's session and outcome, time. Request data (the path, session ids) is escaped, so a
 * hostile request cannot forge log lines.
 */
export function formatWebhookLine(entry: WebhookLogEntry): string {
  const events =
    entry.events.length === 0
      ? 'no events'
      : entry.events.map((event) => `${printable(event.session)} ${printable(event.outcome)}`).join(', ');
  const ms = Math.max(0, Math.round(entry.durationMs));
  return `${printable(entry.method)} ${printable(entry.path)} ${entry.status} ${printable(entry.platform ?? '-')} ${events} ${ms}ms`;
}

/** The text itself when it is short and printable without spaces; else JSON-quoted and cut. */
function printable(text: string): string {
  const cut = text.length > 120 ? `${text.slice(0, 117)}...` : text;
  return /^[\x21-\x7e]+$/.test(cut) ? cut : JSON.stringify(cut);
}
