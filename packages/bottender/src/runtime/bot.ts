import type { Connector, WebhookRequest, WebhookResponse } from '../connector/types';
import { WebhookError } from '../connector/types';
import { type BotEvent, type Context, discardContext, flushContext, type SessionInfo } from '../context/context';
import { cloneJson, StateCell } from '../context/state-cell';
import { DEFAULT_EVENT_ID_WINDOW } from '../session/record';
import {
  type AnyState,
  type SessionRecord,
  SessionStoreError,
  type SessionStore,
} from '../session/types';
import { type Action, runAction } from './action';
import { KeyedQueue } from './keyed-queue';
import { consoleLogger, type Logger } from './logger';
import { beginTransaction } from './transaction';

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
  /** How long an event may wait for another process to release its session. Default 10 s. */
  lockTimeoutMs?: number;
  logger?: Logger;
}

/** What happened to one event. */
export type EventOutcome = 'committed' | 'duplicate' | 'handler-error' | 'no-session';

/**
 * The runtime: for each event, read the session, run the handler, commit the state, then let the
 * context send what it queued. Keeps the promises of `session-invariants.md`.
 */
export class Bot<State extends AnyState = AnyState> {
  readonly store: SessionStore;
  readonly #options: BotOptions<State>;
  readonly #queue = new KeyedQueue();
  readonly #replies = new KeyedQueue();
  readonly #initialState: State;
  readonly #expiresInMs: number | undefined;
  readonly #now: () => number;
  readonly #logger: Logger;
  readonly #eventIdWindow: number;
  readonly #lockTimeoutMs: number;
  #initialized: Promise<void> | undefined;
  #inFlight = 0;
  #idle: (() => void)[] = [];

  constructor(options: BotOptions<State>) {
    if (typeof options.app !== 'function') {
      throw new TypeError('Bot needs an `app` function: async function App(context) { ... }');
    }
    this.#options = options;
    this.store = options.store;
    this.#initialState = cloneJson(options.initialState ?? ({} as State));
    this.#expiresInMs = options.expiresIn ? options.expiresIn * 60_000 : undefined;
    this.#now = options.now ?? Date.now;
    this.#logger = options.logger ?? consoleLogger;
    this.#eventIdWindow = options.eventIdWindow ?? DEFAULT_EVENT_ID_WINDOW;
    this.#lockTimeoutMs = options.lockTimeoutMs ?? 10_000;
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
   * Answers one webhook request: verify and parse it, handle every event, and answer 2xx only
   * once the state of each has been written (invariant 2).
   */
  async handleRequest(connector: Connector, request: WebhookRequest): Promise<WebhookResponse> {
    let received;
    try {
      received = await connector.receive(request);
    } catch (error) {
      if (error instanceof WebhookError) return { status: error.status, body: { error: error.publicMessage } };
      this.#logger.error(`${connector.platform} webhook could not be read`, error);
      return { status: 500, body: { error: 'internal error' } };
    }
    try {
      await this.handleEvents(connector, received.events);
    } catch (error) {
      if (error instanceof SessionStoreError) {
        return { status: 503, body: { error: 'session store unavailable, retry later' } };
      }
      this.#logger.error(`${connector.platform} webhook failed`, error);
      return { status: 500, body: { error: 'internal error' } };
    }
    return received.response ?? { status: 200, body: {} };
  }

  /**
   * Handles events in order within each session and in parallel across sessions. Resolves when
   * all are done; rejects with the first failure after every event has settled.
   */
  async handleEvents(connector: Connector, events: readonly BotEvent[]): Promise<EventOutcome[]> {
    // Most webhooks carry one event: skip the bookkeeping of settling many.
    if (events.length === 1) return [await this.handleEvent(connector, events[0])];
    // handleEvent queues synchronously, so calling it in a loop keeps arrival order per session.
    const settled = await Promise.allSettled(events.map((event) => this.handleEvent(connector, event)));
    const failure = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
    if (failure) throw failure.reason;
    return settled.map((s) => (s as PromiseFulfilledResult<EventOutcome>).value);
  }

  /** Handles one event; see {@link handleEvents}. */
  async handleEvent(connector: Connector, event: BotEvent): Promise<EventOutcome> {
    // Everything up to the queueing below runs synchronously, which keeps arrival order.
    const key = connector.sessionKey(event);
    this.#inFlight++;
    try {
      if (key === undefined || key === '') return await this.#runWithoutSession(connector, event);
      const id = `${connector.platform}:${key}`;
      // The session is held only until the commit. Its replies then go out on a second queue, so
      // the next event of a busy conversation runs while this one's replies are on the wire, and
      // a session's replies still leave in the order of its events.
      const { outcome, sent } = await this.#queue.run(id, async () => {
        const done = await this.#runInSession(connector, event, id);
        return { outcome: done.outcome, sent: done.context && this.#replies.run(id, () => this.#flush(done.context!, id)) };
      });
      await sent;
      return outcome;
    } finally {
      if (--this.#inFlight === 0) for (const wake of this.#idle.splice(0)) wake();
    }
  }

  /** Resolves when no event is being handled (used to drain on shutdown). */
  drain(): Promise<void> {
    if (this.#inFlight === 0) return Promise.resolve();
    return new Promise((resolve) => this.#idle.push(resolve));
  }

  /** Waits for in-flight events, then closes the store. */
  async close(): Promise<void> {
    await this.drain();
    await this.store.close?.();
  }

  async #runWithoutSession(connector: Connector, event: BotEvent): Promise<EventOutcome> {
    await this.init();
    const context = connector.createContext({ platform: connector.platform, event, session: null, state: null });
    await this.#runHandler(context, '(no session)');
    await this.#flush(context, '(no session)');
    return 'no-session';
  }

  /** Reads, runs and commits one event; returns the context whose replies are to be sent. */
  async #runInSession(
    connector: Connector,
    event: BotEvent,
    id: string,
  ): Promise<{ outcome: EventOutcome; context?: Context }> {
    let transaction;
    try {
      await this.init();
      transaction = await beginTransaction(this.store, id, this.#lockTimeoutMs);
    } catch (error) {
      throw this.#storeFailure(error, id, 'could not be read');
    }
    let context: Context;
    let outcome: EventOutcome;
    let committing = false;
    try {
      const stored = transaction.record;
      const eventId = connector.eventId?.(event);
      if (eventId !== undefined && stored?.eventIds.includes(eventId)) {
        await transaction.release();
        return { outcome: 'duplicate' };
      }
      const now = this.#now();
      const live = stored && !this.#isExpired(stored, now) ? stored : undefined;
      const cell = new StateCell<AnyState>(live ? live.state : cloneJson(this.#initialState), this.#initialState);
      const session: SessionInfo = {
        id,
        platform: connector.platform,
        lastActivity: live?.lastActivity,
        isNew: live === undefined,
      };
      context = connector.createContext({ platform: connector.platform, event, session, state: cell });
      if (!(await this.#runHandler(context, id))) {
        // All or nothing (invariant 3): the event leaves the stored state as it was.
        await transaction.release();
        outcome = 'handler-error';
      } else {
        const next: SessionRecord = {
          id,
          platform: connector.platform,
          state: cell.snapshot(),
          lastActivity: now,
          version: (stored?.version ?? 0) + 1,
          eventIds: appendBounded(stored?.eventIds ?? [], eventId, this.#eventIdWindow),
        };
        committing = true;
        await transaction.commit(next, { ttlMs: this.#expiresInMs });
        outcome = 'committed';
      }
    } catch (error) {
      await transaction.release();
      throw committing ? this.#storeFailure(error, id, 'could not be written') : error;
    }
    // Replies go out after the commit and outside the session's lock: a reply never announces
    // state that was not saved, and a slow platform API does not hold the session.
    return { outcome, context };
  }

  #isExpired(record: SessionRecord, now: number): boolean {
    return this.#expiresInMs !== undefined && now - record.lastActivity >= this.#expiresInMs;
  }

  /** Runs the handler; on a throw runs the error hook. Returns false if the handler threw. */
  async #runHandler(context: Context, id: string): Promise<boolean> {
    try {
      await runAction(this.#options.app, context);
      return true;
    } catch (error) {
      // What the handler queued before it threw would announce state that is not being saved.
      context[discardContext]();
      const onError = this.#options.onError;
      if (!onError) {
        this.#logger.error(`handler failed for session ${JSON.stringify(id)}; state not changed`, error);
        return false;
      }
      try {
        await runAction(onError, context, { error });
      } catch (hookError) {
        this.#logger.error(`error handler failed for session ${JSON.stringify(id)}`, hookError);
      }
      return false;
    }
  }

  async #flush(context: Context, id: string): Promise<void> {
    try {
      await context[flushContext]();
    } catch (error) {
      // The state is already committed; a redelivery would be dropped as a duplicate, so the
      // failure is reported here rather than turned into a non-2xx answer.
      this.#logger.error(`sending replies failed for session ${JSON.stringify(id)}`, error);
    }
  }

  #storeFailure(error: unknown, id: string, what: string): unknown {
    this.#logger.error(`session ${JSON.stringify(id)} ${what} (store: ${this.store.name})`, error);
    return error instanceof SessionStoreError
      ? error
      : new SessionStoreError(`session ${JSON.stringify(id)} ${what}: ${(error as Error)?.message ?? error}`, id, {
          cause: error,
        });
  }
}

function appendBounded(ids: string[], id: string | undefined, limit: number): string[] {
  if (id === undefined) return ids;
  const next = ids.length >= limit ? ids.slice(ids.length - limit + 1) : ids.slice();
  next.push(id);
  return next;
}
