/**
 * The Slack calls one handler run makes that change what people see (messages, ephemeral
 * messages, responses, home tabs, view updates), collected while it runs and made when the
 * runtime flushes the context: after the state is saved (or after the error hook, when the
 * handler threw). A message never announces state that was not saved.
 *
 * Calls go out one at a time in the order they were queued, so a conversation shows them in
 * that order. The first that fails stops the rest (a later message never arrives without an
 * earlier one); the error says which call failed and how many were not made.
 */
export class Outbox {
  #calls: { method: string; run: () => Promise<unknown> }[] = [];

  /** Calls waiting to be made. */
  get size(): number {
    return this.#calls.length;
  }

  add(method: string, run: () => Promise<unknown>): void {
    this.#calls.push({ method, run });
  }

  /** Drops every queued call (the handler threw: its messages must not go out). */
  clear(): void {
    this.#calls = [];
  }

  async flush(): Promise<void> {
    const calls = this.#calls;
    this.#calls = [];
    for (let index = 0; index < calls.length; index++) {
      try {
        await calls[index].run();
      } catch (error) {
        const unsent = calls.length - index - 1;
        if (calls.length === 1) throw error;
        throw new Error(
          `context.${calls[index].method}() failed after the commit (call ${index + 1} of ${calls.length}` +
            `${unsent > 0 ? `; the ${unsent} queued after it were not made` : ''}): ${(error as Error)?.message ?? String(error)}`,
          { cause: error },
        );
      }
    }
  }
}
