import { type AnswerSlot, AnswerTooLateError } from '../connector/types';

/**
 * One event's {@link AnswerSlot}: what the handler set for the platform's answer to the request
 * that carried the event. Closed when the answer goes out without it (the event was acknowledged
 * at its deadline, or given up at its time bound); a later `set` throws instead of being dropped.
 */
export class AnswerBox implements AnswerSlot {
  value: unknown = undefined;
  #closedAfterMs: number | undefined;

  constructor(private readonly platform: string) {}

  set(body: unknown): void {
    if (this.#closedAfterMs !== undefined) throw new AnswerTooLateError(this.platform, this.#closedAfterMs);
    this.value = body;
  }

  /** The answer went out without the handler's body, `afterMs` after the event arrived. */
  close(afterMs: number): void {
    this.#closedAfterMs ??= afterMs;
    this.value = undefined;
  }

  get closed(): boolean {
    return this.#closedAfterMs !== undefined;
  }
}
