import type {
  Connector,
  DispatchOptions,
  EventDispatcher,
  WebhookRequest,
  WebhookResponse,
} from '../connector/types';
import type { BotEvent } from '../context/context';
import { cloneJson } from '../context/state-cell';
import { answerWebhook } from '../http/webhook-answer';
import { DEFAULT_EVENT_ID_WINDOW } from '../session/record';
import { expiresInMs, isLive } from '../session/rules';
import { type AnyState, type SessionRecord, SessionStoreError, type SessionStore } from '../session/types';
import type { Action } from './action';
import { recoverHeldEvents, recoverSession } from './held';
import { consoleLogger, type Logger } from './logger';
import { migrationPlan, type StateMigrations } from './migrations';
import { type AnyConnector, type BatchRefusals, type EventReport, type EventResult, Pipeline } from './pipeline';

/** Default of {@link BotOptions.handlerTimeoutMs}: 30 s. */
export const DEFAULT_HANDLER_TIMEOUT_MS = 30_000;
/** Default of {@link BotOptions.lockTimeoutMs}: 10 s. */
export const DEFAULT_LOCK_TIMEOUT_MS = 10_000;

/** How a bot runs: the handler, where state lives and how long it lasts. */
export interface BotOptions<State extends AnyState = AnyState> {
  /** The handler, `async function App(context)`. */
  app: Action<any>;
  /** Where sessions are kept. */
  store: SessionStore;
  /** The state of a new (or expired) session; deep-copied for each. Default `{}`. */
  initialState?: State;
  /** Inactivity expiry in minutes, as in Bottender 1.x; 0 or undefined keeps sessions forever. */
  expiresIn?: number;
  /** Runs when the handler throws (Bottender's `_error`); gets `{ error }` in its props. */
  onError?: Action<any>;
  /** The clock, in epoch ms; tests pass a controllable one. */
  now?: () => number;
  /** How many committed event ids each session remembers to drop redeliveries. Default 64. */
  eventIdWindow?: number;
  /**
   * How long an event may wait for its session, in ms: behind earlier events of the session in
   * this process, then for another process to release it. Past it the event is refused (`503`),
   * so the platform redelivers it. Default 10 s.
   */
  lockTimeoutMs?: number;
  /**
   * How long one event may hold its session, in ms: its handler and its commit. Past it the event
   * is refused (`timed-out`, answered `503`), its state changes and queued messages are dropped,
   * the session is freed, and whatever the handler does afterwards is ignored. Default 30 s.
   */
  handlerTimeoutMs?: number;
  logger?: Logger;
  /** The current version of the state's shape; with `migrations`, see docs/operating.md. */
  stateVersion?: number;
  /** State migrations keyed by the version each produces, applied when a session is next read. */
  migrations?: StateMigrations;
}

/** What {@link Bot.handleEvent} reports for one event (the 1-event API; transports use outcomes). */
export type EventOutcome = 'committed' | 'duplicate' | 'handler-error' | 'no-session';

/**
 * The runtime: for each event, read the session, run the handler, commit the state, then let the
 * context send what it queued. Keeps the promises of docs/promises.md.
 *
 * Transports reach it through {@link Bot.dispatcher}; webhooks through the HTTP layer
 * (`createRequestHandler`, `serve`), which maps outcomes to statuses.
 */
export class Bot<State extends AnyState = AnyState> {
  readonly store: SessionStore;
  readonly #pipeline: Pipeline;
  readonly #logger: Logger;
  readonly #expiresInMs: number | undefined;
  readonly #now: () => number;
  readonly #dispatchers = new WeakMap<Connector<any, any>, BotDispatcher>();
  #initialized: Promise<void> | undefined;

  constructor(options: BotOptions<State>) {
    if (typeof options.app !== 'function') {
      throw new TypeError('Bot needs an `app` function: async function App(context) { ... }');
    }
    this.store = options.store;
    this.#logger = options.logger ?? consoleLogger;
    this.#expiresInMs = expiresInMs(options.expiresIn);
    this.#now = options.now ?? Date.now;
    this.#pipeline = new Pipeline({
      app: options.app,
      onError: options.onError,
      store: options.store,
      initialState: cloneJson(options.initialState ?? {}),
      expiresInMs: this.#expiresInMs,
      now: this.#now,
      eventIdWindow: positive(options.eventIdWindow, DEFAULT_EVENT_ID_WINDOW, 'eventIdWindow'),
      lockTimeoutMs: positive(options.lockTimeoutMs, DEFAULT_LOCK_TIMEOUT_MS, 'lockTimeoutMs'),
      handlerTimeoutMs: positive(options.handlerTimeoutMs, DEFAULT_HANDLER_TIMEOUT_MS, 'handlerTimeoutMs'),
      logger: this.#logger,
      init: () => this.init(),
      migrations: migrationPlan(options.stateVersion, options.migrations),
    });
    this.#pipeline.recoverSession = (connector, id) => void recoverSession(this.#pipeline, connector, id);
  }

  /** Prepares the store once; a store that cannot be reached fails here with its own message. */
  init(): Promise<void> {
    this.#initialized ??= (async () => {
      await this.store.init?.();
    })().catch((error: unknown) => {
      // A store that was down at start may come back: the next event tries again.
      this.#initialized = undefined;
      throw error;
    });
    return this.#initialized;
  }

  /**
   * The way `connector`'s events enter the runtime: a loop transport (long polling, a socket)
   * calls `dispatch(events)` and acknowledges each event only once its delivery's outcome is in
   * `ACKNOWLEDGED_OUTCOMES`. The same object for the same connector.
   */
  dispatcher<Event extends BotEvent>(connector: Connector<Event, any>): EventDispatcher<Event> {
    let dispatcher = this.#dispatchers.get(connector);
    if (dispatcher === undefined) {
      dispatcher = new BotDispatcher(this.#pipeline, connector as AnyConnector);
      this.#dispatchers.set(connector, dispatcher);
    }
    return dispatcher as EventDispatcher<any>;
  }

  /**
   * Runs the events held in the store (acknowledged at a deadline, never committed) with the
   * connectors that serve their platforms. Called at start by the lifecycle; resolves once they
   * are queued (they run in the background and count as in flight). Returns how many sessions.
   */
  async recoverHeldEvents(connectors: readonly Connector<any, any>[]): Promise<number> {
    await this.init();
    return recoverHeldEvents(this.#pipeline, connectors as AnyConnector[]);
  }

  /**
   * Answers one webhook request: verify and parse it, handle every event, and answer 2xx only
   * once the state of each has been written (or the event was held at its deadline). The HTTP
   * mapping lives in `http/webhook-answer.ts`.
   */
  handleRequest(connector: Connector<any, any>, request: WebhookRequest): Promise<WebhookResponse> {
    return answerWebhook(this.dispatcher(connector) as BotDispatcher, connector, request, this.#logger);
  }

  /**
   * Handles events as one delivery (in order within each session, in parallel across sessions;
   * after a refusal, the session's later events are not run) and resolves with their outcomes
   * once all are done, waiting past a deadline acknowledgement for the real end. Rejects with the
   * first refusal (a `SessionStoreError`, an `EventTimeoutError`, ...) after every event has
   * settled. For tests and scripts; transports use {@link dispatcher}.
   */
  async handleEvents(connector: Connector<any, any>, events: readonly BotEvent[]): Promise<EventOutcome[]> {
    const deliveries = await (this.dispatcher(connector) as BotDispatcher).dispatch(events);
    const results = await Promise.all(deliveries.map(finalOutcome));
    const failure = results.find((r) => typeof r !== 'string');
    if (failure !== undefined) throw (failure as { error: unknown }).error;
    return results as EventOutcome[];
  }

  /** Handles one event; see {@link handleEvents}. */
  async handleEvent(connector: Connector<any, any>, event: BotEvent): Promise<EventOutcome> {
    const outcome = await finalOutcome(await (this.dispatcher(connector) as BotDispatcher).deliver(event));
    if (typeof outcome !== 'string') throw outcome.error;
    return outcome;
  }

  /**
   * Session `id` as the next event would see it: undefined when absent or expired (the same rule
   * the runtime applies). Throws the store's error when it cannot be read.
   */
  async readSession(id: string): Promise<SessionRecord | undefined> {
    await this.init();
    const record = await this.store.read(id);
    return isLive(record, this.#now(), this.#expiresInMs) ? record : undefined;
  }

  /**
   * Calls `listener` once each event's outcome is known (and once more, first, with 'deferred'
   * for an event acknowledged at its deadline). For tools (the dev console); a listener that
   * throws is logged and ignored. Returns a function that removes it. No cost without listeners.
   */
  observe(listener: (report: EventReport) => void): () => void {
    this.#pipeline.observers.add(listener);
    return () => void this.#pipeline.observers.delete(listener);
  }

  /**
   * Runs `task` holding session `id` in this process, as an event would (in its order among the
   * session's events), so a tool editing the state cannot interleave with an event here. The
   * store's own lock is the caller's business (`store.begin` when there is one).
   */
  exclusive<T>(id: string, task: () => Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.#pipeline.lanes.enter(id, {
        start: () => {
          Promise.resolve()
            .then(task)
            .then(resolve, reject)
            .finally(() => this.#pipeline.lanes.leave(id));
        },
      });
    });
  }

  /** Events in flight (deferred and recovered ones included). */
  get inFlight(): number {
    return this.#pipeline.inFlight;
  }

  /** Resolves when no event is being handled (used to drain on shutdown). */
  drain(): Promise<void> {
    return this.#pipeline.drain();
  }

  /** Waits for in-flight events, then closes the store. */
  async close(): Promise<void> {
    await this.drain();
    this.#pipeline.stop();
    await this.store.close?.();
  }
}

/** The {@link EventDispatcher} of one connector. */
export class BotDispatcher implements EventDispatcher<BotEvent> {
  constructor(
    readonly pipeline: Pipeline,
    readonly connector: AnyConnector,
  ) {}

  /**
   * Handles the events of one delivery (a webhook request, a polled page) in arrival order per
   * session. Once an event of a session is refused, the session's later events here are refused
   * too (`earlier-refused`), unrun: the platform delivers them again after it (promise 1).
   */
  dispatch(events: readonly BotEvent[], options?: DispatchOptions): Promise<EventResult[]> {
    if (events.length === 1) return this.deliver(events[0], options).then((result) => [result]);
    // One map per batch, filled only by refusals. deliver() queues synchronously, so calling it
    // in a loop keeps arrival order per session.
    const refusals: BatchRefusals = new Map();
    return Promise.all(events.map((event) => this.pipeline.deliver(this.connector, event, options, undefined, refusals)));
  }

  /** One event's delivery (never rejects). */
  deliver(event: BotEvent, options?: DispatchOptions): Promise<EventResult> {
    return this.pipeline.deliver(this.connector, event, options);
  }
}

/** The 1-event API's view of a result: its final outcome, or the error behind a refusal. */
async function finalOutcome(result: EventResult): Promise<EventOutcome | { error: unknown }> {
  const outcome = result.outcome === 'deferred' ? await result.settled! : result.outcome;
  switch (outcome) {
    case 'handled':
      return 'committed';
    case 'duplicate':
    case 'handler-error':
    case 'no-session':
      return outcome;
    default:
      return {
        error:
          result.error ??
          new SessionStoreError(`the event was not handled (${outcome}); see the log line before this one`),
      };
  }
}

function positive(value: number | undefined, fallback: number, name: string): number {
  if (value === undefined) return fallback;
  if (!Number.isSafeInteger(value) || value < 1) {
    throw new TypeError(`Bot option ${name} must be a positive integer, got ${JSON.stringify(value)}`);
  }
  return value;
}
