/**
 * The pipeline every event goes through, whatever its transport: take the session (lane, then the
 * store's lock), read, run the handler, commit, then send what the handler queued. It speaks in
 * outcomes ({@link EventOutcomeKind}); what a transport makes of them (an HTTP status, an
 * acknowledged envelope, an advanced offset) is the transport's business.
 *
 * Bounds (docs/promises.md, "Bounded time"): an event waits at most `lockTimeoutMs` for its
 * session (behind earlier events in this process, then for the store's lock), then runs at most
 * `handlerTimeoutMs` (handler and commit). Past either it is `timed-out`: not acknowledged, its
 * changes discarded, the session freed. One {@link ExpirySweep} checks these bounds; only a
 * declared answer deadline costs a timer of its own.
 */
import { ACKNOWLEDGED_OUTCOMES, type DispatchOptions, type EventOutcomeKind } from '../connector/types';
import { type BotEvent, type Context, discardContext, flushContext, type SessionInfo } from '../context/context';
import { cloneJson, StateCell } from '../context/state-cell';
import { isLive, nextRecord, sessionIdOf } from '../session/rules';
import {
  type AnyState,
  type HeldEventStore,
  type JsonValue,
  type SessionRecord,
  type SessionStore,
  SessionStoreError,
  type SessionTransaction,
} from '../session/types';
import { type Action, runAction } from './action';
import { isHeldEventStore } from './held';
import { KeyedQueue } from './keyed-queue';
import { type LaneJob, SessionLanes } from './lanes';
import type { Logger } from './logger';
import { beginPair, retirePredecessor } from './predecessor';
import { ExpirySweep } from './sweep';
import { beginTransaction } from './transaction';
import { MigrationError, migrateRecord, type MigrationPlan } from './migrations';
import {
  type AnyConnector,
  answerMarginMs,
  type BatchRefusals,
  EarlierRefusalError,
  type EventReport,
  type EventResult,
  EventRun,
  EventTimeoutError,
  isReportedOutage,
  outcomeOfStoreError,
} from './event-run';

export type { AnyConnector, BatchRefusals, EventReport, EventResult } from './event-run';
export { answerMarginMs, EarlierRefusalError, EventTimeoutError, outcomeOfStoreError } from './event-run';

export interface PipelineSettings {
  app: Action<any>;
  onError: Action<any> | undefined;
  store: SessionStore;
  initialState: AnyState;
  expiresInMs: number | undefined;
  now: () => number;
  eventIdWindow: number;
  lockTimeoutMs: number;
  handlerTimeoutMs: number;
  logger: Logger;
  /** Prepares the store (once); the pipeline calls it until it has succeeded. */
  init: () => Promise<void>;
  /** State migrations (config `stateVersion`/`migrations`): applied to a stored record before the handler. */
  migrations?: MigrationPlan;
}

export class Pipeline {
  readonly store: SessionStore;
  readonly lanes = new SessionLanes();
  /** Sessions known to have held events that were never committed: run them before the next event. */
  readonly pendingHeld = new Set<string>();
  /** Starts running a session's held events; set by the bot (see held.ts). */
  recoverSession: ((connector: AnyConnector, id: string) => void) | undefined;
  /** Listeners of {@link EventReport}s; empty costs nothing. */
  readonly observers = new Set<(report: EventReport) => void>();
  readonly #settings: PipelineSettings;
  readonly #replies = new KeyedQueue();
  readonly #sweep: ExpirySweep;
  readonly #holds: HeldEventStore | undefined;
  #ready = false;
  #inFlight = 0;
  #idle: (() => void)[] = [];
  #warnedCannotHold = false;

  constructor(settings: PipelineSettings) {
    this.#settings = settings;
    this.store = settings.store;
    this.#holds = isHeldEventStore(settings.store) ? settings.store : undefined;
    const tick = Math.min(settings.lockTimeoutMs, settings.handlerTimeoutMs) / 8;
    this.#sweep = new ExpirySweep(Math.min(1000, Math.max(5, tick)));
  }

  get settings(): PipelineSettings {
    return this.#settings;
  }

  /** Events accepted and not yet settled (deferred ones included). */
  get inFlight(): number {
    return this.#inFlight;
  }

  /** Counts background work (a recovery job) as in flight, so a drain waits for it. */
  track<T>(work: Promise<T>): Promise<T> {
    this.#inFlight++;
    const done = (): void => {
      if (--this.#inFlight === 0) for (const wake of this.#idle.splice(0)) wake();
    };
    work.then(done, done);
    return work;
  }

  /** Resolves when no event is in flight. */
  drain(): Promise<void> {
    if (this.#inFlight === 0) return Promise.resolve();
    return new Promise((resolve) => this.#idle.push(resolve));
  }

  stop(): void {
    this.#sweep.stop();
  }

  /**
   * Takes one event into the pipeline. Everything up to the lane is synchronous, which keeps
   * arrival order within a session. Never rejects: a failure is the result's outcome.
   *
   * `batch` is shared by the events of one dispatch of several: once one of a session is refused,
   * the session's later ones in it are refused too (`earlier-refused`) without running.
   */
  deliver(
    connector: AnyConnector,
    event: BotEvent,
    options?: DispatchOptions,
    inLane?: string,
    batch?: BatchRefusals,
  ): Promise<EventResult> {
    let key: string | undefined;
    let eventId: string | undefined;
    let predecessor: string | undefined;
    try {
      key = connector.sessionKey(event);
      eventId = connector.eventId?.(event);
      if (key && !inLane) predecessor = connector.predecessorKey?.(event);
    } catch (error) {
      this.#settings.logger.error(`${connector.platform}: the connector failed to read an event`, error);
      return Promise.resolve({ outcome: 'failed', error });
    }
    const id = inLane ?? (key === undefined || key === '' ? undefined : sessionIdOf(connector.platform, key));
    const now = Date.now();
    const receivedAt = options?.receivedAt ?? now;
    const run = new EventRun(this, connector, event, id, eventId, receivedAt);
    run.batch = batch;
    if (this.observers.size > 0) run.enteredAt = Date.now();
    const result = new Promise<EventResult>((resolve) => (run.resolveDelivery = resolve));
    this.#inFlight++;
    // A held event run again has no platform waiting for it: no deadline.
    const deadlineMs = inLane === undefined ? (options?.deadlineMs ?? connector.answerDeadlineMs) : undefined;
    if (deadlineMs !== undefined && Number.isFinite(deadlineMs)) this.#armDeadline(run, deadlineMs);
    run.expiresAt = now + this.#settings.lockTimeoutMs;
    this.#sweep.add(run);

    if (id === undefined || inLane !== undefined) {
      // No session, or a held event run by its session's recovery job (which holds the lane).
      run.start();
    } else {
      if (this.pendingHeld.size > 0 && this.pendingHeld.has(id)) {
        this.pendingHeld.delete(id);
        this.recoverSession?.(connector, id);
      }
      if (predecessor !== undefined && predecessor !== '' && predecessor !== key) {
        run.predecessorId = sessionIdOf(connector.platform, predecessor);
        run.laneMode = 2;
        const [first, second] = id < run.predecessorId ? [id, run.predecessorId] : [run.predecessorId, id];
        const outer: LaneJob = { start: () => this.lanes.enter(second, run) };
        run.lanes = { first, second, outer };
        this.lanes.enter(first, outer);
      } else {
        run.laneMode = 1;
        this.lanes.enter(id, run);
      }
    }
    return result;
  }

  /** Runs one event that has its session's lane. */
  async execute(run: EventRun): Promise<void> {
    run.phase = 'starting';
    const id = run.id;
    if (id === undefined) return this.#executeWithoutSession(run);
    if (run.batch !== undefined) {
      // Promise 1 across a redelivery: an earlier event of the session in this batch was refused
      // and will come again; this one must not be committed before it, so it is refused as well
      // (nothing read). Unless it cannot come again itself: acknowledged at its deadline and not
      // held, it runs now rather than be lost.
      const earlier = run.batch.get(id);
      if (earlier !== undefined && (run.deferred === undefined || (await run.held) === true)) {
        if (run.abandoned) return;
        return this.#finish(run, 'earlier-refused', undefined, new EarlierRefusalError(id, earlier));
      }
    }
    if (this.pendingHeld.size > 0 && this.pendingHeld.has(id) && run.laneMode === 1 && !run.heldChecked && this.recoverSession) {
      // An event held at its deadline ended refused while this one waited behind it: it runs
      // again first ("before the next event of its session"), then this one, in the lane.
      this.pendingHeld.delete(id);
      return this.#recoverFirst(run, id);
    }
    const settings = this.#settings;
    let transaction: SessionTransaction;
    try {
      if (!this.#ready) await this.#init();
      const waitMs = Math.max(1, run.expiresAt - Date.now());
      if (run.predecessorId === undefined) {
        transaction = await beginTransaction(this.store, id, waitMs);
      } else {
        run.pair = await beginPair(this.store, id, run.predecessorId, waitMs);
        transaction = run.pair.own;
      }
    } catch (error) {
      if (run.abandoned) return;
      return this.#finish(run, outcomeOfStoreError(error), undefined, this.#storeFailure(error, id, 'could not be read'));
    }
    if (run.abandoned) {
      void transaction.release();
      void run.pair?.predecessor.release();
      return;
    }
    if (transaction.hasHeldEvents === true && run.laneMode === 1 && !run.heldChecked && this.recoverSession) {
      // The store says the session holds events (another process acknowledged them and stopped):
      // run them first, then this event again, in the session's lane.
      await transaction.release();
      return this.#recoverFirst(run, id);
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
        await this.#releaseAll(run);
        return this.#finish(run, 'duplicate');
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
      const ok = await this.#runHandler(context, id, run);
      if (run.abandoned) return;
      if (!ok) {
        // All or nothing (promise 3): the event leaves the stored state as it was.
        await this.#releaseAll(run);
        return this.#finish(run, 'handler-error', context);
      }
      const next = nextRecord(
        stored,
        { id, platform: connector.platform, state: cell.snapshot(), now, eventId, eventIds: inherited?.eventIds },
        settings.eventIdWindow,
      );
      if (settings.migrations !== undefined) next.stateVersion = settings.migrations.stateVersion;
      committing = true;
      await transaction.commit(next, { ttlMs: settings.expiresInMs });
      if (run.pair !== undefined) await retirePredecessor(this.store, run.pair, settings.logger);
      if (run.abandoned) return;
      // Replies go out after the commit and outside the lane: a reply never announces state that
      // was not saved, and a slow platform API does not hold the session.
      this.#finish(run, 'handled', context);
    } catch (error) {
      if (run.abandoned) return;
      await this.#releaseAll(run);
      if (committing) {
        return this.#finish(run, outcomeOfStoreError(error), undefined, this.#storeFailure(error, id, 'could not be written'));
      }
      if (error instanceof MigrationError) {
        settings.logger.error(error.message, (error as Error).cause);
        return this.#finish(run, 'store-unavailable', undefined, error);
      }
      settings.logger.error(`session ${JSON.stringify(id)}: the ${connector.platform} connector failed`, error);
      this.#finish(run, 'failed', undefined, error);
    }
  }

  async #executeWithoutSession(run: EventRun): Promise<void> {
    const { connector, event } = run;
    try {
      if (!this.#ready) await this.#init();
      run.phase = 'running';
      run.expiresAt = Date.now() + this.#settings.handlerTimeoutMs;
      const context = (run.context = connector.createContext({
        platform: connector.platform,
        event,
        session: null,
        state: null,
        answer: run,
      }));
      await this.#runHandler(context, '(no session)', run);
      if (run.abandoned) return;
      this.#finish(run, 'no-session', context);
    } catch (error) {
      if (run.abandoned) return;
      const storeDown = error instanceof SessionStoreError;
      if (!storeDown) this.#settings.logger.error(`${connector.platform}: the connector failed`, error);
      this.#finish(run, storeDown ? 'store-unavailable' : 'failed', undefined, error);
    }
  }

  /** Runs session `id`'s held events, then `run` again (once), keeping its place in the lane. */
  #recoverFirst(run: EventRun, id: string): void {
    run.heldChecked = true;
    run.phase = 'waiting';
    this.lanes.enterFirst(id, run);
    this.recoverSession!(run.connector, id);
    this.lanes.leave(id);
  }

  /** A bound passed (called by the sweep): give the event up and free its session. */
  expire(run: EventRun): void {
    if (run.phase === 'done') return;
    const waiting = run.phase === 'waiting';
    if (waiting && run.id !== undefined) this.#withdraw(run);
    run.abandoned = true;
    const bound = waiting ? this.#settings.lockTimeoutMs : this.#settings.handlerTimeoutMs;
    const error = new EventTimeoutError(run.id, waiting ? 'waiting' : 'running', bound);
    run.closeAnswer(Date.now() - run.receivedAt);
    if (!waiting) {
      // Its queued messages must not announce state that is not saved; later calls are ignored.
      run.context?.[discardContext]();
      void run.transaction?.release();
      void run.pair?.predecessor.release();
    }
    this.#settings.logger[waiting ? 'warn' : 'error'](error.message);
    this.#finish(run, 'timed-out', undefined, error, !waiting);
  }

  #withdraw(run: EventRun): void {
    const id = run.id!;
    if (run.lanes === undefined) {
      this.lanes.withdraw(id, run);
      return;
    }
    const { first, second, outer } = run.lanes;
    if (this.lanes.withdraw(first, outer)) return;
    // It holds the first lane and waits for the second.
    if (this.lanes.withdraw(second, run)) this.lanes.leave(first);
  }

  async #releaseAll(run: EventRun): Promise<void> {
    await run.transaction?.release();
    await run.pair?.predecessor.release();
  }

  /**
   * The event's outcome is known: free its lane, send its replies (acknowledged outcomes only),
   * then resolve its delivery. `leaveLane` is false for an event given up while still waiting.
   */
  #finish(run: EventRun, outcome: EventOutcomeKind, context?: Context, error?: unknown, leaveLane = true): void {
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
    if (run.held !== undefined && !ACKNOWLEDGED_OUTCOMES.has(outcome)) this.pendingHeld.add(run.id!);
    this.#sweep.delete(run);
    if (run.deadlineTimer !== undefined) clearTimeout(run.deadlineTimer);
    if (leaveLane && !waited) run.onDone();
    if (context === undefined) {
      this.#settle(run, outcome, error);
    } else if (run.id === undefined) {
      this.#flush(context, '(no session)').then(() => this.#settle(run, outcome, error));
    } else {
      const id = run.id;
      // Replies leave in the order of their session's events, on a queue of their own.
      this.#replies.run(id, () => this.#flush(context, id)).then(() => this.#settle(run, outcome, error));
    }
  }

  #settle(run: EventRun, outcome: EventOutcomeKind, error: unknown): void {
    if (this.observers.size > 0) this.report(run, outcome, error ?? run.handlerError);
    const done = (): void => {
      if (run.deferred) run.deferred.resolve(outcome);
      else if (!run.delivered) {
        run.delivered = true;
        run.resolveDelivery({ outcome, answer: run.answerValue, error });
      }
      if (--this.#inFlight === 0) for (const wake of this.#idle.splice(0)) wake();
    };
    if (run.held === undefined) return done();
    // A deferred event that was held: forget it once handled; keep it (for a later event or the
    // next start; #finish noted it in pendingHeld) when its handling did not come to an
    // acknowledgeable end.
    const id = run.id!;
    const eventId = run.eventId!;
    run.held
      .then((held) => (held && ACKNOWLEDGED_OUTCOMES.has(outcome) ? this.#holds!.releaseHeldEvents(id, [eventId]) : undefined))
      .catch((releaseError: unknown) =>
        this.#settings.logger.error(`session ${JSON.stringify(id)}: a held event could not be released`, releaseError),
      )
      .then(done);
  }

  #armDeadline(run: EventRun, deadlineMs: number): void {
    const delay = run.receivedAt + deadlineMs - answerMarginMs(deadlineMs) - Date.now();
    run.deadlineTimer = setTimeout(() => this.#deadlineReached(run, deadlineMs), Math.max(0, delay));
  }

  /**
   * The platform's answer is due and the event is not committed: hold it in the store (when the
   * store can), then acknowledge it as `deferred`. Its handling goes on under the session's lock.
   */
  #deadlineReached(run: EventRun, deadlineMs: number): void {
    run.deadlineTimer = undefined;
    if (run.phase === 'done' || run.delivered) return;
    run.closeAnswer(deadlineMs);
    let resolve!: (outcome: EventOutcomeKind) => void;
    const settled = new Promise<EventOutcomeKind>((r) => (resolve = r));
    run.deferred = { settled, resolve };
    const acknowledge = (): void => {
      if (run.delivered) return;
      run.delivered = true;
      if (this.observers.size > 0) this.report(run, 'deferred', undefined);
      run.resolveDelivery({ outcome: 'deferred', settled });
    };
    if (this.#holds === undefined || run.id === undefined || run.eventId === undefined) {
      this.#warnCannotHold(run);
      acknowledge();
      return;
    }
    const id = run.id;
    run.held = this.#holds
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
          this.#settings.logger.error(
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
    const why =
      this.#holds === undefined
        ? `the ${this.store.name} store cannot hold events (no holdEvent)`
        : `this ${run.connector.platform} event has no event id or no session`;
    this.#settings.logger.warn(
      `an event was acknowledged at its deadline before its commit, and ${why}: should this process stop ` +
        'before the commit, the event is lost (docs/promises.md, "Deadlines"). Said once.',
    );
  }

  report(run: EventRun, outcome: EventOutcomeKind, error: unknown): void {
    const report: EventReport = {
      platform: run.connector.platform,
      sessionId: run.id,
      eventId: run.eventId,
      event: run.event,
      outcome,
      startedAt: run.enteredAt,
      handlerMs: run.handlerMs,
      error,
    };
    for (const observer of this.observers) {
      try {
        observer(report);
      } catch (observerError) {
        this.#settings.logger.error('an event observer threw; ignored', observerError);
      }
    }
  }

  async #init(): Promise<void> {
    await this.#settings.init();
    this.#ready = true;
  }

  /** Runs the handler; on a throw runs the error hook. Returns false if the handler threw. */
  async #runHandler(context: Context, id: string, run: EventRun): Promise<boolean> {
    const started = this.observers.size > 0 ? Date.now() : 0;
    try {
      await runAction(this.#settings.app, context);
      return true;
    } catch (error) {
      run.handlerError = error;
      // What the handler queued before it threw would announce state that is not being saved.
      context[discardContext]();
      const onError = this.#settings.onError;
      if (!onError) {
        this.#settings.logger.error(`handler failed for session ${JSON.stringify(id)}; state not changed`, error);
        return false;
      }
      try {
        await runAction(onError, context, { error });
      } catch (hookError) {
        this.#settings.logger.error(`error handler failed for session ${JSON.stringify(id)}`, hookError);
      }
      return false;
    } finally {
      if (started !== 0) run.handlerMs = Date.now() - started;
    }
  }

  async #flush(context: Context, id: string): Promise<void> {
    try {
      await context[flushContext]();
    } catch (error) {
      // The state is already committed; a redelivery would be dropped as a duplicate, so the
      // failure is reported here rather than turned into a refusal.
      this.#settings.logger.error(`sending replies failed for session ${JSON.stringify(id)}`, error);
    }
  }

  #storeFailure(error: unknown, id: string, what: string): SessionStoreError {
    // A store that keeps a StoreHealth has reported its outage itself: once, then counts.
    if (!isReportedOutage(error)) {
      this.#settings.logger.error(`session ${JSON.stringify(id)} ${what} (store: ${this.store.name})`, error);
    }
    return error instanceof SessionStoreError
      ? error
      : new SessionStoreError(`session ${JSON.stringify(id)} ${what}: ${(error as Error)?.message ?? error}`, id, {
          cause: error,
        });
  }
}
