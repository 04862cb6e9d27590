/**
 * The periodic expiry sweep: every `intervalMs` (with ±20 % jitter, so many processes started
 * together do not sweep in step) it runs the store's bounded sweep. It never overlaps itself, its
 * timer never keeps the process alive, and a failed sweep (the database away) just waits for the
 * next tick: reads enforce expiry anyway, so the sweep only reclaims space.
 */
export class Sweeper {
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<unknown> | undefined;
  #stopped = false;

  constructor(
    private readonly intervalMs: number,
    private readonly sweep: () => Promise<unknown>,
  ) {}

  start(): void {
    if (this.intervalMs === 0 || this.#stopped || this.#timer) return;
    this.#schedule();
  }

  /** Stops the timer and waits for a sweep in progress. */
  async stop(): Promise<void> {
    this.#stopped = true;
    clearTimeout(this.#timer);
    this.#timer = undefined;
    await this.#running;
  }

  #schedule(): void {
    const delay = Math.round(this.intervalMs * (0.8 + Math.random() * 0.4));
    this.#timer = setTimeout(() => {
      this.#running = this.sweep()
        .catch(() => {}) // reported by the store's connection health; tried again next tick
        .finally(() => {
          this.#running = undefined;
          if (!this.#stopped) this.#schedule();
        });
    }, delay);
    this.#timer.unref();
  }
}
