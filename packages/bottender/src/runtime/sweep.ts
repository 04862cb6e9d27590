/**
 * Bounds without a timer per event. Every event in flight has a time by which it must be done
 * (its wait for the session, then its run); one interval, running only while something is
 * registered, checks them all. Entries are kept in an intrusive list (their own `sweepPrev` and
 * `sweepNext` fields): registering and removing an event costs two pointer writes, no allocation
 * and no hash table, so the hot path stays as it was (docs/benchmarks.md).
 */

/** Something that must be done by `expiresAt` (epoch ms, on the sweep's clock). */
export interface Expiring {
  expiresAt: number;
  /** Called once, from the sweep, when `expiresAt` has passed while still registered. */
  expire(): void;
  /** The sweep's links; undefined while not registered. */
  sweepPrev: Expiring | undefined;
  sweepNext: Expiring | undefined;
  sweeping: boolean;
}

export class ExpirySweep {
  #head: Expiring | undefined = undefined;
  #size = 0;
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
    if (entry.sweeping) return;
    entry.sweeping = true;
    entry.sweepPrev = undefined;
    entry.sweepNext = this.#head;
    if (this.#head !== undefined) this.#head.sweepPrev = entry;
    this.#head = entry;
    this.#size++;
    if (this.#timer === undefined) {
      this.#timer = setInterval(() => this.#tick(), this.#tickMs);
      // A bound must never keep the process alive by itself.
      this.#timer.unref();
    }
  }

  delete(entry: Expiring): void {
    if (!entry.sweeping) return;
    entry.sweeping = false;
    const { sweepPrev: prev, sweepNext: next } = entry;
    if (prev === undefined) this.#head = next;
    else prev.sweepNext = next;
    if (next !== undefined) next.sweepPrev = prev;
    entry.sweepPrev = entry.sweepNext = undefined;
    this.#size--;
  }

  get size(): number {
    return this.#size;
  }

  /** Stops the interval (the bot is closing); registered entries no longer expire. */
  stop(): void {
    clearInterval(this.#timer);
    this.#timer = undefined;
  }

  #tick(): void {
    if (this.#size === 0) {
      // Idle: stop until the next registration, so an idle bot has no timer at all.
      this.stop();
      return;
    }
    const now = this.#now();
    const expired: Expiring[] = [];
    for (let entry = this.#head; entry !== undefined; entry = entry.sweepNext) {
      if (entry.expiresAt <= now) expired.push(entry);
    }
    for (const entry of expired) {
      this.delete(entry);
      entry.expire();
    }
  }
}
