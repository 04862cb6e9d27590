import { messagingApi } from '@line/bot-sdk';
import type { AnyState, Connector, ConnectorTransports, ContextInit, ReceivedWebhook, WebhookRequest } from 'bottender/connector';

import { ChatClient } from './chat-client';
import { LineContext, type LineContextServices } from './context';
import { LineEvent } from './event';
import { type LineChannelOptions, resolveLineOptions } from './options';
import { ProfileClient } from './profile-client';
import { ReplyClient } from './reply-client';
import { parseLineWebhook } from './webhook';

/**
 * LINE for the Bottender runtime: verifies and parses webhooks, keys sessions by conversation,
 * de-duplicates by `webhookEventId`, and builds {@link LineContext}s that reply after the commit.
 *
 * Sessions: a one-to-one chat is keyed by the user id, a group chat by the group id, a room by
 * the room id (`line:U…`, `line:C…`, `line:R…`). Every member of a group shares its state.
 */
export class LineConnector implements Connector<LineEvent, LineContext>, ConnectorTransports<LineEvent> {
  readonly platform = 'line';
  readonly #channelSecret: string;
  readonly #replies: ReplyClient;
  readonly #services: LineContextServices;
  readonly #sdk: messagingApi.MessagingApiClient;

  /** Throws a TypeError naming the key when `options` is not usable. */
  constructor(options: LineChannelOptions) {
    const resolved = resolveLineOptions(options);
    this.#channelSecret = resolved.channelSecret;
    this.#replies = new ReplyClient(resolved.origin, resolved.accessToken);
    // The SDK's client for the rare calls (profiles, groups, rich menus); replies have their own.
    const sdk = new messagingApi.MessagingApiClient({ channelAccessToken: resolved.accessToken, baseURL: resolved.origin });
    this.#sdk = sdk;
    this.#services = {
      replies: this.#replies,
      profiles: new ProfileClient(sdk),
      chats: new ChatClient(sdk),
      pushFallback: resolved.pushFallback,
      sendMethod: resolved.sendMethod,
    };
  }

  /** The SDK's Messaging API client with this channel's token (what `getClient('line')` gives). */
  get client(): messagingApi.MessagingApiClient {
    return this.#sdk;
  }

  /** 401 for a missing or wrong X-Line-Signature, 400 for a body that is not a LINE webhook. */
  receive(request: WebhookRequest): ReceivedWebhook<LineEvent> {
    return { events: parseLineWebhook(request, this.#channelSecret) };
  }

  /** The user, group or room id; undefined for events without a usable source (no session). */
  sessionKey(event: LineEvent): string | undefined {
    return event.conversationId;
  }

  /** LINE's `webhookEventId`: a redelivery repeats it, so the event runs once. */
  eventId(event: LineEvent): string | undefined {
    return event.id;
  }

  /**
   * Rebuilds an event held in the store (acknowledged at a deadline before its commit) from its
   * raw JSON. LINE declares no answer deadline, so this only runs when a deadline was given per
   * dispatch; the webhook's `destination` is not kept with the event and is empty here.
   */
  restoreEvent(rawEvent: unknown): LineEvent {
    if (typeof rawEvent !== 'object' || rawEvent === null || typeof (rawEvent as { type?: unknown }).type !== 'string') {
      throw new TypeError('a held LINE event must be an object with a string "type"');
    }
    return new LineEvent(rawEvent as LineEvent['rawEvent'], '');
  }

  createContext(init: ContextInit<AnyState, LineEvent>): LineContext {
    return new LineContext(init, this.#services);
  }

  /** Closes the reply connections once calls in flight are done. */
  async close(): Promise<void> {
    await this.#replies.close();
  }
}

/**
 * The factory the config loader calls with the `channels.line` object of `bottender.config.ts`.
 * `path` and `enabled` are the core's and are ignored here.
 */
export function createConnector(options: LineChannelOptions): LineConnector {
  return new LineConnector(options);
}
