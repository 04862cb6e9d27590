/**
 * Answer deadlines (docs/promises.md, "Deadlines"): a platform that waits a fixed time for its
 * answer gets it in time. A margin before the deadline an event that is not committed yet is held
 * in the store (when the store can hold events), then acknowledged as `deferred`; its handling
 * goes on under the session's lock. Only a declared deadline costs a timer.
 */
import type { EventOutcomeKind } from '../connector/types';
import type { JsonValue } from '../session/types';
import { answerMarginMs, type EventRun } from './event-run';
import type { Pipeline } from './pipeline';

export class AnswerDeadlines {
  readonly #pipeline: Pipeline;
  #warnedCannotHold = false;

  constructor(pipeline: Pipeline) {
    this.#pipeline = pipeline;
  }

  /** Acknowledges `run` a margin before `deadlineMs` (counted from its arrival) unless it is done by then. */
  arm(run: EventRun, deadlineMs: number): void {
    const delay = run.receivedAt + deadlineMs - answerMarginMs(deadlineMs) - Date.now();
    run.deadlineTimer = setTimeout(() => this.#reached(run, deadlineMs), Math.max(0, delay));
  }

  /**
   * The platform's answer is due and the event is not committed: hold it in the store (when the
   * store can), then acknowledge it as `deferred`. Its handling goes on under the session's lock.
   */
  #reached(run: EventRun, deadlineMs: number): void {
    run.deadlineTimer = undefined;
    if (run.phase === 'done' || run.delivered) return;
    const pipeline = this.#pipeline;
    run.closeAnswer(deadlineMs);
    let resolve!: (outcome: EventOutcomeKind) => void;
    const settled = new Promise<EventOutcomeKind>((r) => (resolve = r));
    run.deferred = { settled, resolve };
    const acknowledge = (): void => {
      if (run.delivered) return;
      run.delivered = true;
      if (pipeline.observers.size > 0) pipeline.report(run, 'deferred', undefined);
      run.resolveDelivery({ outcome: 'deferred', settled });
    };
    const holds = pipeline.holds;
    if (holds === undefined || run.id === undefined || run.eventId === undefined) {
      this.#warnCannotHold(run);
      acknowledge();
      return;
    }
    const id = run.id;
    run.held = holds
      .holdEvent({
        sessionId: id,
        platform: run.connector.platform,
        eventId: run.eventId,
        rawEvent: run.event.rawEvent as JsonValue,
        heldAt: Date.now(),
      })
      .then(
        () => true,
        (error: unknown) => {
          pipeline.settings.logger.error(
            `session ${JSON.stringify(id)}: the event could not be held before its deadline acknowledgement; ` +
              'it is lost if this process stops before its commit',
            error,
          );
          return false;
        },
      );
    void run.held.then(acknowledge);
  }

  #warnCannotHold(run: EventRun): void {
    if (this.#warnedCannotHold) return;
    this.#warnedCannotHold = true;
    const pipeline = this.#pipeline;
    const why =
      pipeline.holds === undefined
        ? `the ${pipeline.store.name} store cannot hold events (no holdEvent)`
        : `this ${run.connector.platform} event has no event id or no session`;
    pipeline.settings.logger.warn(
      `an event was acknowledged at its deadline before its commit, and ${why}: should this process stop ` +
        'before the commit, the event is lost (docs/promises.md, "Deadlines"). Said once.',
    );
  }
}
