/**
 * The end of an event, once its outcome is known: note a refusal for the session's later events
 * (of its batch, or held), free its lane, send its replies (acknowledged outcomes only, after the
 * commit), release its held copy once handled, then resolve its delivery.
 */
import { ACKNOWLEDGED_OUTCOMES, type EventOutcomeKind } from '../connector/types';
import type { Context } from '../context/context';
import type { EventRun } from './event-run';
import type { Pipeline } from './pipeline';

/**
 * Ends `run` with `outcome` (once; later calls are ignored). `context` is given when the handler
 * ran and its replies may go out. `leaveLane` is false for an event given up while still waiting.
 */
export function finishRun(
  pipeline: Pipeline,
  run: EventRun,
  outcome: EventOutcomeKind,
  context?: Context,
  error?: unknown,
  leaveLane = true,
): void {
  if (run.phase === 'done') return;
  const waited = run.phase === 'waiting';
  run.phase = 'done';
  if (run.batch !== undefined && run.id !== undefined && !ACKNOWLEDGED_OUTCOMES.has(outcome)) {
    // Noted before the lane is left, so the session's next event of the batch sees it when it
    // starts. An event acknowledged at its deadline (`deferred`) that ends refused counts when
    // it was held: it runs again before the session's next event, so a later event of its
    // batch run now would overtake it. That later event still waits in the lane (a deferred
    // event keeps it to its end) and was deferred at the same deadline, so it is held too and
    // refused, and the held copies run again in the order they were held. A deferred event
    // that was not held never comes again (docs/promises.md, "Deadlines"): nothing to wait for.
    if ((run.deferred === undefined || run.held !== undefined) && !run.batch.has(run.id)) run.batch.set(run.id, outcome);
  }
  // A held event that ends refused must run again before the session's next event, including
  // one already waiting in the lane, which starts as soon as this one leaves it.
  if (run.held !== undefined && !ACKNOWLEDGED_OUTCOMES.has(outcome)) pipeline.pendingHeld.add(run.id!);
  pipeline.sweep.delete(run);
  if (run.deadlineTimer !== undefined) clearTimeout(run.deadlineTimer);
  if (leaveLane && !waited) run.onDone();
  if (context === undefined) settle(pipeline, run, outcome, error);
  else pipeline.replies.send(context, run.id).then(() => settle(pipeline, run, outcome, error));
}

function settle(pipeline: Pipeline, run: EventRun, outcome: EventOutcomeKind, error: unknown): void {
  if (pipeline.observers.size > 0) pipeline.report(run, outcome, error ?? run.handlerError);
  const done = (): void => {
    if (run.deferred) run.deferred.resolve(outcome);
    else if (!run.delivered) {
      run.delivered = true;
      run.resolveDelivery({ outcome, answer: run.answerValue, error });
    }
    pipeline.inFlightEvents.end();
  };
  if (run.held === undefined) return done();
  // A deferred event that was held: forget it once handled; keep it (for a later event or the
  // next start; finishRun noted it in pendingHeld) when its handling did not come to an
  // acknowledgeable end.
  const id = run.id!;
  const eventId = run.eventId!;
  run.held
    .then((held) => (held && ACKNOWLEDGED_OUTCOMES.has(outcome) ? pipeline.holds!.releaseHeldEvents(id, [eventId]) : undefined))
    .catch((releaseError: unknown) =>
      pipeline.settings.logger.error(`session ${JSON.stringify(id)}: a held event could not be released`, releaseError),
    )
    .then(done);
}
