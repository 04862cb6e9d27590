import type { AnyState } from '../session/types';
import type { AnswerSlot } from '../connector/types';
import type { StateCell } from './state-cell';

/** What every platform's event offers the handler, whatever its raw shape. */
export interface BotEvent<Raw = unknown> {
  /** The event exactly as the platform sent it. */
  readonly rawEvent: Raw;
  /** A message of any kind (text, image, sticker, ...). */
  readonly isMessage: boolean;
  /** A text message. */
  readonly isText: boolean;
  /** The text of a text message, otherwise undefined (or null, as Bottender 1.x's events gave). */
  readonly text: string | null | undefined;
  /** A button press or other payload (LINE postback, Slack action, Telegram callback query). */
  readonly isPayload: boolean;
  /** The payload string, otherwise undefined (or null, as Bottender 1.x's events gave). */
  readonly payload: string | null | undefined;
}

/** What the handler may know about the session it runs in. */
export interface SessionInfo {
  /** `<platform>:<sessionKey>`. */
  readonly id: string;
  readonly platform: string;
  /** Epoch ms of the previous handled event; undefined for a new (or expired) session. */
  readonly lastActivity: number | undefined;
  /** True when the session was absent or expired and started from `initialState`. */
  readonly isNew: boolean;
  /**
   * Bottender 1.x's `session.user`: who sent this event (`{ id, _updatedAt }`), when the event
   * names someone. Taken from the event each time, not stored; see {@link SessionParties}.
   */
  readonly user?: SessionParty;
  /** Bottender 1.x's `session.group`: the LINE group or Telegram group the event came from. */
  readonly group?: SessionParty;
  /** Bottender 1.x's `session.room`: the LINE multi-person chat the event came from. */
  readonly room?: SessionParty;
  /** Bottender 1.x's `session.channel`: the Slack channel or Telegram channel the event came from. */
  readonly channel?: SessionParty;
}

/**
 * One party of a conversation as Bottender 1.x's session described it (with its default
 * `skipLegacyProfile: true`): the platform's id, and when this version last saw it (ISO 8601).
 */
export interface SessionParty {
  /** The platform's id, of the type the platform gives (Telegram's are numbers, as in 1.x). */
  readonly id: string | number;
  readonly _updatedAt: string;
}

/** The ids of the parties an event involves, by 1.x's session field; absent ones are left out. */
export type SessionParties = { readonly [K in 'user' | 'group' | 'room' | 'channel']?: string | number };

/** What a connector gets to build a context; see {@link Connector.createContext}. */
export interface ContextInit<State extends AnyState, Event extends BotEvent> {
  platform: string;
  event: Event;
  /** null for events that belong to no session (e.g. a LINE event with no usable source). */
  session: SessionInfo | null;
  /** @internal the runtime's state holder for this event; null when there is no session. */
  state: StateCell<State> | null;
  /**
   * Where the handler may set the body of the platform's answer, for transports that answer per
   * event before a deadline (Slack's `response_action`); absent where the platform has no such answer.
   */
  answer?: AnswerSlot;
}

/*
 * Registered symbols (Symbol.for), not unique ones: a connector built against another installed
 * copy of `bottender` (a bot folder with its own, the CLI from this one) must still meet the
 * runtime's hooks.
 */

/** Called by the runtime once the event's state is committed, to send what the handler queued. */
export const flushContext: unique symbol = Symbol.for('bottender.flushContext');

/** Called by the runtime when the handler throws, to drop what it queued before the throw. */
export const discardContext: unique symbol = Symbol.for('bottender.discardContext');

/**
 * What a handler receives: the event, the session's state and the platform's ways to answer.
 *
 * Each platform package extends this class with its own sending methods. State changes are
 * collected while the handler runs and written in one commit after it returns.
 */
export abstract class Context<State extends AnyState = AnyState, Event extends BotEvent = BotEvent> {
  readonly platform: string;
  readonly event: Event;
  readonly #sessionInfo: SessionInfo | null;
  #session: SessionInfo | null | undefined;
  readonly #cell: StateCell<State> | null;
  #intent: string | null = null;
  #handled: boolean | null = null;

  constructor(init: ContextInit<State, Event>) {
    this.platform = init.platform;
    this.event = init.event;
    this.#sessionInfo = init.session;
    this.#cell = init.state;
  }

  /**
   * The session the event runs in (null for events that belong to none), with Bottender 1.x's
   * `user`, `group`, `room` and `channel` taken from the event (see {@link sessionParties}). Built
   * when first read, so handlers that never read it cost nothing.
   */
  get session(): SessionInfo | null {
    if (this.#session === undefined) {
      const info = this.#sessionInfo;
      this.#session = info === null ? null : withParties(info, this.sessionParties());
    }
    return this.#session;
  }

  /**
   * The ids of who and where the event came from, for 1.x's `session.user` and friends. Platform
   * contexts override it; the default names no one.
   */
  protected sessionParties(): SessionParties {
    return {};
  }

  /**
   * The session's state. A copy: change it with {@link setState} or {@link resetState}; direct
   * mutation is not stored. Empty (`{}`) for events without a session.
   */
  get state(): State {
    return this.#cell ? this.#cell.view : ({} as State);
  }

  /** Shallow-merges `partial` into the state; committed when the handler returns. */
  setState(partial: Partial<State>): void {
    this.#requireCell('setState').set(partial);
  }

  /** Sets the state back to a deep copy of `initialState`. */
  resetState(): void {
    this.#requireCell('resetState').reset();
  }

  /**
   * Waits `milliseconds` before the handler goes on, as Bottender 1.x's `typing` did (platforms
   * with a typing indicator may show it). The session stays held meanwhile: keep it short.
   */
  async typing(milliseconds: number): Promise<void> {
    if (typeof milliseconds !== 'number' || !Number.isFinite(milliseconds) || milliseconds < 0) {
      throw new TypeError(`context.typing() needs a number of milliseconds >= 0, got ${String(milliseconds)}`);
    }
    if (milliseconds > 0) await new Promise((resolve) => setTimeout(resolve, milliseconds));
  }

  /** The intent the handler named with {@link setIntent}, for analytics (Bottender 1.x). */
  get intent(): string | null {
    return this.#intent;
  }

  /** Names what the event was about, for analytics hooks. */
  setIntent(intent: string | null): void {
    this.#intent = intent;
  }

  /** Whether the handler said it handled the event; null when it said nothing (Bottender 1.x). */
  get isHandled(): boolean | null {
    return this.#handled;
  }

  /** Marks the event as handled (or not), for analytics hooks. */
  setAsHandled(handled = true): void {
    this.#handled = handled;
  }

  /** Marks the event as not handled. */
  setAsNotHandled(): void {
    this.#handled = false;
  }

  /** Sends a text message to the conversation the event came from. */
  abstract sendText(text: string, options?: Record<string, unknown>): Promise<void>;

  /** Sends whatever the context queued. Platforms that batch replies override it. */
  async [flushContext](): Promise<void> {}

  /**
   * Drops whatever the context queued. The runtime calls it when the handler throws, before the
   * error hook runs: the state change is dropped, so the replies announcing it must be too.
   */
  [discardContext](): void {}

  #requireCell(method: string): StateCell<State> {
    if (!this.#cell) {
      throw new Error(
        `context.${method}() cannot be used here: this ${this.platform} event belongs to no ` +
          'session (it has no user, group or chat to key state on), so there is no state to change',
      );
    }
    return this.#cell;
  }
}

/** `info` with the parties 1.x's session had; `info` itself when the event names none. */
function withParties(info: SessionInfo, parties: SessionParties): SessionInfo {
  let session: SessionInfo | undefined;
  let updatedAt: string | undefined;
  for (const field of ['user', 'group', 'room', 'channel'] as const) {
    const id = parties[field];
    if (id === undefined || id === null || id === '') continue;
    session ??= { ...info };
    updatedAt ??= new Date().toISOString();
    (session as { -readonly [K in typeof field]?: SessionParty })[field] = Object.freeze({ id, _updatedAt: updatedAt });
  }
  return session === undefined ? info : Object.freeze(session);
}
