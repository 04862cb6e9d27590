/**
 * Runs tasks one at a time per key, in the order they were queued; tasks of different keys run
 * concurrently. This is the in-process half of invariant 1 (the store's lock is the other half).
 */
export class KeyedQueue {
  readonly #tails = new Map<string, Promise<void>>();

  /** Queues `task` behind every earlier task of `key` and resolves or rejects with its result. */
  run<T>(key: string, task: () => Promise<T>): Promise<T> {
    const previous = this.#tails.get(key);
    const result = previous ? previous.then(task) : task();
    // The tail never rejects, so one failed task does not skip or fail the ones behind it; the
    // last task of a key also removes the key.
    const settle = (): void => {
      if (this.#tails.get(key) === tail) this.#tails.delete(key);
    };
    const tail: Promise<void> = result.then(settle, settle);
    this.#tails.set(key, tail);
    return result;
  }

  /** Keys with queued or running tasks. */
  get size(): number {
    return this.#tails.size;
  }
}
