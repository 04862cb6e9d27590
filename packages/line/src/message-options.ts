import type { messagingApi } from '@line/bot-sdk';

import { describe, isObject, requireObject } from './checks';
import type { LineMessage } from './reply-client';

/**
 * The options argument every message method takes last: read by name (`quickReply`, `sender`;
 * text adds `emojis` and `quoteToken`), checked, and set on the message. Keys LINE does not know
 * are left out rather than sent.
 */

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

const MAX_QUICK_REPLY_ITEMS = 13;

/** The options argument as an object; 1.x accepted null and undefined for "none". */
export function readOptions(method: string, options: unknown): Record<string, unknown> {
  if (options === undefined || options === null) return {};
  if (!isObject(options)) {
    throw new TypeError(`context.${method}() needs options as an object ({ quickReply, sender, ... }), got ${describe(options)}`);
  }
  return options;
}

/** Sets the options on `message`, refusing a quick reply LINE would refuse (the usual 1.x slip is passing the items array itself). */
export function withOptions<M extends LineMessage>(message: M, method: string, options: Record<string, unknown>): M {
  if (options.quickReply !== undefined) {
    const items = isObject(options.quickReply) ? options.quickReply.items : undefined;
    if (!Array.isArray(items) || items.length < 1 || items.length > MAX_QUICK_REPLY_ITEMS) {
      throw new TypeError(
        `context.${method}() needs options.quickReply as { items: [...] } with 1 to ${MAX_QUICK_REPLY_ITEMS} items`,
      );
    }
    message.quickReply = options.quickReply as messagingApi.QuickReply;
  }
  if (options.sender !== undefined) message.sender = requireObject(options.sender, method, 'options.sender');
  return message;
}
