/** Counts the events (and background jobs) in flight, so a shutdown can wait for them. */
export class InFlight {
  #count = 0;
  #idle: (() => void)[] = [];

  /** Accepted and not yet settled. */
  get count(): number {
    return this.#count;
  }

  /** One more in flight. */
  begin(): void {
    this.#count++;
  }

  /** One fewer; wakes the drains when none is left. */
  end(): void {
    if (--this.#count === 0) for (const wake of this.#idle.splice(0)) wake();
  }

  /** Counts `work` in flight until it settles. */
  track<T>(work: Promise<T>): Promise<T> {
    this.begin();
    const done = (): void => this.end();
    work.then(done, done);
    return work;
  }

  /** Resolves when nothing is in flight. */
  drain(): Promise<void> {
    if (this.#count === 0) return Promise.resolve();
    return new Promise((resolve) => this.#idle.push(resolve));
  }
}
