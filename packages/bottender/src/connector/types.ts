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
