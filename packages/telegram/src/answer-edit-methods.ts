import type {
  AnswerCallbackQueryParams,
  AnswerInlineQueryParams,
  AnswerPreCheckoutQueryParams,
  AnswerShippingQueryParams,
  EditMessageCaptionParams,
  EditMessageMediaParams,
  EditMessageReplyMarkupParams,
  EditMessageTextParams,
  InlineKeyboardMarkup,
  InlineQueryResult,
  InputMedia,
} from 'node-telegram-bot-api';

import { checkOk, requireId, requireObject, requireString } from './checks';
import type { TelegramEvent } from './event';
import { inlineQueryResults } from './inline-results';
import { type CallQueue, chatTarget, queueCall } from './internal';
import { opts } from './options-arg';
import { snakeCaseKeys } from './snake-case';

/**
 * The methods of Bottender 1.x's TelegramContext that answer the update's query or change one of
 * the chat's messages. Each queues one Bot API call made after the commit (and not at all if the
 * handler throws); arguments are checked when queued, so a mistake fails inside the handler.
 */
export interface AnswerEditMethods {
  /** Answers the callback query (stops the button's spinner, may show a text or an alert). */
  answerCallbackQuery(options?: Omit<AnswerCallbackQueryParams, 'callback_query_id'> | null): Promise<void>;
  /**
   * Answers the inline query with results (an empty array shows none). Results may use 1.x's
   * camelCase keys and the thumbnail names of before Bot API 6.6 (`thumbUrl`), sent as today's
   * `thumbnail_url`.
   */
  answerInlineQuery(results: readonly InlineQueryResult[], options?: Omit<AnswerInlineQueryParams, 'inline_query_id' | 'results'> | null): Promise<void>;
  /** Answers the shipping query: `ok` with `shipping_options`, or not with an `error_message`. */
  answerShippingQuery(ok: boolean, options?: Omit<AnswerShippingQueryParams, 'shipping_query_id' | 'ok'> | null): Promise<void>;
  /** Answers the pre-checkout query (Telegram waits 10 seconds for it). */
  answerPreCheckoutQuery(ok: boolean, options?: Omit<AnswerPreCheckoutQueryParams, 'pre_checkout_query_id' | 'ok'> | null): Promise<void>;
  /** Edits the text of one of the chat's messages (after the commit). */
  editMessageText(messageId: number, text: string, options?: Omit<EditMessageTextParams, 'chat_id' | 'message_id' | 'text'> | null): Promise<void>;
  editMessageCaption(messageId: number, caption: string, options?: Omit<EditMessageCaptionParams, 'chat_id' | 'message_id' | 'caption'> | null): Promise<void>;
  editMessageReplyMarkup(
    messageId: number,
    replyMarkup: InlineKeyboardMarkup,
    options?: Omit<EditMessageReplyMarkupParams, 'chat_id' | 'message_id' | 'reply_markup'> | null,
  ): Promise<void>;
  editMessageMedia(messageId: number, media: InputMedia, options?: Omit<EditMessageMediaParams, 'chat_id' | 'message_id' | 'media'> | null): Promise<void>;
  deleteMessage(messageId: number): Promise<void>;
}

/** What these methods use of a context: its call queue, chat target and event. */
type Queue = CallQueue & { readonly event: TelegramEvent };

type Methods = { [K in keyof AnswerEditMethods]: (this: Queue, ...args: Parameters<AnswerEditMethods[K]>) => Promise<void> };

const METHODS: Methods = {
  async answerCallbackQuery(options) {
    const query = queryOf(this, 'answerCallbackQuery', 'callback_query');
    this[queueCall]('answerCallbackQuery', 'answerCallbackQuery', { callback_query_id: query.id, ...opts(options, 'answerCallbackQuery') });
  },

  async answerInlineQuery(results, options) {
    const query = queryOf(this, 'answerInlineQuery', 'inline_query');
    this[queueCall]('answerInlineQuery', 'answerInlineQuery', {
      inline_query_id: query.id,
      results: inlineQueryResults(results, 'answerInlineQuery'),
      ...opts(options, 'answerInlineQuery'),
    });
  },

  async answerShippingQuery(ok, options) {
    const query = queryOf(this, 'answerShippingQuery', 'shipping_query');
    this[queueCall]('answerShippingQuery', 'answerShippingQuery', { shipping_query_id: query.id, ok: checkOk(ok, 'answerShippingQuery'), ...opts(options, 'answerShippingQuery') });
  },

  async answerPreCheckoutQuery(ok, options) {
    const query = queryOf(this, 'answerPreCheckoutQuery', 'pre_checkout_query');
    this[queueCall]('answerPreCheckoutQuery', 'answerPreCheckoutQuery', {
      pre_checkout_query_id: query.id,
      ok: checkOk(ok, 'answerPreCheckoutQuery'),
      ...opts(options, 'answerPreCheckoutQuery'),
    });
  },

  async editMessageText(messageId, text, options) {
    this[queueCall]('editMessageText', 'editMessageText', {
      ...messageOf(this, 'editMessageText', messageId),
      text: requireString(text, 'editMessageText', 'the text'),
      ...opts(options, 'editMessageText'),
    });
  },

  async editMessageCaption(messageId, caption, options) {
    this[queueCall]('editMessageCaption', 'editMessageCaption', {
      ...messageOf(this, 'editMessageCaption', messageId),
      caption: typeof caption === 'string' ? caption : requireString(caption, 'editMessageCaption', 'the caption'),
      ...opts(options, 'editMessageCaption'),
    });
  },

  async editMessageReplyMarkup(messageId, replyMarkup, options) {
    requireObject(replyMarkup, 'editMessageReplyMarkup', 'the reply markup ({ inline_keyboard })');
    this[queueCall]('editMessageReplyMarkup', 'editMessageReplyMarkup', {
      ...messageOf(this, 'editMessageReplyMarkup', messageId),
      reply_markup: snakeCaseKeys(replyMarkup),
      ...opts(options, 'editMessageReplyMarkup'),
    });
  },

  async editMessageMedia(messageId, media, options) {
    requireObject(media, 'editMessageMedia', 'the media');
    this[queueCall]('editMessageMedia', 'editMessageMedia', {
      ...messageOf(this, 'editMessageMedia', messageId),
      media: snakeCaseKeys(media),
      ...opts(options, 'editMessageMedia'),
    });
  },

  async deleteMessage(messageId) {
    const { chat_id, message_id } = messageOf(this, 'deleteMessage', messageId);
    this[queueCall]('deleteMessage', 'deleteMessage', { chat_id, message_id });
  },
};

/** Adds {@link AnswerEditMethods} to the context class's prototype, as its own methods would be. */
export function installAnswerEditMethods(target: { prototype: object }): void {
  for (const [name, value] of Object.entries(METHODS)) {
    Object.defineProperty(target.prototype, name, { configurable: true, writable: true, value });
  }
}

/** One of the chat's messages, checked, with the business connection an edit must name. */
function messageOf(context: Queue, method: string, messageId: number): { chat_id: number; message_id: number; business_connection_id?: string } {
  const { chat_id, business_connection_id } = context[chatTarget](method);
  const message = { chat_id, message_id: requireId(messageId, method, 'the message id') };
  return business_connection_id ? { ...message, business_connection_id } : message;
}

/** The query of the update an answer method answers; throws when the update is of another type. */
function queryOf(context: Queue, method: string, type: 'callback_query' | 'inline_query' | 'shipping_query' | 'pre_checkout_query'): { id: string } {
  const payload = context.event.get(type) as { id?: unknown } | undefined;
  if (payload === undefined || typeof payload.id !== 'string') {
    throw new Error(`context.${method}() only answers a ${type} update; this one is ${JSON.stringify(context.event.type)}`);
  }
  return { id: payload.id };
}
