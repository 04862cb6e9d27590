import type { messagingApi } from '@line/bot-sdk';
import { type AnyState, Context, type ContextInit, discardContext, flushContext } from 'bottender';

import type { LineEvent } from './event';
import { Outbox } from './outbox';
import type { ProfileClient, LineUserProfile } from './profile-client';
import type { LineMessage, ReplyClient } from './reply-client';

/** What any message may carry besides its content. */
export type LineMessageOptions = {
  /** Buttons shown above the keyboard; LINE shows them for the last message of a reply. */
  quickReply?: messagingApi.QuickReply;
  /** Another name and icon for this message. */
  sender?: messagingApi.Sender;
};

/** Options of a text message. A type alias (not an interface) so it fits `Context.sendText`. */
export type LineTextOptions = LineMessageOptions & {
  /** LINE emoji placed at `$` characters of the text. */
  emojis?: messagingApi.Emoji[];
  /** Quote a message: the `quoteToken` of a message event's message. */
  quoteToken?: string;
};

/** LINE's limit on the length of a text message, in UTF-16 code units. */
export const MAX_TEXT_LENGTH = 5000;

/** Everything a {@link LineContext} needs from its connector. */
export interface LineContextServices {
  replies: ReplyClient;
  profiles: ProfileClient;
  pushFallback: boolean;
}

/**
 * The handler's context for LINE events.
 *
 * Sending methods queue; the runtime sends the queue as one reply once the event's state is
 * saved (or, when the handler threw, once the error hook ran), so one event costs one API call
 * (see {@link Outbox} for what happens past 5 messages or without a usable reply token). Content is checked when it
 * is queued, so a message LINE would refuse fails inside the handler, where the author sees it.
 */
export class LineContext<State extends AnyState = AnyState> extends Context<State, LineEvent> {
  readonly #outbox: Outbox;
  readonly #profiles: ProfileClient;

  constructor(init: ContextInit<State, LineEvent>, services: LineContextServices) {
    super(init);
    this.#outbox = new Outbox(init.event, services.replies, services.pushFallback);
    this.#profiles = services.profiles;
  }

  /** Sends a text message (at most 5000 characters). */
  async sendText(text: string, options?: LineTextOptions): Promise<void> {
    if (typeof text !== 'string' || text === '') {
      throw new TypeError(`context.sendText() needs a non-empty string, got ${describe(text)}`);
    }
    if (text.length > MAX_TEXT_LENGTH) {
      throw new RangeError(
        `context.sendText() got ${text.length} characters; a LINE text message holds at most ${MAX_TEXT_LENGTH}`,
      );
    }
    const message: messagingApi.TextMessage = { type: 'text', text };
    if (options?.emojis !== undefined) message.emojis = options.emojis;
    if (options?.quoteToken !== undefined) message.quoteToken = options.quoteToken;
    this.#outbox.add('sendText', [withOptions(message, options)]);
  }

  /** Sends a sticker: ids from LINE's list of stickers bots may send. */
  async sendSticker(sticker: { packageId: string; stickerId: string }, options?: LineMessageOptions): Promise<void> {
    requireString(sticker?.packageId, 'sendSticker', 'packageId');
    requireString(sticker?.stickerId, 'sendSticker', 'stickerId');
    const message: messagingApi.StickerMessage = {
      type: 'sticker',
      packageId: sticker.packageId,
      stickerId: sticker.stickerId,
    };
    this.#outbox.add('sendSticker', [withOptions(message, options)]);
  }

  /** Sends an image: both URLs must be HTTPS (LINE fetches them). */
  async sendImage(
    image: { originalContentUrl: string; previewImageUrl: string },
    options?: LineMessageOptions,
  ): Promise<void> {
    requireHttpsUrl(image?.originalContentUrl, 'sendImage', 'originalContentUrl');
    requireHttpsUrl(image?.previewImageUrl, 'sendImage', 'previewImageUrl');
    const message: messagingApi.ImageMessage = {
      type: 'image',
      originalContentUrl: image.originalContentUrl,
      previewImageUrl: image.previewImageUrl,
    };
    this.#outbox.add('sendImage', [withOptions(message, options)]);
  }

  /** Sends a Flex Message; `altText` is what notifications and old clients show. */
  async sendFlex(altText: string, contents: messagingApi.FlexContainer, options?: LineMessageOptions): Promise<void> {
    requireString(altText, 'sendFlex', 'altText');
    const type = (contents as { type?: unknown } | null)?.type;
    if (type !== 'bubble' && type !== 'carousel') {
      throw new TypeError('context.sendFlex() needs contents of type "bubble" or "carousel"');
    }
    const message: messagingApi.FlexMessage = { type: 'flex', altText, contents };
    this.#outbox.add('sendFlex', [withOptions(message, options)]);
  }

  /**
   * Sends any message objects of the Messaging API (template, video, location, imagemap, ...),
   * queued with the others; the escape hatch for kinds without their own method.
   */
  async send(messages: LineMessage | readonly LineMessage[]): Promise<void> {
    const list: readonly LineMessage[] = Array.isArray(messages) ? messages : [messages as LineMessage];
    for (const message of list) {
      if (typeof (message as { type?: unknown } | null)?.type !== 'string') {
        throw new TypeError('context.send() needs LINE message objects, each with a string "type"');
      }
    }
    this.#outbox.add('send', list);
  }

  /**
   * The profile of the user behind the event (display name, picture, ...), asked of LINE now.
   * Null when LINE did not say who the user is (a group member who did not consent, or an event
   * without a user). Throws {@link LineApiError} when LINE refuses, e.g. 404 for a user who
   * blocked the bot.
   */
  getUserProfile(): Promise<LineUserProfile | null> {
    return this.#profiles.profileOf(this.event.source);
  }

  /** @internal drops the queued messages; the runtime calls it when the handler throws. */
  override [discardContext](): void {
    this.#outbox.clear();
  }

  /** @internal sends the queued messages; the runtime calls it after the commit. */
  override async [flushContext](): Promise<void> {
    await this.#outbox.flush();
  }
}

function withOptions<M extends LineMessage>(message: M, options: LineMessageOptions | undefined): M {
  if (options?.quickReply !== undefined) message.quickReply = options.quickReply;
  if (options?.sender !== undefined) message.sender = options.sender;
  return message;
}

function requireString(value: unknown, method: string, key: string): void {
  if (typeof value !== 'string' || value === '') {
    throw new TypeError(`context.${method}() needs ${key} as a non-empty string, got ${describe(value)}`);
  }
}

function requireHttpsUrl(value: unknown, method: string, key: string): void {
  requireString(value, method, key);
  if (!(value as string).startsWith('https://')) {
    throw new TypeError(`context.${method}() needs ${key} as an https:// URL (LINE only fetches HTTPS)`);
  }
}

function describe(value: unknown): string {
  if (value === '') return 'an empty string';
  if (value === null || value === undefined) return String(value);
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}
