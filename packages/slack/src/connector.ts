import type { WebClient } from '@slack/web-api';
import {
  type AnyState,
  consoleLogger,
  type Logger,
  type Connector,
  type ConnectorTransports,
  type ContextInit,
  type EventDispatcher,
  type ReceivedWebhook,
  type TransportKind,
  WebhookError,
  type WebhookRequest,
} from 'bottender/connector';

import { ChatClient } from './chat-client';
import { SlackContext, type SlackContextServices } from './context';
import { DmChannels } from './dm-channels';
import type { SlackEvent } from './event';
import { eventFromCommand, eventFromInteraction, eventsFromCallback, withoutBotMessages } from './inputs';
import { resolveSlackOptions, type ResolvedSlackOptions, type SlackChannelOptions } from './options';
import { runSocketMode } from './socket-mode';
import { createSlackTransport, type SlackTransport } from './transport';
import { createWebClient } from './web-api';
import { parseSlackWebhook } from './webhook';

/** How long Slack waits for the answer to any input before it shows an error or retries. */
export const SLACK_ANSWER_DEADLINE_MS = 3_000;

/**
 * Slack for the Bottender runtime: verifies and parses webhooks (or receives the same inputs over
 * Socket Mode), keys sessions by channel, de-duplicates by `event_id` and `trigger_id`, and builds
 * {@link SlackContext}s whose messages go out after the commit.
 *
 * Sessions: one per channel, DM or group DM (`slack:C…`, `slack:D…`, `slack:G…`); inputs that
 * name no channel belong to the user's DM with the app; with `sessionScope: 'thread'`, a threaded
 * message belongs to its thread (`slack:C…:1700000000.000100`).
 */
export class SlackConnector implements Connector<SlackEvent, SlackContext>, ConnectorTransports<SlackEvent> {
  readonly platform = 'slack';
  /** Slack's 3 seconds: the runtime answers before them and goes on handling. */
  readonly answerDeadlineMs = SLACK_ANSWER_DEADLINE_MS;
  readonly #options: ResolvedSlackOptions;
  readonly #transport: SlackTransport;
  readonly #client: WebClient;
  readonly #dms: DmChannels;
  readonly #services: SlackContextServices;
  readonly #now: () => number;
  readonly #logger: Logger;

  /** Throws a TypeError naming the key when `options` is not usable. */
  constructor(options: SlackChannelOptions, internals: { now?: () => number; logger?: Logger } = {}) {
    this.#options = resolveSlackOptions(options);
    this.#now = internals.now ?? Date.now;
    this.#logger = internals.logger ?? consoleLogger;
    this.#transport = createSlackTransport();
    this.#client = createWebClient(this.#options.origin, this.#options.accessToken, this.#transport);
    this.#dms = new DmChannels(this.#client);
    this.#services = {
      client: this.#client,
      chat: new ChatClient(this.#options.origin, this.#options.accessToken, this.#transport),
      transport: this.#transport,
      origin: this.#options.origin,
    };
  }

  /** The SDK's Web API client this connector uses (the bot token). */
  get client(): WebClient {
    return this.#client;
  }

  /**
   * 401 for a missing, malformed, stale or wrong signature (before the body is parsed), 400 for
   * a body that is not one of Slack's inputs, 503 when the DM channel of an input without a
   * channel cannot be found (Slack retries events; interactivity shows the user an error).
   */
  async receive(request: WebhookRequest): Promise<ReceivedWebhook<SlackEvent>> {
    const received = parseSlackWebhook(request, this.#options.signingSecret, this.#now());
    const events = withoutBotMessages(received.events, this.#options.includeBotMessages);
    try {
      for (const event of events) await this.#dms.resolve(event);
    } catch (error) {
      throw new WebhookError(503, "could not find the user's DM channel with the app; retry later", { cause: error });
    }
    return events === received.events ? received : { ...received, events };
  }

  /**
   * The channel (or the user's DM with the app), plus `:<thread_ts>` for threaded inputs with
   * `sessionScope: 'thread'`; undefined for inputs that name neither (no session), and for a modal
   * whose `private_metadata` is not JSON (its channel cannot be known).
   */
  sessionKey(event: SlackEvent): string | undefined {
    if (event.hasUnreadableMetadata) return undefined;
    const conversation = event.conversationId;
    if (conversation === undefined) return undefined;
    const thread = this.#options.sessionScope === 'thread' ? event.threadTs : undefined;
    return thread === undefined ? conversation : `${conversation}:${thread}`;
  }

  /** `event_id` for Events API events, `trigger_id` for interactivity and slash commands. */
  eventId(event: SlackEvent): string | undefined {
    return event.id;
  }

  createContext(init: ContextInit<AnyState, SlackEvent>): SlackContext {
    return new SlackContext(init, this.#services);
  }

  /** Receives over Socket Mode until `signal` aborts; needs `appToken`. */
  run(dispatcher: EventDispatcher<SlackEvent>, signal: AbortSignal): Promise<void> {
    const appToken = this.#options.appToken;
    if (appToken === undefined) {
      return Promise.reject(new Error('channels.slack.appToken (xapp-…) is needed to receive over Socket Mode'));
    }
    return runSocketMode(
      {
        appToken,
        origin: this.#options.origin,
        transport: this.#transport,
        includeBotMessages: this.#options.includeBotMessages,
        dms: this.#dms,
        warn: (message, error) => this.#logger.warn(error === undefined ? message : `${message}: ${(error as Error)?.message ?? String(error)}`),
      },
      dispatcher,
      signal,
    );
  }

  /** Socket Mode when `socketMode` says so, or under `bottender dev` with an `appToken`; else webhooks. */
  transport(mode: { dev: boolean }): TransportKind {
    const { socketMode, appToken } = this.#options;
    if (socketMode !== undefined) return socketMode ? 'loop' : 'webhook';
    return mode.dev && appToken !== undefined ? 'loop' : 'webhook';
  }

  /**
   * Rebuilds an event held at its deadline from its `rawEvent` (what Slack sent: a callback, an
   * interactivity payload or a command's fields; each says which it is). A held event has a
   * session already, so its DM channel is not asked again.
   */
  restoreEvent(rawEvent: unknown): SlackEvent {
    const raw = (typeof rawEvent === 'object' && rawEvent !== null ? rawEvent : {}) as Record<string, unknown>;
    if (raw.type === 'event_callback') return eventsFromCallback(raw, {})[0];
    if (typeof raw.command === 'string' && raw.type === undefined) return eventFromCommand(raw);
    return eventFromInteraction(raw);
  }

  /** Closes the Web API connections once calls in flight are done. */
  async close(): Promise<void> {
    await this.#transport.close();
  }
}

/**
 * The factory the config loader calls with the `channels.slack` object of `bottender.config.ts`.
 * `path` and `enabled` are the core's and are ignored here.
 */
export function createConnector(options: SlackChannelOptions): SlackConnector {
  return new SlackConnector(options);
}
