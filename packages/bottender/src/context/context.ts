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
}

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
  readonly session: SessionInfo | null;
  readonly #cell: StateCell<State> | null;
  #intent: string | null = null;
  #handled: boolean | null = null;

  constructor(init: ContextInit<State, Event>) {
    this.platform = init.platform;
    this.event = init.event;
    this.session = init.session;
    this.#cell = init.state;
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
