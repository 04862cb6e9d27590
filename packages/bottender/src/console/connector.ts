import type { Writable } from 'node:stream';

import { type Connector, type ReceivedWebhook, WebhookError } from '../connector/types';
import { type BotEvent, Context, type ContextInit, discardContext, flushContext, type SessionParties } from '../context/context';
import type { AnyState } from '../session/types';

/** The platform name of console mode; sessions are `console:<user>`. */
export const CONSOLE_PLATFORM = 'console';

/** A console event as typed by the user: a message, or a payload sent with `/payload`. */
export interface ConsoleRawEvent {
  message?: { text: string };
  payload?: string;
}

/** One line typed in console mode. */
export class ConsoleEvent implements BotEvent<ConsoleRawEvent> {
  constructor(
    readonly rawEvent: ConsoleRawEvent,
    /** The console user the line came from: the session key. */
    readonly user: string,
  ) {}
  get isMessage(): boolean {
    return this.rawEvent.message !== undefined;
  }
  get isText(): boolean {
    return typeof this.rawEvent.message?.text === 'string';
  }
  get text(): string | undefined {
    return this.rawEvent.message?.text;
  }
  get isPayload(): boolean {
    return this.rawEvent.payload !== undefined;
  }
  get payload(): string | undefined {
    return this.rawEvent.payload;
  }
}

/**
 * The context of console mode. Replies are printed as `Bot > <text>` after the state is
 * committed, as every platform sends them, so a reply never shows state that was not saved.
 */
export class ConsoleContext<State extends AnyState = AnyState> extends Context<State, ConsoleEvent> {
  /** Always `'console'`: narrows a {@link BotContext}. */
  declare readonly platform: 'console';
  readonly #queued: string[] = [];
  readonly #output: Writable;

  constructor(init: ContextInit<State, ConsoleEvent>, output: Writable) {
    super(init);
    this.#output = output;
  }

  async sendText(text: string): Promise<void> {
    if (typeof text !== 'string') throw new TypeError(`sendText expects a string, got ${typeof text}`);
    this.#queued.push(text);
  }

  /** 1.x's `session.user`: the console user typing (`1` unless a test named another). */
  protected override sessionParties(): SessionParties {
    return { user: this.event.user };
  }

  override [discardContext](): void {
    this.#queued.length = 0;
  }

  override async [flushContext](): Promise<void> {
    for (const text of this.#queued.splice(0)) this.#output.write(`Bot > ${text}\n`);
  }
}

/**
 * The console platform: events come from the terminal (see `runConsoleChat`), not from webhooks,
 * and go through the same runtime, store and commit as any platform's.
 */
export class ConsoleConnector implements Connector<ConsoleEvent, ConsoleContext> {
  readonly platform = CONSOLE_PLATFORM;
  readonly #output: Writable;

  constructor(options: { output: Writable }) {
    this.#output = options.output;
  }

  receive(): ReceivedWebhook<ConsoleEvent> {
    throw new WebhookError(404, 'console mode has no webhook');
  }

  sessionKey(event: ConsoleEvent): string {
    return event.user;
  }

  createContext(init: ContextInit<AnyState, ConsoleEvent>): ConsoleContext {
    return new ConsoleContext(init, this.#output);
  }
}
