import { SessionStoreError } from '../session/types';
import type { Logger } from './logger';

/**
 * The store, or the part of it that holds a session (a Redis Cluster node, a database shard),
 * cannot be reached. Thrown by a store that keeps a {@link StoreHealth}: the store has already
 * reported the outage (once, then a count every few seconds), so the runtime answers 503 without
 * a log line of its own for each refused event.
 */
export class StoreUnavailableError extends SessionStoreError {
  constructor(
    message: string,
    sessionId: string | undefined,
    /** The part that is down, e.g. `127.0.0.1:7001`; the store's name when it is all one. */
    readonly part: string,
    options?: { cause?: unknown },
  ) {
    super(message, sessionId, options);
    this.name = 'StoreUnavailableError';
  }
}

/** How a {@link StoreHealth} behaves; the defaults suit a production bot. */
export interface StoreHealthOptions {
  /** Names the store in log lines, e.g. `redis session store`. */
  name: string;
  logger: Logger;
  /** While a part is down, events that need it are refused at once, except one every this often, which tries it. Default 2 000 ms. */
  retryEveryMs?: number;
  /** While a part is down, a line with the count of refused events is written this often. Default 5 000 ms. */
  reportEveryMs?: number;
  /** The clock, in ms; tests pass a controllable one. */
  now?: () => number;
}

interface Outage {
  since: number;
  reason: string;
  /** Refused events since the last report line, and since the outage began. */
  recent: number;
  total: number;
  /** Before this time, events that need the part are refused without trying it. */
  retryAt: number;
}

/**
 * A store's view of which of its parts are down, so that an outage is refused fast and reported
 * quietly: while a part is known down, events that need it fail at once (no client retries
 * first, which would hold every waiting event and slow the healthy sessions down too) except one
 * every {@link StoreHealthOptions.retryEveryMs}, which tries the part again; the log says it is
 * down once, then how many events were refused every {@link StoreHealthOptions.reportEveryMs},
 * then that it is back, instead of one stack trace per refused event.
 *
 * A part is a name the store chooses: the server address for a one-server store, the node of a
 * session's slot for a cluster. While nothing is down, {@link check} is one `size` test.
 */
export class StoreHealth {
  readonly #options: Required<Omit<StoreHealthOptions, 'name' | 'logger'>>;
  readonly #name: string;
  readonly #logger: Logger;
  readonly #down = new Map<string, Outage>();
  #timer: NodeJS.Timeout | undefined;

  constructor(options: StoreHealthOptions) {
    this.#name = options.name;
    this.#logger = options.logger;
    this.#options = {
      retryEveryMs: options.retryEveryMs ?? 2_000,
      reportEveryMs: options.reportEveryMs ?? 5_000,
      now: options.now ?? Date.now,
    };
  }

  /** Whether `part` (or, without it, any part) is known down. */
  isDown(part?: string): boolean {
    return part === undefined ? this.#down.size > 0 : this.#down.has(part);
  }

  /**
   * Call before using `part` for an event. Throws {@link StoreUnavailableError} at once while it
   * is known down and no retry is due; when one is due, lets this event through to try it.
   */
  check(part: string, sessionId?: string): void {
    if (this.#down.size === 0) return;
    const outage = this.#down.get(part);
    if (outage === undefined) return;
    const now = this.#options.now();
    if (now >= outage.retryAt) {
      outage.retryAt = now + this.#options.retryEveryMs; // this event tries it; the others wait for its result
      return;
    }
    outage.recent++;
    outage.total++;
    throw new StoreUnavailableError(
      `${this.#name}: ${part} is unavailable (${outage.reason}); not tried again until ${outage.retryAt - now} ms from now`,
      sessionId,
      part,
    );
  }

  /**
   * Records that `part` failed to answer (`error`: why) for an event, and returns the error to
   * throw for it: a {@link StoreUnavailableError}, since the outage is now reported here. The
   * first failure of an outage writes one warning.
   */
  failed(part: string, error: unknown, sessionId?: string, what = 'failed'): StoreUnavailableError {
    const reason = reasonOf(error);
    const now = this.#options.now();
    let outage = this.#down.get(part);
    if (outage === undefined) {
      this.markDown(part, reason);
      outage = this.#down.get(part)!;
    } else {
      outage.retryAt = now + this.#options.retryEveryMs;
      outage.reason = reason;
    }
    outage.recent++;
    outage.total++;
    const about = sessionId === undefined ? '' : ` for session ${JSON.stringify(sessionId)}`;
    return new StoreUnavailableError(`${this.#name}: ${what}${about}: ${part} is unavailable (${reason})`, sessionId, part, {
      cause: error,
    });
  }

  /**
   * Marks `part` down without an event (the store saw its connection close): the log says so
   * once, and events that need it are refused from now on. Does nothing if it is already down.
   */
  markDown(part: string, reason: string): void {
    if (this.#down.has(part)) return;
    const now = this.#options.now();
    this.#down.set(part, { since: now, reason, recent: 0, total: 0, retryAt: now + this.#options.retryEveryMs });
    this.#logger.warn(
      `${this.#name}: ${part} is unavailable (${reason}); events that need it are answered 503 ` +
        `and it is tried again every ${seconds(this.#options.retryEveryMs)}`,
    );
    this.#startReports();
  }

  /** Records that `part` answered: if it was down, it is back, and the log says so with the count. */
  succeeded(part: string): void {
    if (this.#down.size === 0) return;
    const outage = this.#down.get(part);
    if (outage === undefined) return;
    this.#down.delete(part);
    const lasted = this.#options.now() - outage.since;
    this.#logger.info(`${this.#name}: ${part} is back after ${seconds(lasted)}; ${outage.total} events were answered 503 meanwhile`);
    if (this.#down.size === 0) this.#stopReports();
  }

  /** Stops the report timer (the store is closing). */
  close(): void {
    this.#stopReports();
  }

  #startReports(): void {
    if (this.#timer) return;
    this.#timer = setInterval(() => this.#report(), this.#options.reportEveryMs);
    this.#timer.unref(); // never keeps a process alive
  }

  #stopReports(): void {
    clearInterval(this.#timer);
    this.#timer = undefined;
  }

  #report(): void {
    const now = this.#options.now();
    for (const [part, outage] of this.#down) {
      if (outage.recent === 0) continue;
      this.#logger.warn(
        `${this.#name}: ${part} still unavailable after ${seconds(now - outage.since)} (${outage.reason}); ` +
          `${outage.recent} events answered 503 in the last ${seconds(this.#options.reportEveryMs)}, ${outage.total} in all`,
      );
      outage.recent = 0;
    }
  }
}

function reasonOf(error: unknown): string {
  const message = (error as Error | undefined)?.message ?? String(error);
  // One line: a reason, not a stack.
  return message.split('\n')[0].slice(0, 200);
}

function seconds(ms: number): string {
  return ms < 10_000 ? `${(ms / 1000).toFixed(1)} s` : `${Math.round(ms / 1000)} s`;
}
