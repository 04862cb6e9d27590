import { messagingApi } from '@line/bot-sdk';
import {
  type AnyState,
  type Connector,
  type ConnectorTransports,
  type ContextInit,
  type ReceivedWebhook,
  WebhookError,
  type WebhookRequest,
} from 'bottender/connector';

import { ChatClient } from './chat-client';
import { LineContext, type LineContextServices } from './context';
import { LineEvent } from './event';
import { checkChannelSecrets, type LineChannelOptions, type ResolvedLineOptions, resolveLineOptions } from './options';
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
  readonly #options: ResolvedLineOptions;
  /** Per-channel parts of events received through `getConfig` / `getSessionKeyPrefix` (1.x's multi-channel bots). */
  readonly #channelOf = new WeakMap<LineEvent, { services: LineContextServices; prefix: string }>();
  /** The clients of each channel `getConfig` named, by access token. */
  readonly #byToken = new Map<string, { replies: ReplyClient; services: LineContextServices }>();

  /** Throws a TypeError naming the key when `options` is not usable. */
  constructor(options: LineChannelOptions) {
    const resolved = resolveLineOptions(options);
    this.#options = resolved;
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
  receive(request: WebhookRequest): ReceivedWebhook<LineEvent> | Promise<ReceivedWebhook<LineEvent>> {
    if (this.#options.getConfig === undefined && this.#options.getSessionKeyPrefix === undefined) {
      return { events: parseLineWebhook(request, this.#channelSecret) };
    }
    return this.#receiveForChannel(request);
  }

  /** A webhook of one of several channels: its secret and token from `getConfig`, its session prefix. */
  async #receiveForChannel(request: WebhookRequest): Promise<ReceivedWebhook<LineEvent>> {
    const requestContext = { params: { ...request.params } };
    let secret = this.#channelSecret;
    let services = this.#services;
    const { getConfig, getSessionKeyPrefix } = this.#options;
    if (getConfig) {
      const config = await getConfig(requestContext);
      if (config === undefined || config === null) throw new WebhookError(404, 'no LINE channel at this path');
      const secrets = checkChannelSecrets(config);
      secret = secrets.channelSecret;
      services = this.#servicesFor(secrets.accessToken);
    }
    const events = parseLineWebhook(request, secret);
    for (const event of events) {
      const prefix = getSessionKeyPrefix ? getSessionKeyPrefix(event, requestContext) : '';
      if (typeof prefix !== 'string') throw new TypeError('channels.line.getSessionKeyPrefix must return a string');
      this.#channelOf.set(event, { services, prefix });
    }
    return { events };
  }

  #servicesFor(accessToken: string): LineContextServices {
    if (accessToken === this.#options.accessToken) return this.#services;
    let channel = this.#byToken.get(accessToken);
    if (!channel) {
      const replies = new ReplyClient(this.#options.origin, accessToken);
      const sdk = new messagingApi.MessagingApiClient({ channelAccessToken: accessToken, baseURL: this.#options.origin });
      channel = {
        replies,
        services: { ...this.#services, replies, profiles: new ProfileClient(sdk), chats: new ChatClient(sdk) },
      };
      this.#byToken.set(accessToken, channel);
    }
    return channel.services;
  }

  /** The user, group or room id; undefined for events without a usable source (no session). */
  sessionKey(event: LineEvent): string | undefined {
    const key = event.conversationId;
    const prefix = this.#channelOf.get(event)?.prefix;
    return key === undefined || !prefix ? key : prefix + key;
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
    return new LineContext(init, this.#channelOf.get(init.event)?.services ?? this.#services);
  }

  /** Closes the reply connections once calls in flight are done. */
  async close(): Promise<void> {
    await Promise.all([this.#replies.close(), ...[...this.#byToken.values()].map((channel) => channel.replies.close())]);
  }
}

/**
 * The factory the config loader calls with the `channels.line` object of `bottender.config.ts`.
 * `path` and `enabled` are the core's and are ignored here.
 */
export function createConnector(options: LineChannelOptions): LineConnector {
  return new LineConnector(options);
}
