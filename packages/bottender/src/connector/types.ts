import type { IncomingHttpHeaders } from 'node:http';

import type { BotEvent, Context, ContextInit } from '../context/context';
import type { AnyState } from '../session/types';

/** A webhook request as connectors see it: already read, body kept raw for signature checks. */
export interface WebhookRequest {
  method: string;
  /** The path without the query string. */
  path: string;
  query: URLSearchParams;
  /** Lower-case header names, as node:http gives them. */
  headers: IncomingHttpHeaders;
  /** The body exactly as received. */
  rawBody: Buffer;
  /** The values of the channel path's parameters (`/webhooks/line/:channelId`), when it has any. */
  params?: Record<string, string>;
}

/** An answer to a webhook request. */
export interface WebhookResponse {
  status: number;
  headers?: Record<string, string>;
  /** A string is sent as is; anything else as JSON. */
  body?: unknown;
}

/** What a connector made of a verified request. */
export interface ReceivedWebhook<Event> {
  /** The events to handle, in the order the platform sent them. */
  events: Event[];
  /**
   * The answer once every event is committed. Defaults to `200 {}`. Handshakes (for example a
   * verification challenge) return events: [] and the answer here.
   */
  response?: WebhookResponse;
}

/**
 * A request the connector refuses. The runtime answers `status` with `publicMessage` only: never
 * with anything taken from the request (invariant 9).
 */
export class WebhookError extends Error {
  constructor(
    readonly status: number,
    readonly publicMessage: string,
    options?: { cause?: unknown },
  ) {
    super(publicMessage, options);
    this.name = 'WebhookError';
  }
}

/**
 * One messaging platform. A connector turns requests into events and events into contexts; the
 * runtime does everything about sessions. Platform packages (`@bottender/line`, ...) export one.
 */
export interface Connector<Event extends BotEvent = BotEvent, Ctx extends Context<any, Event> = Context<any, Event>> {
  /** The platform part of session ids, e.g. `line`. Lower-case letters and digits. */
  readonly platform: string;
  /** Check credentials or connect; called once before the first request. */
  init?(): Promise<void>;
  /**
   * Verify and parse a request. Throws {@link WebhookError} for anything refused: 401 for a
   * failed signature check (before the body is parsed), 400 for a malformed body.
   */
  receive(request: WebhookRequest): ReceivedWebhook<Event> | Promise<ReceivedWebhook<Event>>;
  /** The key of the conversation the event belongs to (a user, group, room, chat or channel), if any. */
  sessionKey(event: Event): string | undefined;
  /** A platform-assigned id that a redelivery repeats, used to run each event once. */
  eventId?(event: Event): string | undefined;
  /** Builds the handler's context. */
  createContext(init: ContextInit<AnyState, Event>): Ctx;
  /** Release clients and sockets. */
  close?(): Promise<void>;
}

/*
 * ---------------------------------------------------------------------------------------------
 * Contract v2 (issue 8): loop transports, deadlines, answers computed by the handler.
 * These declarations are the agreed surface; the runtime side is implemented with them.
 * ---------------------------------------------------------------------------------------------
 */

/**
 * What the runtime made of one event, in words a transport can act on. The HTTP layer maps these
 * to statuses; a polling loop advances its offset past acknowledgeable ones only; a socket
 * acknowledges an envelope only when its outcome is acknowledgeable.
 */
export type EventOutcomeKind =
  /** The handler ran and its state was committed. */
  | 'handled'
  /** The handler threw: state left as it was, the error hook ran. Acknowledged (a retry would throw again). */
  | 'handler-error'
  /** The event id was already committed for this session: not run again. */
  | 'duplicate'
  /** The event belongs to no session; the handler ran without state. */
  | 'no-session'
  /**
   * The platform's deadline came before the commit: the event was held in the store (where the
   * store can hold events) and acknowledged; its handling goes on under the session's lock.
   */
  | 'deferred'
  /** The store could not be reached or refused the operation: not acknowledged, to be redelivered. */
  | 'store-unavailable'
  /** The session's lease was lost while the handler ran (another server took over): not acknowledged. */
  | 'lease-lost'
  /** The event waited or ran past its bound on the session: not acknowledged, changes discarded. */
  | 'timed-out'
  /**
   * An earlier event of the same session in the same dispatch (one webhook request, one polled
   * page) was refused, so this one was not run: running it would let it overtake that event when
   * the platform delivers it again. Not acknowledged; the store was not touched.
   */
  | 'earlier-refused'
  /**
   * Something other than the store or the handler failed (the connector's `sessionKey` or
   * `createContext` threw: a bug). Not acknowledged, logged; the HTTP layer answers 500.
   */
  | 'failed';

/** Outcomes after which the platform may be told the event was received. */
export const ACKNOWLEDGED_OUTCOMES: ReadonlySet<EventOutcomeKind> = new Set<EventOutcomeKind>([
  'handled',
  'handler-error',
  'duplicate',
  'no-session',
  'deferred',
]);

/** One event's result as the transport sees it. */
export interface Delivery {
  outcome: EventOutcomeKind;
  /**
   * The body the handler set for the platform's answer (see {@link AnswerSlot}), when it set one
   * before the answer was due. Only meaningful for transports that answer per event.
   */
  answer?: unknown;
  /**
   * For `deferred`: settles with the final outcome once the handling really ends (tests and logs
   * use it; transports must not wait for it before acknowledging).
   */
  settled?: Promise<EventOutcomeKind>;
}

/** Options of one dispatch. */
export interface DispatchOptions {
  /**
   * Epoch ms at which the platform sent or the transport received the events; the deadline is
   * counted from here. Default: now.
   */
  receivedAt?: number;
  /** Overrides {@link Connector.answerDeadlineMs} for these events. */
  deadlineMs?: number;
}

/**
 * How a loop transport (long polling, a WebSocket) hands events to the same pipeline webhooks
 * use. Every promise of docs/ holds: one event at a time per session, each event id once, and a
 * delivery resolves only when the platform may be told the event was received.
 */
export interface EventDispatcher<Event extends BotEvent = BotEvent> {
  /**
   * Handles `events` (in order within each session, in parallel across sessions). Resolves with
   * one delivery per event, in the same order, once each is committed, refused, or deferred at
   * its deadline. Never rejects for one event's failure: that is its delivery's outcome.
   */
  dispatch(events: readonly Event[], options?: DispatchOptions): Promise<Delivery[]>;
}

/** Where the handler sets the platform's answer body (a Slack `response_action`, ...). */
export interface AnswerSlot {
  /**
   * Sets the body of the answer to this event's request. Throws {@link AnswerTooLateError} when
   * the answer was already sent (the event was acknowledged at its deadline).
   */
  set(body: unknown): void;
}

/** The handler set an answer after the platform had already been answered. */
export class AnswerTooLateError extends Error {
  constructor(platform: string, deadlineMs: number) {
    super(
      `${platform}: the answer to this event was already sent (the handler ran past the ` +
        `${deadlineMs} ms deadline, so the event was acknowledged without it); send a message instead`,
    );
    this.name = 'AnswerTooLateError';
  }
}

/** Which transport a connector uses in a run. */
export type TransportKind = 'webhook' | 'loop';

/**
 * The parts of the contract beyond {@link Connector}'s required ones; platform connectors implement
 * those that apply. Kept separate so the core interface reads as the minimum a connector needs.
 */
export interface ConnectorTransports<Event extends BotEvent = BotEvent> {
  /**
   * Runs the connector's own loop (long polling, a WebSocket) until `signal` aborts, handing
   * events to `dispatcher`. Resolves once stopped (after in-flight deliveries settled). A loop
   * advances its offset or acknowledges an envelope only after the delivery's outcome is in
   * {@link ACKNOWLEDGED_OUTCOMES}.
   */
  run?(dispatcher: EventDispatcher<Event>, signal: AbortSignal): Promise<void>;
  /**
   * Which transport to use: `dev` is true under `bottender dev`, which prefers the loop so no public
   * URL is needed. Default: `'loop'` when `run` exists and `dev` is true, else `'webhook'`.
   */
  transport?(mode: { dev: boolean }): TransportKind;
  /**
   * How long the platform waits for an answer, in ms (Slack: 3000). The runtime acknowledges with
   * a margin before it when the commit has not come, and goes on handling.
   */
  readonly answerDeadlineMs?: number;
  /**
   * Rebuilds an event from its `rawEvent`, to handle events that were acknowledged at their
   * deadline and held in the store when the process stopped before their commit.
   */
  restoreEvent?(rawEvent: unknown): Event;
  /**
   * For an event that continues a conversation under a new session key (a Telegram group that
   * became a supergroup): the old key. When the event's own session has no live record, the
   * runtime moves the predecessor's record into it once, atomically, before the handler runs.
   */
  predecessorKey?(event: Event): string | undefined;
}
