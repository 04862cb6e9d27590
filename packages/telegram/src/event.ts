import { addCamelCaseAliases, type BotEvent } from 'bottender/connector';
import type { Chat, Message, User } from 'node-telegram-bot-api';

import { installOneXEventGetters, type OneXEventGetters } from './one-x-event';
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

export type { TelegramCommand } from './one-x-event';

/**
 * The getters of Bottender 1.x's TelegramEvent (see {@link OneXEventGetters}; installed by
 * {@link installOneXEventGetters}), declared here so TypeScript knows them on every event.
 */
export interface TelegramEvent extends OneXEventGetters {}

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
}

installOneXEventGetters(TelegramEvent);

function safeId(update: UpdateOf<'message'>, key: 'migrate_from_chat_id' | 'migrate_to_chat_id'): number | undefined {
  const id = update.message?.[key];
  return typeof id === 'number' && Number.isSafeInteger(id) ? id : undefined;
}
