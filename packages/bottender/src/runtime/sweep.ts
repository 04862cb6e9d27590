/**
 * Bounds without a timer per event. Every event in flight has a time by which it must be done
 * (its wait for the session, then its run); one interval, running only while something is
 * registered, checks them all. An event that finishes in time costs a Set insert and delete,
 * not a setTimeout and clearTimeout: the hot path stays as it was (docs/benchmarks.md).
 */

/** Something that must be done by `expiresAt` (epoch ms, on the sweep's clock). */
export interface Expiring {
  expiresAt: number;
  /** Called once, from the sweep, when `expiresAt` has passed while still registered. */
  expire(): void;
}

export class ExpirySweep {
  readonly #entries = new Set<Expiring>();
  readonly #tickMs: number;
  readonly #now: () => number;
  #timer: NodeJS.Timeout | undefined;

  /**
   * @param tickMs how often to check; an entry expires at most this long after its time
   * @param now the clock (Date.now: bounds are real time even when the bot's clock is a test's)
   */
  constructor(tickMs: number, now: () => number = Date.now) {
    this.#tickMs = Math.max(1, Math.floor(tickMs));
    this.#now = now;
  }

  add(entry: Expiring): void {
    this.#entries.add(entry);
    if (this.#timer === undefined) {
      this.#timer = setInterval(() => this.#tick(), this.#tickMs);
      // A bound must never keep the process alive by itself.
      this.#timer.unref();
    }
  }

  delete(entry: Expiring): void {
    this.#entries.delete(entry);
  }

  get size(): number {
    return this.#entries.size;
  }

  /** Stops the interval (the bot is closing); registered entries no longer expire. */
  stop(): void {
    clearInterval(this.#timer);
    this.#timer = undefined;
  }

  #tick(): void {
    if (this.#entries.size === 0) {
      // Idle: stop until the next registration, so an idle bot has no timer at all.
      this.stop();
      return;
    }
    const now = this.#now();
    for (const entry of this.#entries) {
      if (entry.expiresAt <= now) {
        this.#entries.delete(entry);
        entry.expire();
      }
    }
  }
}
