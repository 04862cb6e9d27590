import type { ApiCall, InputSelection, SentMessages, SourceSelection } from '../platforms/types';

/**
 * What the page shows for each event's fate. The runtime's outcomes (contract v2), plus the
 * ones only the transport sees: `refused` (the connector answered 4xx: a bad signature or body),
 * `failed` (a 5xx other than 503), and `pending` while the event is in flight.
 */
export type LogOutcome =
  | 'pending'
  | 'handled'
  | 'handler-error'
  | 'duplicate'
  | 'no-session'
  | 'deferred'
  | 'store-unavailable'
  | 'lease-lost'
  | 'timed-out'
  | 'earlier-refused'
  | 'refused'
  | 'failed';

/** An error as the page shows it. */
export interface LoggedError {
  name: string;
  message: string;
  stack?: string;
}

/** One event in the log. */
export interface LogEntry {
  /** Increasing per dev console server. */
  id: number;
  platform: string;
  sessionId: string | undefined;
  eventId: string | undefined;
  /** `page` for inputs sent from the page, `platform` for events that came from elsewhere (a real webhook). */
  origin: 'page' | 'platform';
  source?: SourceSelection;
  input?: InputSelection & { summary: string };
  /** Set on the events of one "send twice" or "send N at once" click. */
  batch?: { id: number; kind: 'twice' | 'burst'; index: number; size: number };
  /** True for the second delivery of "send twice": the platform's redelivery of the same event. */
  redelivery?: boolean;
  /** Epoch ms the event was sent. */
  at: number;
  outcome: LogOutcome;
  /** HTTP status of the webhook answer (webhook platforms). */
  status?: number;
  /** Time spent in the handler, when the runtime reports it. */
  handlerMs?: number;
  /** From sending the event to its answer. */
  totalMs?: number;
  error?: LoggedError;
  /** What the bot sent for this event, in the platform's format. */
  messages: { via: string; messages: unknown[]; at: number }[];
  /** Other API calls the handler made (profiles, member counts). */
  calls: ApiCall[];
  /** Set once the runtime reported this event's outcome (a second report is about another event). */
  reported?: boolean;
  /** The session's version before and after, when known. */
  versions?: { before: number | undefined; after: number | undefined };
}

/** Describes an error for the page: name, message and stack; never throws. */
export function describeError(error: unknown): LoggedError {
  if (error instanceof Error) return { name: error.name, message: error.message, stack: error.stack };
  let message: string;
  try {
    message = JSON.stringify(error) ?? String(error);
  } catch {
    message = String(error);
  }
  return { name: 'thrown value', message };
}

/**
 * The event log: the last `limit` events, with what the bot sent for each. Listeners hear about
 * every change of an entry (the page gets them over server-sent events).
 */
export class EventLog {
  readonly #entries: LogEntry[] = [];
  readonly #byReplyHandle = new Map<string, LogEntry>();
  readonly #unclaimed = new Map<string, LogEntry['messages']>();
  readonly #listeners = new Set<(entry: LogEntry) => void>();
  #nextId = 1;

  constructor(private readonly limit = 1000) {}

  /** Adds an entry and returns it; `changed` must be called after later changes. */
  add(fields: Omit<LogEntry, 'id' | 'messages' | 'calls'> & { replyHandle?: string }): LogEntry {
    const { replyHandle, ...rest } = fields;
    const entry: LogEntry = { id: this.#nextId++, messages: [], calls: [], ...rest };
    this.#entries.push(entry);
    if (replyHandle !== undefined) this.#byReplyHandle.set(replyHandle, entry);
    while (this.#entries.length > this.limit) {
      const dropped = this.#entries.shift()!;
      for (const [handle, e] of this.#byReplyHandle) if (e === dropped) this.#byReplyHandle.delete(handle);
    }
    this.changed(entry);
    return entry;
  }

  /** Tells listeners that `entry` changed. */
  changed(entry: LogEntry): void {
    for (const listener of this.#listeners) listener(entry);
  }

  /** Hears about every added or changed entry; returns a function that stops it. */
  listen(listener: (entry: LogEntry) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Entries, oldest first; of one session when `sessionId` is given. */
  entries(sessionId?: string): LogEntry[] {
    return sessionId === undefined ? this.#entries.slice() : this.#entries.filter((e) => e.sessionId === sessionId);
  }

  /** Restores entries kept across a reload of the bot. */
  restore(entries: readonly LogEntry[]): void {
    for (const entry of entries.slice(-this.limit)) {
      this.#entries.push(entry);
      this.#nextId = Math.max(this.#nextId, entry.id + 1);
    }
  }

  /**
   * The entry messages belong to: the event whose reply handle (LINE reply token) they name, else
   * the latest event of the same session (a push), else none.
   */
  entryFor(sent: { replyHandle?: string; sessionId?: string }): LogEntry | undefined {
    if (sent.replyHandle !== undefined) {
      const entry = this.#byReplyHandle.get(sent.replyHandle);
      if (entry) return entry;
    }
    if (sent.sessionId === undefined) return undefined;
    for (let i = this.#entries.length - 1; i >= 0; i--) if (this.#entries[i].sessionId === sent.sessionId) return this.#entries[i];
    return undefined;
  }

  /**
   * Records messages the fake API received. A call that names its event (a LINE reply token)
   * goes to it at once; the others wait for {@link claim}: the runtime sends an event's messages
   * right before it reports the event, and one session's events one after the other, so what
   * waits for a session when its event is reported is that event's.
   */
  addMessages(sent: SentMessages, at: number): void {
    const entry = sent.replyHandle === undefined ? undefined : this.#byReplyHandle.get(sent.replyHandle);
    if (entry) {
      entry.messages.push({ via: sent.via, messages: sent.messages, at });
      this.changed(entry);
      return;
    }
    const key = sent.sessionId ?? '';
    let waiting = this.#unclaimed.get(key);
    if (!waiting) {
      this.#unclaimed.set(key, (waiting = []));
      // Bounded: messages no event ever claims (sent from outside any event) are dropped oldest first.
      if (this.#unclaimed.size > 1000) this.#unclaimed.delete(this.#unclaimed.keys().next().value!);
    }
    waiting.push({ via: sent.via, messages: sent.messages, at });
    if (waiting.length > 100) waiting.shift();
  }

  /** Gives `entry` the messages sent to its session since the last claim; see {@link addMessages}. */
  claim(entry: LogEntry): void {
    const waiting = this.#unclaimed.get(entry.sessionId ?? '');
    if (!waiting) return;
    this.#unclaimed.delete(entry.sessionId ?? '');
    entry.messages.push(...waiting);
    this.changed(entry);
  }

  /**
   * Records another API call. Calls that name no event (a profile) go to the platform's event in
   * flight, else its latest: a handler makes them while its event runs.
   */
  addCall(call: ApiCall): void {
    const ofPlatform = this.#entries.filter((e) => e.platform === call.platform);
    const entry = this.entryFor(call) ?? ofPlatform.findLast((e) => e.outcome === 'pending') ?? ofPlatform.at(-1);
    if (!entry) return;
    entry.calls.push(call);
    this.changed(entry);
  }

  /**
   * The pending entry a runtime report is about: the one with that event id, else the oldest
   * pending one of that session (events of one session are handled in order).
   */
  pendingFor(report: { platform: string; sessionId?: string; eventId?: string }): LogEntry | undefined {
    // A deferred event is reported twice: when acknowledged, then with its final outcome.
    const pending = this.#entries.filter((e) => (!e.reported || e.outcome === 'deferred') && e.platform === report.platform);
    if (report.eventId !== undefined) {
      const byId = pending.find((e) => e.eventId === report.eventId);
      if (byId) return byId;
    }
    return pending.find((e) => e.sessionId === report.sessionId && (report.eventId === undefined || e.eventId === undefined));
  }
}
