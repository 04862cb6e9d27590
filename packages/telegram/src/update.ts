import type { Chat, Message, Update, UpdateType } from 'node-telegram-bot-api';

/** One update exactly as Telegram sent it (the SDK's union; new types may appear at runtime). */
export type TelegramUpdate = Update;
/** The update types of the Bot API this package knows: `message`, `callback_query`, ... */
export type TelegramUpdateType = UpdateType;
/** The update of one type: `UpdateOf<'callback_query'>` has a `callback_query`. */
export type UpdateOf<T extends TelegramUpdateType> = Extract<Update, Record<T, unknown>>;
/** The object an update of type `T` carries: `PayloadOf<'message'>` is a `Message`. */
export type PayloadOf<T extends TelegramUpdateType> = UpdateOf<T> extends Record<T, infer P> ? P : never;

/** Update types whose object is a `Message` in a chat. */
const MESSAGE_TYPES = new Set<string>([
  'message',
  'edited_message',
  'channel_post',
  'edited_channel_post',
  'business_message',
  'edited_business_message',
  'guest_message',
]);

/** Where each update type keeps the chat its conversation happens in. */
type ChatRule = (payload: Record<string, unknown>) => unknown;

const chatOf: ChatRule = (p) => (p.chat as Chat | undefined)?.id;
const senderOf: ChatRule = (p) => (p.from as { id?: unknown } | undefined)?.id;
const userOf: ChatRule = (p) => (p.user as { id?: unknown } | undefined)?.id;

/**
 * The session key of every update type of the Bot API: the id of the chat the update belongs to.
 * Updates about a user outside any chat (inline queries, payments, ...) use the user's private
 * chat, whose id is the user's id. docs/platforms/telegram.md has the same table.
 */
const CHAT_RULES: Readonly<Record<TelegramUpdateType, ChatRule | null>> = {
  message: (p) => (p as Message).migrate_to_chat_id ?? chatOf(p),
  edited_message: chatOf,
  channel_post: chatOf,
  edited_channel_post: chatOf,
  business_connection: (p) => p.user_chat_id,
  business_message: chatOf,
  edited_business_message: chatOf,
  deleted_business_messages: chatOf,
  guest_message: chatOf,
  message_reaction: chatOf,
  message_reaction_count: chatOf,
  inline_query: senderOf,
  chosen_inline_result: senderOf,
  // The chat of the message with the button; an inline message's button: the user's private chat.
  callback_query: (p) => chatOf((p.message as Record<string, unknown> | undefined) ?? {}) ?? senderOf(p),
  shipping_query: senderOf,
  pre_checkout_query: senderOf,
  purchased_paid_media: senderOf,
  // A poll's new state is about the poll, not a chat: no session.
  poll: null,
  poll_answer: (p) => (p.voter_chat as Chat | undefined)?.id ?? userOf(p),
  my_chat_member: chatOf,
  chat_member: chatOf,
  chat_join_request: chatOf,
  chat_boost: chatOf,
  removed_chat_boost: chatOf,
  managed_bot: userOf,
  subscription: userOf,
  stopped_message_generation: chatOf,
};

/** True for the update types this package knows. */
export function isKnownUpdateType(type: string): type is TelegramUpdateType {
  return Object.prototype.hasOwnProperty.call(CHAT_RULES, type);
}

/** True when updates of `type` carry a `Message` (`message`, `channel_post`, ...). */
export function isMessageType(type: string): boolean {
  return MESSAGE_TYPES.has(type);
}

/**
 * The type of an update: its one field besides `update_id`. A known type wins if an update
 * carries several (Telegram never sends that); an update with none is `unknown`.
 */
export function updateTypeOf(update: Record<string, unknown>): string {
  let other: string | undefined;
  for (const key in update) {
    if (key === 'update_id' || !Object.prototype.hasOwnProperty.call(update, key)) continue;
    if (isKnownUpdateType(key)) return key;
    other ??= key;
  }
  return other ?? 'unknown';
}

/**
 * The id of the chat an update belongs to, or undefined when it belongs to none (a `poll`, an
 * update type this package does not know, or an object without the id where Telegram puts it).
 * Only safe integers count: anything else in an id field is not Telegram's and keys nothing.
 */
export function chatIdOf(type: string, payload: unknown): number | undefined {
  if (!isKnownUpdateType(type) || typeof payload !== 'object' || payload === null) return undefined;
  const rule = CHAT_RULES[type];
  const id = rule?.(payload as Record<string, unknown>);
  return typeof id === 'number' && Number.isSafeInteger(id) ? id : undefined;
}
