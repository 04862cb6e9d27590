import { addCamelCaseAliases, type BotEvent } from 'bottender/connector';
import type {
  Audio,
  CallbackQuery,
  Chat,
  ChosenInlineResult,
  Contact,
  Document,
  Game,
  InlineQuery,
  Location,
  Message,
  PhotoSize,
  Poll,
  PollAnswer,
  PreCheckoutQuery,
  ShippingQuery,
  Sticker,
  User,
  Venue,
  Video,
  VideoNote,
  Voice,
} from 'node-telegram-bot-api';

import {
  chatIdOf,
  isKnownUpdateType,
  isMessageType,
  type PayloadOf,
  type TelegramUpdate,
  type TelegramUpdateType,
  type UpdateOf,
  updateTypeOf,
} from './update';

/** A bot command at the start of a text: `/start ref42` is `{ name: 'start', payload: 'ref42' }`. */
export interface TelegramCommand {
  /** The command without the slash, as typed (`start`). */
  name: string;
  /** What follows the command, trimmed (`ref42` of `/start ref42`); '' when nothing does. */
  payload: string;
  /** The bot named in `/start@MyBot`, when one is. */
  botUsername?: string;
}

// Telegram's rule: a slash, then 1 to 32 latin letters, digits and underscores.
const COMMAND = /^\/([A-Za-z0-9_]{1,32})(?:@([A-Za-z0-9_]{1,64}))?(?:\s+([\s\S]*))?$/;

/**
 * A Telegram update as the handler sees it: the update as Telegram sent it (`rawEvent`) plus
 * shortcuts. `event.is('callback_query')` narrows `rawEvent`; `event.get('message')` returns one
 * type's object or undefined; the getters of Bottender 1.x's TelegramEvent (`callbackQuery`,
 * `isPhoto`, ...) are here with their names and meanings.
 *
 * Getters read the update when asked: building an event costs one small object. The getters of
 * 1.x that return one of the update's objects (`message`, `callbackQuery`, `inlineQuery`,
 * `chosenInlineResult`, `photo`, ...) return Telegram's object with 1.x's camelCase names added,
 * as `rawEvent` does, because 1.x handlers read them so
 * (`event.callbackQuery.message.messageId`, `event.chosenInlineResult.resultId`); only the object
 * returned is given them, when it is first asked for. The `is…` getters, `text`, `payload` and
 * the runtime's reads add nothing.
 */
export class TelegramEvent implements BotEvent<TelegramUpdate> {
  /** The update type: `message`, `callback_query`, ... or one this package does not know. */
  readonly type: TelegramUpdateType | (string & {});
  /** The update as received; the getters read it here, so they never pay for the aliases. */
  readonly #update: TelegramUpdate;
  #aliased = false;

  constructor(rawEvent: TelegramUpdate) {
    this.#update = rawEvent;
    this.type = updateTypeOf(rawEvent as unknown as Record<string, unknown>);
  }

  /**
   * The update as Telegram sent it, readable under Bottender 1.x's camelCase names too:
   * `rawEvent.callback_query.message.message_id` and `rawEvent.callbackQuery.message.messageId`
   * are the same value, as are `rawEvent.poll_answer.option_ids` and
   * `rawEvent.pollAnswer.optionIds` (1.x camel-cased the whole request body). The camelCase
   * names are added on the first read of `rawEvent` (the `is…` getters, `text`, `payload` and
   * the runtime's reads do not read it; 1.x's object getters give them to the object they return),
   * as non-enumerable getters: `JSON.stringify(rawEvent)`, `Object.keys` and spreading see only
   * Telegram's names, and the update stays what Telegram sent.
   *
   * The type describes Telegram's names only; the camelCase names are untyped (a TypeScript
   * handler reads them through `any`, or better uses Telegram's names, which `event.is()`
   * narrows).
   */
  get rawEvent(): TelegramUpdate {
    if (!this.#aliased) {
      this.#aliased = true;
      addCamelCaseAliases(this.#update);
    }
    return this.#update;
  }

  /** Telegram's `update_id`: increasing, and repeated when Telegram sends the update again. */
  get updateId(): number {
    return this.#update.update_id;
  }

  /** The event id the runtime de-duplicates by: `update_id` as a string. */
  get id(): string {
    return String(this.#update.update_id);
  }

  /** True when `type` is an update type of the Bot API this package knows. */
  get isKnownType(): boolean {
    return isKnownUpdateType(this.type);
  }

  /** Narrows the event to one update type: `if (event.is('message')) event.rawEvent.message.chat`. */
  is<T extends TelegramUpdateType>(type: T): this is TelegramEvent & { readonly rawEvent: UpdateOf<T> } {
    return this.type === type;
  }

  /** The object of an update of `type` (`event.get('callback_query')?.data`), otherwise undefined. */
  get<T extends TelegramUpdateType>(type: T): PayloadOf<T> | undefined {
    if (this.type !== type) return undefined;
    return (this.#update as unknown as Record<string, unknown>)[type] as PayloadOf<T> | undefined;
  }

  /** The object the update carries, whatever its type (for types this package does not know too). */
  get payloadObject(): Record<string, unknown> | undefined {
    const value = (this.#update as unknown as Record<string, unknown>)[this.type];
    return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : undefined;
  }

  /**
   * The chat the update belongs to, which keys its session (see docs/platforms/telegram.md):
   * the message's chat, the user's private chat for inline queries and payments, the voter for a
   * poll answer, undefined for a `poll` and for unknown types. For the old group's message about
   * its upgrade (`migrate_to_chat_id`), the supergroup: the conversation goes on there.
   */
  get chatId(): number | undefined {
    return chatIdOf(this.type, this.payloadObject);
  }

  /**
   * The message of any message update (`message`, `edited_message`, `channel_post`,
   * `business_message`, ...) or the message a callback query's button is on, when Telegram
   * still gives it.
   */
  get anyMessage(): Message | undefined {
    const payload = this.payloadObject;
    if (payload === undefined) return undefined;
    if (isMessageType(this.type)) return payload as unknown as Message;
    if (this.type === 'callback_query') {
      const message = payload.message as Message | undefined;
      // An InaccessibleMessage (too old, or deleted) has date 0 and nothing else worth reading.
      return message && message.date !== 0 ? message : undefined;
    }
    return undefined;
  }

  /** The chat object of the update, when it has one. */
  get chat(): Chat | undefined {
    const payload = this.payloadObject;
    const chat = (payload?.chat ?? (payload?.message as { chat?: unknown } | undefined)?.chat) as Chat | undefined;
    return typeof chat === 'object' && chat !== null ? chat : undefined;
  }

  /** The user behind the update (the sender, the one who pressed, voted, joined, ...), when named. */
  get from(): User | undefined {
    const payload = this.payloadObject;
    const user = (payload?.from ?? payload?.user) as User | undefined;
    return typeof user === 'object' && user !== null ? user : undefined;
  }

  /**
   * The forum topic (or private-chat topic) the message is in, for sending into the same topic.
   * Only for topic messages: a reply thread in a plain supergroup is not a topic.
   */
  get threadId(): number | undefined {
    const message = this.anyMessage;
    return message?.is_topic_message === true && typeof message.message_thread_id === 'number'
      ? message.message_thread_id
      : undefined;
  }

  /** The business connection a business update came through; answers must name it. */
  get businessConnectionId(): string | undefined {
    const id = this.anyMessage?.business_connection_id ?? this.payloadObject?.business_connection_id;
    return typeof id === 'string' && id !== '' ? id : undefined;
  }

  /** For the first message of a supergroup that was a group: the old group's chat id. */
  get migrateFromChatId(): number | undefined {
    return this.type === 'message' ? safeId(this.#update as UpdateOf<'message'>, 'migrate_from_chat_id') : undefined;
  }

  /** For the old group's last message: the supergroup it became. */
  get migrateToChatId(): number | undefined {
    return this.type === 'message' ? safeId(this.#update as UpdateOf<'message'>, 'migrate_to_chat_id') : undefined;
  }

  /** Epoch ms of the message (or of the update's `date`), else of when the event was read. */
  get timestamp(): number {
    const date = (this.anyMessage?.date ?? this.payloadObject?.date) as number | undefined;
    return typeof date === 'number' && date > 0 ? date * 1000 : Date.now();
  }

  // --- Bottender 1.x's TelegramEvent --------------------------------------------------------

  /** A `message` update (not edited, not a channel post), as in 1.x. */
  get isMessage(): boolean {
    return this.type === 'message';
  }

  /** The message of a `message` update (with 1.x's camelCase names too), otherwise undefined. */
  get message(): Message | undefined {
    return oneX(this.get('message'));
  }

  /** A `message` with text. */
  get isText(): boolean {
    return typeof this.get('message')?.text === 'string';
  }

  /** The text of a `message`, otherwise undefined. */
  get text(): string | undefined {
    const text = this.get('message')?.text;
    return typeof text === 'string' ? text : undefined;
  }

  /** A text `message` that starts with a bot command (`/start`, `/help@MyBot args`). */
  get isCommand(): boolean {
    return this.command !== undefined;
  }

  /** The command a text `message` starts with, e.g. `/start ref42`; otherwise undefined. */
  get command(): TelegramCommand | undefined {
    const text = this.text;
    if (text === undefined || text.charCodeAt(0) !== 47 /* / */) return undefined;
    const match = COMMAND.exec(text);
    if (!match) return undefined;
    const command: TelegramCommand = { name: match[1], payload: (match[3] ?? '').trim() };
    if (match[2] !== undefined) command.botUsername = match[2];
    return command;
  }

  /** A `message` that replies to another. */
  get isReplyToMessage(): boolean {
    return typeof this.get('message')?.reply_to_message === 'object';
  }

  /** The message a `message` replies to, otherwise undefined. */
  get replyToMessage(): Message | undefined {
    return oneX(this.get('message')?.reply_to_message);
  }

  get isAudio(): boolean {
    return objectOf(this.get('message')?.audio) !== undefined;
  }
  /** The audio of a `message`. */
  get audio(): Audio | undefined {
    return oneX(objectOf(this.get('message')?.audio));
  }

  get isDocument(): boolean {
    return objectOf(this.get('message')?.document) !== undefined;
  }
  /** The document (a file) of a `message`. */
  get document(): Document | undefined {
    return oneX(objectOf(this.get('message')?.document));
  }

  get isGame(): boolean {
    return objectOf(this.get('message')?.game) !== undefined;
  }
  get game(): Game | undefined {
    return oneX(objectOf(this.get('message')?.game));
  }

  get isPhoto(): boolean {
    return photoOf(this.get('message')) !== undefined;
  }
  /** The sizes of the photo of a `message`, smallest first (the last is the largest), as in 1.x. */
  get photo(): PhotoSize[] | undefined {
    return oneX(photoOf(this.get('message')));
  }

  get isSticker(): boolean {
    return objectOf(this.get('message')?.sticker) !== undefined;
  }
  get sticker(): Sticker | undefined {
    return oneX(objectOf(this.get('message')?.sticker));
  }

  get isVideo(): boolean {
    return objectOf(this.get('message')?.video) !== undefined;
  }
  get video(): Video | undefined {
    return oneX(objectOf(this.get('message')?.video));
  }

  get isVoice(): boolean {
    return objectOf(this.get('message')?.voice) !== undefined;
  }
  get voice(): Voice | undefined {
    return oneX(objectOf(this.get('message')?.voice));
  }

  get isVideoNote(): boolean {
    return objectOf(this.get('message')?.video_note) !== undefined;
  }
  get videoNote(): VideoNote | undefined {
    return oneX(objectOf(this.get('message')?.video_note));
  }

  get isContact(): boolean {
    return objectOf(this.get('message')?.contact) !== undefined;
  }
  get contact(): Contact | undefined {
    return oneX(objectOf(this.get('message')?.contact));
  }

  get isLocation(): boolean {
    return objectOf(this.get('message')?.location) !== undefined;
  }
  get location(): Location | undefined {
    return oneX(objectOf(this.get('message')?.location));
  }

  get isVenue(): boolean {
    return objectOf(this.get('message')?.venue) !== undefined;
  }
  get venue(): Venue | undefined {
    return oneX(objectOf(this.get('message')?.venue));
  }

  get isEditedMessage(): boolean {
    return this.type === 'edited_message';
  }
  get editedMessage(): Message | undefined {
    return oneX(this.get('edited_message'));
  }

  get isChannelPost(): boolean {
    return this.type === 'channel_post';
  }
  get channelPost(): Message | undefined {
    return oneX(this.get('channel_post'));
  }

  get isEditedChannelPost(): boolean {
    return this.type === 'edited_channel_post';
  }
  get editedChannelPost(): Message | undefined {
    return oneX(this.get('edited_channel_post'));
  }

  get isInlineQuery(): boolean {
    return this.type === 'inline_query';
  }
  get inlineQuery(): InlineQuery | undefined {
    return oneX(this.get('inline_query'));
  }

  get isChosenInlineResult(): boolean {
    return this.type === 'chosen_inline_result';
  }
  get chosenInlineResult(): ChosenInlineResult | undefined {
    return oneX(this.get('chosen_inline_result'));
  }

  get isCallbackQuery(): boolean {
    return this.type === 'callback_query';
  }
  get callbackQuery(): CallbackQuery | undefined {
    return oneX(this.get('callback_query'));
  }

  /** A callback query (an inline keyboard button was pressed) is Bottender's payload event. */
  get isPayload(): boolean {
    return this.type === 'callback_query';
  }

  /** The pressed button's `callback_data`; undefined for other events and for game buttons. */
  get payload(): string | undefined {
    const data = this.get('callback_query')?.data;
    return typeof data === 'string' ? data : undefined;
  }

  get isShippingQuery(): boolean {
    return this.type === 'shipping_query';
  }
  get shippingQuery(): ShippingQuery | undefined {
    return oneX(this.get('shipping_query'));
  }

  get isPreCheckoutQuery(): boolean {
    return this.type === 'pre_checkout_query';
  }
  get preCheckoutQuery(): PreCheckoutQuery | undefined {
    return oneX(this.get('pre_checkout_query'));
  }

  /** A `poll` update: a poll's new state (it belongs to no chat, so to no session). */
  get isPoll(): boolean {
    return this.type === 'poll';
  }
  get poll(): Poll | undefined {
    return oneX(this.get('poll'));
  }

  get isPollAnswer(): boolean {
    return this.type === 'poll_answer';
  }
  get pollAnswer(): PollAnswer | undefined {
    return oneX(this.get('poll_answer'));
  }
}

/** `value` with 1.x's camelCase names added to it and to the objects inside it (see `rawEvent`). */
function oneX<T>(value: T | undefined): T | undefined {
  return value === undefined ? undefined : addCamelCaseAliases(value);
}

function photoOf(message: Message | undefined): PhotoSize[] | undefined {
  const photo = message?.photo;
  return Array.isArray(photo) && photo.length > 0 ? photo : undefined;
}

function objectOf<T>(value: T | undefined): T | undefined {
  return typeof value === 'object' && value !== null ? value : undefined;
}

function safeId(update: UpdateOf<'message'>, key: 'migrate_from_chat_id' | 'migrate_to_chat_id'): number | undefined {
  const id = update.message?.[key];
  return typeof id === 'number' && Number.isSafeInteger(id) ? id : undefined;
}
