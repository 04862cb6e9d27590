/**
 * The pipeline every event goes through, whatever its transport: take the session (lane, then the
 * store's lock), read, run the handler, commit, then send what the handler queued. It speaks in
 * outcomes ({@link EventOutcomeKind}); what a transport makes of them (an HTTP status, an
 * acknowledged envelope, an advanced offset) is the transport's business.
 *
 * This module takes events in (into their session's lane) and gives them up at their bounds; the
 * rest is in its own modules: execute.ts runs an event that has its lane (store session, handler,
 * commit), finish.ts ends it (lane, replies, held copy, delivery), deadline.ts acknowledges it at
 * a platform's answer deadline, replies.ts sends what handlers queued, in-flight.ts counts.
 *
 * Bounds (docs/promises.md, "Bounded time"): an event waits at most `lockTimeoutMs` for its
 * session (behind earlier events in this process, then for the store's lock), then runs at most
 * `handlerTimeoutMs` (handler and commit). Past either it is `timed-out`: not acknowledged, its
 * changes discarded, the session freed. One {@link ExpirySweep} checks these bounds; only a
 * declared answer deadline costs a timer of its own.
 */
import type { DispatchOptions, EventOutcomeKind } from '../connector/types';
import { type BotEvent, discardContext } from '../context/context';
import { sessionIdOf } from '../session/rules';
import type { AnyState, HeldEventStore, SessionStore } from '../session/types';
import type { Action } from './action';
import { AnswerDeadlines } from './deadline';
import {
  type AnyConnector,
  type BatchRefusals,
  type EventReport,
  type EventResult,
  EventRun,
  EventTimeoutError,
} from './event-run';
import { executeRun } from './execute';
import { finishRun } from './finish';
import { isHeldEventStore } from './held';
import { InFlight } from './in-flight';
import { type LaneJob, SessionLanes } from './lanes';
import type { Logger } from './logger';
import type { MigrationPlan } from './migrations';
import { ReplyQueue } from './replies';
import { ExpirySweep } from './sweep';

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
  /** The store, when it can hold events (deadline.ts). */
  readonly holds: HeldEventStore | undefined;
  readonly lanes = new SessionLanes();
  /** Sessions known to have held events that were never committed: run them before the next event. */
  readonly pendingHeld = new Set<string>();
  /** Starts running a session's held events; set by the bot (see held.ts). */
  recoverSession: ((connector: AnyConnector, id: string) => void) | undefined;
  /** Listeners of {@link EventReport}s; empty costs nothing. */
  readonly observers = new Set<(report: EventReport) => void>();
  /** Checks every event's bound (waiting, then running). */
  readonly sweep: ExpirySweep;
  readonly replies: ReplyQueue;
  readonly inFlightEvents = new InFlight();
  readonly #settings: PipelineSettings;
  readonly #deadlines = new AnswerDeadlines(this);
  #ready = false;

  constructor(settings: PipelineSettings) {
    this.#settings = settings;
    this.store = settings.store;
    this.holds = isHeldEventStore(settings.store) ? settings.store : undefined;
    this.replies = new ReplyQueue(settings.logger);
    const tick = Math.min(settings.lockTimeoutMs, settings.handlerTimeoutMs) / 8;
    this.sweep = new ExpirySweep(Math.min(1000, Math.max(5, tick)));
  }

  get settings(): PipelineSettings {
    return this.#settings;
  }

  /** Events accepted and not yet settled (deferred ones included). */
  get inFlight(): number {
    return this.inFlightEvents.count;
  }

  /** Counts background work (a recovery job) as in flight, so a drain waits for it. */
  track<T>(work: Promise<T>): Promise<T> {
    return this.inFlightEvents.track(work);
  }

  /** Resolves when no event is in flight. */
  drain(): Promise<void> {
    return this.inFlightEvents.drain();
  }

  stop(): void {
    this.sweep.stop();
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
    this.inFlightEvents.begin();
    // A held event run again has no platform waiting for it: no deadline.
    const deadlineMs = inLane === undefined ? (options?.deadlineMs ?? connector.answerDeadlineMs) : undefined;
    if (deadlineMs !== undefined && Number.isFinite(deadlineMs)) this.#deadlines.arm(run, deadlineMs);
    run.expiresAt = now + this.#settings.lockTimeoutMs;
    this.sweep.add(run);

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

  /** Runs one event that has its session's lane (see execute.ts). */
  execute(run: EventRun): Promise<void> {
    return executeRun(this, run);
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
    finishRun(this, run, 'timed-out', undefined, error, !waiting);
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

  /** Tells the observers what became of `run`. */
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

  /** Prepares the store (see {@link PipelineSettings.init}); events call it until it has succeeded. */
  async init(): Promise<void> {
    await this.#settings.init();
    this.#ready = true;
  }

  /** The store was prepared. */
  get ready(): boolean {
    return this.#ready;
  }
}
