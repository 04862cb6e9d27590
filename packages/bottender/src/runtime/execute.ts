/**
 * Running one event that has its session's lane: take the session in the store (its lock, or a
 * fenced read), run the handler on a copy of the state, then commit, all or nothing. Every end
 * goes through {@link finishRun}.
 */
import { type Context, discardContext, type SessionInfo } from '../context/context';
import { cloneJson, StateCell } from '../context/state-cell';
import { isLive, nextRecord } from '../session/rules';
import { type AnyState, type SessionRecord, SessionStoreError, type SessionTransaction } from '../session/types';
import { runAction } from './action';
import { EarlierRefusalError, type EventRun, isReportedOutage, outcomeOfStoreError } from './event-run';
import { finishRun } from './finish';
import { MigrationError, migrateRecord } from './migrations';
import type { Pipeline } from './pipeline';
import { beginPair, retirePredecessor } from './predecessor';
import { beginTransaction } from './transaction';

/** Runs `run`, which is at the front of its session's lane (or has no session). */
export async function executeRun(pipeline: Pipeline, run: EventRun): Promise<void> {
  run.phase = 'starting';
  const id = run.id;
  if (id === undefined) return executeWithoutSession(pipeline, run);
  if (run.batch !== undefined) {
    // Promise 1 across a redelivery: an earlier event of the session in this batch was refused
    // and will come again; this one must not be committed before it, so it is refused as well
    // (nothing read). Unless it cannot come again itself: acknowledged at its deadline and not
    // held, it runs now rather than be lost.
    const earlier = run.batch.get(id);
    if (earlier !== undefined && (run.deferred === undefined || (await run.held) === true)) {
      if (run.abandoned) return;
      return finishRun(pipeline, run, 'earlier-refused', undefined, new EarlierRefusalError(id, earlier));
    }
  }
  if (pipeline.pendingHeld.size > 0 && pipeline.pendingHeld.has(id) && run.laneMode === 1 && !run.heldChecked && pipeline.recoverSession) {
    // An event held at its deadline ended refused while this one waited behind it: it runs
    // again first ("before the next event of its session"), then this one, in the lane.
    pipeline.pendingHeld.delete(id);
    return recoverFirst(pipeline, run, id);
  }
  const settings = pipeline.settings;
  let transaction: SessionTransaction;
  try {
    if (!pipeline.ready) await pipeline.init();
    const waitMs = Math.max(1, run.expiresAt - Date.now());
    if (run.predecessorId === undefined) {
      transaction = await beginTransaction(pipeline.store, id, waitMs);
    } else {
      run.pair = await beginPair(pipeline.store, id, run.predecessorId, waitMs);
      transaction = run.pair.own;
    }
  } catch (error) {
    if (run.abandoned) return;
    return finishRun(pipeline, run, outcomeOfStoreError(error), undefined, storeFailure(pipeline, error, id, 'could not be read'));
  }
  if (run.abandoned) {
    void transaction.release();
    void run.pair?.predecessor.release();
    return;
  }
  if (transaction.hasHeldEvents === true && run.laneMode === 1 && !run.heldChecked && pipeline.recoverSession) {
    // The store says the session holds events (another process acknowledged them and stopped):
    // run them first, then this event again, in the session's lane.
    await transaction.release();
    return recoverFirst(pipeline, run, id);
  }
  run.transaction = transaction;
  run.phase = 'running';
  run.expiresAt = Date.now() + settings.handlerTimeoutMs;

  const { connector, event, eventId } = run;
  const pair = run.pair;
  let committing = false;
  try {
    const stored = transaction.record;
    if (eventId !== undefined && stored?.eventIds.includes(eventId)) {
      await releaseAll(run);
      return finishRun(pipeline, run, 'duplicate');
    }
    const now = settings.now();
    let base: SessionRecord | undefined = isLive(stored, now, settings.expiresInMs) ? stored : undefined;
    let inherited: SessionRecord | undefined;
    if (pair !== undefined) {
      if (base === undefined && isLive(pair.predecessor.record, now, settings.expiresInMs)) {
        inherited = base = pair.predecessor.record;
      } else {
        // Nothing to move (this session is alive, or the old one is gone): just this session.
        run.pair = undefined;
        await pair.predecessor.release();
      }
    }
    if (base !== undefined && settings.migrations !== undefined) base = await migrateRecord(base, settings.migrations);
    const cell = new StateCell<AnyState>(base ? base.state : cloneJson(settings.initialState), settings.initialState);
    const session: SessionInfo = { id, platform: connector.platform, lastActivity: base?.lastActivity, isNew: base === undefined };
    const context = (run.context = connector.createContext({
      platform: connector.platform,
      event,
      session,
      state: cell,
      answer: run,
    }));
    const ok = await runHandler(pipeline, context, id, run);
    if (run.abandoned) return;
    if (!ok) {
      // All or nothing (promise 3): the event leaves the stored state as it was.
      await releaseAll(run);
      return finishRun(pipeline, run, 'handler-error', context);
    }
    const next = nextRecord(
      stored,
      { id, platform: connector.platform, state: cell.snapshot(), now, eventId, eventIds: inherited?.eventIds },
      settings.eventIdWindow,
    );
    if (settings.migrations !== undefined) next.stateVersion = settings.migrations.stateVersion;
    committing = true;
    await transaction.commit(next, { ttlMs: settings.expiresInMs });
    if (run.pair !== undefined) await retirePredecessor(pipeline.store, run.pair, settings.logger);
    if (run.abandoned) return;
    // Replies go out after the commit and outside the lane: a reply never announces state that
    // was not saved, and a slow platform API does not hold the session.
    finishRun(pipeline, run, 'handled', context);
  } catch (error) {
    if (run.abandoned) return;
    await releaseAll(run);
    if (committing) {
      return finishRun(pipeline, run, outcomeOfStoreError(error), undefined, storeFailure(pipeline, error, id, 'could not be written'));
    }
    if (error instanceof MigrationError) {
      settings.logger.error(error.message, (error as Error).cause);
      return finishRun(pipeline, run, 'store-unavailable', undefined, error);
    }
    settings.logger.error(`session ${JSON.stringify(id)}: the ${connector.platform} connector failed`, error);
    finishRun(pipeline, run, 'failed', undefined, error);
  }
}

async function executeWithoutSession(pipeline: Pipeline, run: EventRun): Promise<void> {
  const { connector, event } = run;
  try {
    if (!pipeline.ready) await pipeline.init();
    run.phase = 'running';
    run.expiresAt = Date.now() + pipeline.settings.handlerTimeoutMs;
    const context = (run.context = connector.createContext({
      platform: connector.platform,
      event,
      session: null,
      state: null,
      answer: run,
    }));
    await runHandler(pipeline, context, '(no session)', run);
    if (run.abandoned) return;
    finishRun(pipeline, run, 'no-session', context);
  } catch (error) {
    if (run.abandoned) return;
    const storeDown = error instanceof SessionStoreError;
    if (!storeDown) pipeline.settings.logger.error(`${connector.platform}: the connector failed`, error);
    finishRun(pipeline, run, storeDown ? 'store-unavailable' : 'failed', undefined, error);
  }
}

/** Runs session `id`'s held events, then `run` again (once), keeping its place in the lane. */
function recoverFirst(pipeline: Pipeline, run: EventRun, id: string): void {
  run.heldChecked = true;
  run.phase = 'waiting';
  pipeline.lanes.enterFirst(id, run);
  pipeline.recoverSession!(run.connector, id);
  pipeline.lanes.leave(id);
}

/** Runs the handler; on a throw runs the error hook. Returns false if the handler threw. */
async function runHandler(pipeline: Pipeline, context: Context, id: string, run: EventRun): Promise<boolean> {
  const settings = pipeline.settings;
  const started = pipeline.observers.size > 0 ? Date.now() : 0;
  try {
    await runAction(settings.app, context);
    return true;
  } catch (error) {
    run.handlerError = error;
    // What the handler queued before it threw would announce state that is not being saved.
    context[discardContext]();
    const onError = settings.onError;
    if (!onError) {
      settings.logger.error(`handler failed for session ${JSON.stringify(id)}; state not changed`, error);
      return false;
    }
    try {
      await runAction(onError, context, { error });
    } catch (hookError) {
      settings.logger.error(`error handler failed for session ${JSON.stringify(id)}`, hookError);
    }
    return false;
  } finally {
    if (started !== 0) run.handlerMs = Date.now() - started;
  }
}

async function releaseAll(run: EventRun): Promise<void> {
  await run.transaction?.release();
  await run.pair?.predecessor.release();
}

/** A store failure as the error behind a refusal, logged unless the store reported its outage itself. */
function storeFailure(pipeline: Pipeline, error: unknown, id: string, what: string): SessionStoreError {
  // A store that keeps a StoreHealth has reported its outage itself: once, then counts.
  if (!isReportedOutage(error)) {
    pipeline.settings.logger.error(`session ${JSON.stringify(id)} ${what} (store: ${pipeline.store.name})`, error);
  }
  return error instanceof SessionStoreError
    ? error
    : new SessionStoreError(`session ${JSON.stringify(id)} ${what}: ${(error as Error)?.message ?? error}`, id, {
        cause: error,
      });
}
