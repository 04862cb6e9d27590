import { Context, discardContext, flushContext, type BotEvent, type ContextInit } from '../context/context';
import { type Connector, type ConnectorTransports, type ReceivedWebhook, type WebhookRequest, WebhookError } from '../connector/types';
import type { AnyState } from '../session/types';

/** One event of the test platform's JSON webhook: `{ "events": [TestRawEvent, ...] }`. */
export interface TestRawEvent {
  /** The session key; omit for an event without a session. */
  user?: string;
  /** An event id for de-duplication. */
  id?: string;
  text?: string;
  payload?: string;
}

/** A test platform event. */
export class TestEvent implements BotEvent<TestRawEvent> {
  constructor(readonly rawEvent: TestRawEvent) {}
  get isMessage(): boolean {
    return this.rawEvent.text !== undefined;
  }
  get isText(): boolean {
    return this.rawEvent.text !== undefined;
  }
  get text(): string | undefined {
    return this.rawEvent.text;
  }
  get isPayload(): boolean {
    return this.rawEvent.payload !== undefined;
  }
  get payload(): string | undefined {
    return this.rawEvent.payload;
  }
}

/** A reply the test platform "sent". */
export interface TestReply {
  sessionKey: string | undefined;
  text: string;
}

/** Context of the test platform: replies are queued and flushed after the commit, like LINE's. */
export class TestContext<State extends AnyState = AnyState> extends Context<State, TestEvent> {
  readonly #queued: string[] = [];
  constructor(
    init: ContextInit<State, TestEvent>,
    private readonly sink: TestReply[],
  ) {
    super(init);
    this.#answer = init.answer;
  }
  readonly #answer: ContextInit<State, TestEvent>['answer'];
  async sendText(text: string): Promise<void> {
    this.#queued.push(text);
  }
  /**
   * Sets the body of the webhook answer (as Slack's `response_action` would). Throws
   * `AnswerTooLateError` once the event was acknowledged at its deadline without it.
   */
  answer(body: unknown): void {
    if (!this.#answer) throw new Error('this test event has no answer to set');
    this.#answer.set(body);
  }
  override [discardContext](): void {
    this.#queued.length = 0;
  }
  override async [flushContext](): Promise<void> {
    for (const text of this.#queued.splice(0)) this.sink.push({ sessionKey: this.event.rawEvent.user, text });
  }
}

/**
 * A minimal platform for tests, examples and benchmarks of the runtime itself: JSON bodies with a
 * shared-secret header instead of a signature. Not for production.
 */
export class TestConnector implements Connector<TestEvent, TestContext>, ConnectorTransports<TestEvent> {
  readonly platform: string;
  /** How long the test platform waits for an answer, when given (as Slack's 3 s). */
  readonly answerDeadlineMs: number | undefined;
  /** Every reply sent, in order. */
  readonly replies: TestReply[] = [];
  readonly #secret: string | undefined;

  constructor(options: { platform?: string; secret?: string; answerDeadlineMs?: number } = {}) {
    this.platform = options.platform ?? 'test';
    this.#secret = options.secret;
    this.answerDeadlineMs = options.answerDeadlineMs;
  }

  receive(request: WebhookRequest): ReceivedWebhook<TestEvent> {
    if (this.#secret !== undefined && request.headers['x-test-secret'] !== this.#secret) {
      throw new WebhookError(401, 'invalid signature');
    }
    let body: unknown;
    try {
      body = JSON.parse(request.rawBody.toString('utf8'));
    } catch {
      throw new WebhookError(400, 'body is not valid JSON');
    }
    const events = (body as { events?: unknown })?.events;
    if (!Array.isArray(events) || !events.every((e) => typeof e === 'object' && e !== null && !Array.isArray(e))) {
      throw new WebhookError(400, 'body must be {"events": [{...}, ...]}');
    }
    return { events: events.map((raw) => new TestEvent(raw as TestRawEvent)) };
  }

  sessionKey(event: TestEvent): string | undefined {
    return event.rawEvent.user;
  }

  eventId(event: TestEvent): string | undefined {
    return event.rawEvent.id;
  }

  /** Rebuilds a held event from its raw JSON. */
  restoreEvent(rawEvent: unknown): TestEvent {
    if (typeof rawEvent !== 'object' || rawEvent === null) throw new TypeError('a test event is an object');
    return new TestEvent(rawEvent as TestRawEvent);
  }

  createContext(init: ContextInit<AnyState, TestEvent>): TestContext {
    return new TestContext(init, this.replies);
  }

  /** Replies sent to one session key. */
  repliesTo(sessionKey: string): string[] {
    return this.replies.filter((r) => r.sessionKey === sessionKey).map((r) => r.text);
  }
}
