/**
 * One event on its way through the pipeline (pipeline.ts), and the words the pipeline reports it
 * in: results, reports to observers, the timeout error, the outcome of a store failure.
 */
import {
  type AnswerSlot,
  AnswerTooLateError,
  type Connector,
  type ConnectorTransports,
  type Delivery,
  type EventOutcomeKind,
} from '../connector/types';
import type { BotEvent, Context } from '../context/context';
import { LeaseLostError, type SessionTransaction } from '../session/types';
import type { LaneJob } from './lanes';
import type { Pipeline } from './pipeline';
import type { SessionPair } from './predecessor';
import { StoreUnavailableError } from './store-health';
import type { Expiring } from './sweep';

/** A connector with the optional parts of the contract. */
export type AnyConnector = Connector<any, any> & ConnectorTransports<any>;

/** One event's delivery, with the error behind a refusal (for logs and the 1-event API). */
export interface EventResult extends Delivery {
  error?: unknown;
}

/** What an observer learns of one event once its outcome is known (see `Bot.observe`). */
export interface EventReport {
  platform: string;
  /** undefined for events without a session. */
  sessionId: string | undefined;
  eventId: string | undefined;
  event: BotEvent;
  /** The final outcome ('deferred' is reported when acknowledged, then the final one again). */
  outcome: EventOutcomeKind;
  /** Epoch ms when the event entered the pipeline. */
  startedAt: number;
  /** Time inside the handler (and error hook), when it ran. */
  handlerMs?: number;
  /** The handler's throw (handler-error), or the error behind a refusal. */
  error?: unknown;
}

/** The handler or its wait went past its bound. */
export class EventTimeoutError extends Error {
  constructor(
    readonly sessionId: string | undefined,
    readonly phase: 'waiting' | 'running',
    readonly boundMs: number,
  ) {
    super(
      phase === 'waiting'
        ? `session ${JSON.stringify(sessionId)}: the event waited more than ${boundMs} ms for its session (lockTimeoutMs); not handled, to be redelivered`
        : `session ${JSON.stringify(sessionId ?? '(no session)')}: the handler ran past ${boundMs} ms (handlerTimeoutMs); ` +
            'its state changes and queued messages are discarded and the session is free for the next event',
    );
    this.name = 'EventTimeoutError';
  }
}

/**
 * The refusals of one dispatch (a webhook request's events, a polled page): the first refused
 * outcome of each session. Made only for a dispatch of more than one event.
 */
export type BatchRefusals = Map<string, EventOutcomeKind>;

/**
 * The event was not run: an earlier event of its session in the same dispatch was refused, and
 * running this one would let it overtake that event when the platform delivers both again.
 */
export class EarlierRefusalError extends Error {
  constructor(
    readonly sessionId: string,
    readonly earlierOutcome: EventOutcomeKind,
  ) {
    super(
      `session ${JSON.stringify(sessionId)}: not run, because an earlier event of the session in the same delivery ` +
        `was refused (${earlierOutcome}); to be redelivered after it`,
    );
    this.name = 'EarlierRefusalError';
  }
}

/** How long before a declared answer deadline the runtime acknowledges an unfinished event. */
export function answerMarginMs(deadlineMs: number): number {
  return Math.min(500, Math.floor(deadlineMs / 4));
}


export type Phase = 'waiting' | 'starting' | 'running' | 'done';

/** One event on its way through the pipeline. */
export class EventRun implements Expiring, LaneJob, AnswerSlot {
  expiresAt = 0;
  sweepPrev: Expiring | undefined = undefined;
  sweepNext: Expiring | undefined = undefined;
  sweeping = false;
  phase: Phase = 'waiting';
  /** Given up at a bound: whatever its handler does from now on is ignored. */
  abandoned = false;
  delivered = false;
  context: Context | undefined = undefined;
  transaction: SessionTransaction | undefined = undefined;
  pair: SessionPair | undefined = undefined;
  deadlineTimer: NodeJS.Timeout | undefined = undefined;
  /** Set when acknowledged at the deadline before the commit. */
  deferred: { settled: Promise<EventOutcomeKind>; resolve(outcome: EventOutcomeKind): void } | undefined = undefined;
  /** Resolves true once the event is held in the store (deferred events of holding stores only). */
  held: Promise<boolean> | undefined = undefined;
  /** For an event whose conversation moved: the lanes it holds, taken in a fixed order. */
  lanes: { first: string; second: string; outer: LaneJob } | undefined = undefined;
  predecessorId: string | undefined = undefined;
  enteredAt = 0;
  handlerMs: number | undefined = undefined;
  handlerError: unknown = undefined;
  resolveDelivery!: (result: EventResult) => void;
  /** The store's held-events hint was acted on once already (see `SessionTransaction.hasHeldEvents`). */
  heldChecked = false;
  /** Which lanes to leave when done: 1 its session's, 2 the pair's, 0 none (no session, or run by a recovery job). */
  laneMode: 0 | 1 | 2 = 0;
  /** The refusals of this event's dispatch when it carried several events (see bot.ts). */
  batch: BatchRefusals | undefined = undefined;
  /** The handler's answer body (this run is the context's {@link AnswerSlot}). */
  answerValue: unknown = undefined;
  /** Set when the answer went out without the handler's body: `set` then throws. */
  answerClosedAfterMs: number | undefined = undefined;

  constructor(
    readonly pipeline: Pipeline,
    readonly connector: AnyConnector,
    readonly event: BotEvent,
    readonly id: string | undefined,
    readonly eventId: string | undefined,
    readonly receivedAt: number,
  ) {}

  set(body: unknown): void {
    if (this.answerClosedAfterMs !== undefined) throw new AnswerTooLateError(this.connector.platform, this.answerClosedAfterMs);
    this.answerValue = body;
  }

  /** The answer went out without the handler's body, `afterMs` after the event arrived. */
  closeAnswer(afterMs: number): void {
    this.answerClosedAfterMs ??= afterMs;
    this.answerValue = undefined;
  }

  onDone(): void {
    if (this.laneMode === 1) this.pipeline.lanes.leave(this.id!);
    else if (this.laneMode === 2) {
      this.pipeline.lanes.leave(this.lanes!.second);
      this.pipeline.lanes.leave(this.lanes!.first);
    }
  }

  start(): void {
    void this.pipeline.execute(this);
  }

  expire(): void {
    this.pipeline.expire(this);
  }
}

/** A store failure as an outcome: a lost lease (a store's `LeaseLostError`) is told apart. */
export function outcomeOfStoreError(error: unknown): EventOutcomeKind {
  // By name too: a driver may load its own copy of `bottender`.
  return error instanceof LeaseLostError || (error as Error | undefined)?.name === 'LeaseLostError'
    ? 'lease-lost'
    : 'store-unavailable';
}

/** A StoreUnavailableError (by name too: a driver may load its own copy of `bottender`). */
export function isReportedOutage(error: unknown): boolean {
  return error instanceof StoreUnavailableError || (error as Error | undefined)?.name === 'StoreUnavailableError';
}

