import { addCamelCaseAliases } from 'bottender/connector';
import type { Api } from 'node-telegram-bot-api';

import type { ApiMethod, ParamsOf, ResultOf, TelegramClient } from './api-client';
import { CHAT_SPECS } from './chat-methods';
import { checkOk, checkText, requireChatId, requireId, requireObject, requireString } from './checks';
import { inlineQueryResults } from './inline-results';
import { chat, inputSticker, messageRef } from './one-x-arguments';
import { opts } from './options-arg';
import { callFollowingUpgrade } from './outbox';
import { SEND_SPECS } from './send-methods';
import { snakeCaseKeys } from './snake-case';

/** A method's options in 1.x's client: its parameters but those given as arguments. */
type Rest<M extends ApiMethod, K extends PropertyKey = never> = Omit<NonNullable<ParamsOf<M>>, 'chat_id' | K> | null;
/** Options that must say which message: `{ chat_id, message_id }` or `{ inline_message_id }`. */
type MessageRef<M extends ApiMethod, K extends PropertyKey> = Omit<NonNullable<ParamsOf<M>>, K>;
type Answer<M extends ApiMethod> = Promise<ResultOf<M>>;
type FileOf<M extends ApiMethod, K extends keyof NonNullable<ParamsOf<M>>> = NonNullable<ParamsOf<M>>[K];

/**
 * The client Bottender 1.x gave handlers as `context.client` (messaging-api-telegram's
 * `TelegramClient`), with its method names and positional arguments, on this package's Bot API
 * connection: `client.sendMessage(chatId, text, options)`, `client.answerCallbackQuery(id,
 * options)`, `client.editMessageText(text, { chat_id, message_id })`, `client.getChat(chatId)`, ...
 *
 * - Calls are made at once, when called, not after the commit (as in 1.x): a message sent here
 *   goes out even if the event's state is then not saved, and again if Telegram redelivers the
 *   update. For replies use the context's methods, which wait for the commit.
 * - Options are the Bot API's parameters in snake_case or in 1.x's camelCase (`replyMarkup`,
 *   `parseMode`), as the context's methods take them; they are checked the same way, and a bad
 *   argument throws a TypeError naming the method (`client.sendMessage()`) and the argument.
 * - Answers are Telegram's objects with 1.x's camelCase names added (`message.messageId` and
 *   `message.message_id`; see `addCamelCaseAliases`). Their types name Telegram's fields only.
 * - Failures reject with `TelegramApiError` (Telegram refused: `errorCode`, `description`) or
 *   `TelegramNetworkError`; a 429 is waited out and retried as for every call of this package, and
 *   a call to a group that became a supergroup is made again to the supergroup.
 * - Methods Telegram renamed keep 1.x's names: `kickChatMember` calls `banChatMember`,
 *   `getChatMembersCount` calls `getChatMemberCount`; `createNewStickerSet` and `addStickerToSet`
 *   turn 1.x's `pngSticker` and `emojis` into today's `InputSticker`.
 *
 * Methods 1.x's client did not have are on {@link api}, the SDK's Bot API client.
 */
export class OneXTelegramClient {
  readonly #client: TelegramClient;

  constructor(client: TelegramClient) {
    this.#client = client;
  }

  /** The SDK's Bot API client (node-telegram-bot-api's `Api`), for every other method. */
  get api(): Api {
    return this.#client.api;
  }

  // --- Updates and webhook ------------------------------------------------------------------

  /** Takes updates away from the bot's own polling when it polls: for tools, not handlers. */
  getUpdates(options?: ParamsOf<'getUpdates'> | null): Answer<'getUpdates'> {
    return this.#call('getUpdates', { ...opts(options, 'client.getUpdates') });
  }
  getWebhookInfo(): Answer<'getWebhookInfo'> {
    return this.#call('getWebhookInfo', undefined as ParamsOf<'getWebhookInfo'>);
  }
  setWebhook(url: string, options?: Rest<'setWebhook', 'url'>): Answer<'setWebhook'> {
    return this.#call('setWebhook', { url: requireString(url, 'client.setWebhook', 'the URL'), ...opts(options, 'client.setWebhook') });
  }
  deleteWebhook(options?: ParamsOf<'deleteWebhook'> | null): Answer<'deleteWebhook'> {
    return this.#call('deleteWebhook', { ...opts(options, 'client.deleteWebhook') });
  }
  getMe(): Answer<'getMe'> {
    return this.#call('getMe', undefined as ParamsOf<'getMe'>);
  }

  // --- Sending --------------------------------------------------------------------------------

  sendMessage(chatId: number | string, text: string, options?: Rest<'sendMessage', 'text'>): Answer<'sendMessage'> {
    const method = 'client.sendMessage';
    return this.#call('sendMessage', { chat_id: chat(chatId, method), text: checkText(text, options, method), ...opts(options, method) });
  }
  forwardMessage(chatId: number | string, fromChatId: number | string, messageId: number, options?: Rest<'forwardMessage', 'from_chat_id' | 'message_id'>): Answer<'forwardMessage'> {
    const method = 'client.forwardMessage';
    return this.#call('forwardMessage', {
      chat_id: chat(chatId, method),
      from_chat_id: requireChatId(fromChatId, method, 'the chat to forward from'),
      message_id: requireId(messageId, method, 'the message id'),
      ...opts(options, method),
    });
  }
  sendPhoto(chatId: number | string, photo: FileOf<'sendPhoto', 'photo'>, options?: Rest<'sendPhoto', 'photo'>): Answer<'sendPhoto'> {
    return this.#send('sendPhoto', chatId, [photo, options]);
  }
  sendAudio(chatId: number | string, audio: FileOf<'sendAudio', 'audio'>, options?: Rest<'sendAudio', 'audio'>): Answer<'sendAudio'> {
    return this.#send('sendAudio', chatId, [audio, options]);
  }
  sendDocument(chatId: number | string, document: FileOf<'sendDocument', 'document'>, options?: Rest<'sendDocument', 'document'>): Answer<'sendDocument'> {
    return this.#send('sendDocument', chatId, [document, options]);
  }
  sendVideo(chatId: number | string, video: FileOf<'sendVideo', 'video'>, options?: Rest<'sendVideo', 'video'>): Answer<'sendVideo'> {
    return this.#send('sendVideo', chatId, [video, options]);
  }
  sendAnimation(chatId: number | string, animation: FileOf<'sendAnimation', 'animation'>, options?: Rest<'sendAnimation', 'animation'>): Answer<'sendAnimation'> {
    return this.#send('sendAnimation', chatId, [animation, options]);
  }
  sendVoice(chatId: number | string, voice: FileOf<'sendVoice', 'voice'>, options?: Rest<'sendVoice', 'voice'>): Answer<'sendVoice'> {
    return this.#send('sendVoice', chatId, [voice, options]);
  }
  sendVideoNote(chatId: number | string, videoNote: FileOf<'sendVideoNote', 'video_note'>, options?: Rest<'sendVideoNote', 'video_note'>): Answer<'sendVideoNote'> {
    return this.#send('sendVideoNote', chatId, [videoNote, options]);
  }
  sendSticker(chatId: number | string, sticker: FileOf<'sendSticker', 'sticker'>, options?: Rest<'sendSticker', 'sticker'>): Answer<'sendSticker'> {
    return this.#send('sendSticker', chatId, [sticker, options]);
  }
  sendMediaGroup(chatId: number | string, media: FileOf<'sendMediaGroup', 'media'>, options?: Rest<'sendMediaGroup', 'media'>): Answer<'sendMediaGroup'> {
    return this.#send('sendMediaGroup', chatId, [media, options]);
  }
  sendLocation(chatId: number | string, location: { latitude: number; longitude: number }, options?: Rest<'sendLocation', 'latitude' | 'longitude'>): Answer<'sendLocation'> {
    return this.#send('sendLocation', chatId, [location, options]);
  }
  sendVenue(chatId: number | string, venue: Omit<ParamsOf<'sendVenue'>, 'chat_id'>, options?: Rest<'sendVenue', 'latitude' | 'longitude' | 'title' | 'address'>): Answer<'sendVenue'> {
    return this.#send('sendVenue', chatId, [venue, options]);
  }
  sendContact(
    chatId: number | string,
    contact: Pick<ParamsOf<'sendContact'>, 'phone_number' | 'first_name'> & Partial<ParamsOf<'sendContact'>>,
    options?: Rest<'sendContact', 'phone_number' | 'first_name'>,
  ): Answer<'sendContact'> {
    return this.#send('sendContact', chatId, [contact, options]);
  }
  /** A poll; the answers as strings (as in 1.x) or as the Bot API's `{ text }` objects. */
  sendPoll(
    chatId: number | string,
    question: string,
    answers: readonly (string | ParamsOf<'sendPoll'>['options'][number])[],
    options?: Rest<'sendPoll', 'question' | 'options'>,
  ): Answer<'sendPoll'> {
    return this.#send('sendPoll', chatId, [question, answers, options]);
  }
  sendInvoice(
    chatId: number | string,
    product: Pick<ParamsOf<'sendInvoice'>, 'title' | 'description' | 'payload' | 'currency' | 'prices'> & Partial<ParamsOf<'sendInvoice'>>,
    options?: Rest<'sendInvoice', 'title' | 'description' | 'payload' | 'currency' | 'prices'>,
  ): Answer<'sendInvoice'> {
    return this.#send('sendInvoice', chatId, [product, options]);
  }
  sendGame(chatId: number | string, gameShortName: string, options?: Rest<'sendGame', 'game_short_name'>): Answer<'sendGame'> {
    return this.#send('sendGame', chatId, [gameShortName, options]);
  }
  sendChatAction(chatId: number | string, action: string): Answer<'sendChatAction'> {
    const method = 'client.sendChatAction';
    return this.#call('sendChatAction', { chat_id: chat(chatId, method), action: requireString(action, method, 'the action (typing, upload_photo, ...)') });
  }

  // --- Editing ----------------------------------------------------------------------------------

  /** `options` names the message: `{ chat_id, message_id }` or `{ inline_message_id }`. */
  editMessageText(text: string, options: MessageRef<'editMessageText', 'text'>): Answer<'editMessageText'> {
    const method = 'client.editMessageText';
    return this.#call('editMessageText', { text: requireString(text, method, 'the text'), ...messageRef(options, method) });
  }
  editMessageCaption(caption: string, options: MessageRef<'editMessageCaption', 'caption'>): Answer<'editMessageCaption'> {
    const method = 'client.editMessageCaption';
    const checked = typeof caption === 'string' ? caption : requireString(caption, method, 'the caption');
    return this.#call('editMessageCaption', { caption: checked, ...messageRef(options, method) });
  }
  editMessageMedia(media: ParamsOf<'editMessageMedia'>['media'], options: MessageRef<'editMessageMedia', 'media'>): Answer<'editMessageMedia'> {
    const method = 'client.editMessageMedia';
    const checked = snakeCaseKeys(requireObject(media, method, 'the media'));
    return this.#call('editMessageMedia', { media: checked, ...messageRef(options, method) } as ParamsOf<'editMessageMedia'>);
  }
  editMessageReplyMarkup(
    replyMarkup: NonNullable<NonNullable<ParamsOf<'editMessageReplyMarkup'>>['reply_markup']>,
    options: MessageRef<'editMessageReplyMarkup', 'reply_markup'>,
  ): Answer<'editMessageReplyMarkup'> {
    const method = 'client.editMessageReplyMarkup';
    const markup = snakeCaseKeys(requireObject(replyMarkup, method, 'the reply markup ({ inline_keyboard })'));
    return this.#call('editMessageReplyMarkup', { reply_markup: markup, ...messageRef(options, method) } as ParamsOf<'editMessageReplyMarkup'>);
  }
  editMessageLiveLocation(location: { latitude: number; longitude: number }, options: MessageRef<'editMessageLiveLocation', 'latitude' | 'longitude'>): Answer<'editMessageLiveLocation'> {
    const method = 'client.editMessageLiveLocation';
    const { latitude, longitude } = requireObject(location, method, 'the location ({ latitude, longitude })');
    return this.#call('editMessageLiveLocation', { latitude, longitude, ...messageRef(options, method) } as ParamsOf<'editMessageLiveLocation'>);
  }
  stopMessageLiveLocation(options: ParamsOf<'stopMessageLiveLocation'>): Answer<'stopMessageLiveLocation'> {
    return this.#call('stopMessageLiveLocation', messageRef(options, 'client.stopMessageLiveLocation'));
  }
  stopPoll(chatId: number | string, messageId: number, options?: Rest<'stopPoll', 'message_id'>): Answer<'stopPoll'> {
    const method = 'client.stopPoll';
    return this.#call('stopPoll', { chat_id: chat(chatId, method), message_id: requireId(messageId, method, 'the message id'), ...opts(options, method) });
  }
  deleteMessage(chatId: number | string, messageId: number): Answer<'deleteMessage'> {
    const method = 'client.deleteMessage';
    return this.#call('deleteMessage', { chat_id: chat(chatId, method), message_id: requireId(messageId, method, 'the message id') });
  }

  // --- Users, files and chats ----------------------------------------------------------------

  getUserProfilePhotos(userId: number, options?: Omit<ParamsOf<'getUserProfilePhotos'>, 'user_id'> | null): Answer<'getUserProfilePhotos'> {
    const method = 'client.getUserProfilePhotos';
    return this.#call('getUserProfilePhotos', { user_id: requireId(userId, method, 'the user id'), ...opts(options, method) });
  }
  getFile(fileId: string): Answer<'getFile'> {
    return this.#call('getFile', { file_id: requireString(fileId, 'client.getFile', 'the file id') });
  }
  /** The download URL of a file. It contains the bot token: never show it to users or logs. */
  async getFileLink(fileId: string): Promise<string> {
    const file = await this.getFile(fileId);
    if (typeof file.file_path !== 'string') throw new Error('client.getFileLink(): Telegram gave no file_path (the file is too big to download)');
    return this.#client.fileUrl(file.file_path);
  }
  kickChatMember(chatId: number | string, userId: number, options?: Rest<'banChatMember', 'user_id'>): Answer<'banChatMember'> {
    return this.#chat('kickChatMember', chatId, [userId, options]);
  }
  banChatMember(chatId: number | string, userId: number, options?: Rest<'banChatMember', 'user_id'>): Answer<'banChatMember'> {
    return this.#chat('banChatMember', chatId, [userId, options]);
  }
  unbanChatMember(chatId: number | string, userId: number, options?: Rest<'unbanChatMember', 'user_id'>): Answer<'unbanChatMember'> {
    return this.#chat('unbanChatMember', chatId, [userId, options]);
  }
  restrictChatMember(
    chatId: number | string,
    userId: number,
    permissions: ParamsOf<'restrictChatMember'>['permissions'],
    options?: Rest<'restrictChatMember', 'user_id' | 'permissions'>,
  ): Answer<'restrictChatMember'> {
    return this.#chat('restrictChatMember', chatId, [userId, permissions, options]);
  }
  promoteChatMember(chatId: number | string, userId: number, options?: Rest<'promoteChatMember', 'user_id'>): Answer<'promoteChatMember'> {
    return this.#chat('promoteChatMember', chatId, [userId, options]);
  }
  setChatPermissions(chatId: number | string, permissions: ParamsOf<'setChatPermissions'>['permissions'], options?: Rest<'setChatPermissions', 'permissions'>): Answer<'setChatPermissions'> {
    const method = 'client.setChatPermissions';
    const checked = snakeCaseKeys(requireObject(permissions, method, 'the permissions'));
    return this.#call('setChatPermissions', { chat_id: chat(chatId, method), permissions: checked, ...opts(options, method) });
  }
  exportChatInviteLink(chatId: number | string): Answer<'exportChatInviteLink'> {
    return this.#call('exportChatInviteLink', { chat_id: chat(chatId, 'client.exportChatInviteLink') });
  }
  deleteChatPhoto(chatId: number | string): Answer<'deleteChatPhoto'> {
    return this.#chat('deleteChatPhoto', chatId, []);
  }
  setChatTitle(chatId: number | string, title: string): Answer<'setChatTitle'> {
    return this.#chat('setChatTitle', chatId, [title]);
  }
  setChatDescription(chatId: number | string, description: string): Answer<'setChatDescription'> {
    return this.#chat('setChatDescription', chatId, [description]);
  }
  pinChatMessage(chatId: number | string, messageId: number, options?: Rest<'pinChatMessage', 'message_id'>): Answer<'pinChatMessage'> {
    return this.#chat('pinChatMessage', chatId, [messageId, options]);
  }
  /** Unpins one message, or (as in 1.x, without an id) the most recent pinned one. */
  unpinChatMessage(chatId: number | string, messageId?: number): Answer<'unpinChatMessage'> {
    return this.#chat('unpinChatMessage', chatId, [messageId]);
  }
  leaveChat(chatId: number | string): Answer<'leaveChat'> {
    return this.#chat('leaveChat', chatId, []);
  }
  getChat(chatId: number | string): Answer<'getChat'> {
    return this.#call('getChat', { chat_id: chat(chatId, 'client.getChat') });
  }
  getChatAdministrators(chatId: number | string): Answer<'getChatAdministrators'> {
    return this.#call('getChatAdministrators', { chat_id: chat(chatId, 'client.getChatAdministrators') });
  }
  /** 1.x's name; Telegram's is `getChatMemberCount`, which this calls. */
  getChatMembersCount(chatId: number | string): Answer<'getChatMemberCount'> {
    return this.#call('getChatMemberCount', { chat_id: chat(chatId, 'client.getChatMembersCount') });
  }
  getChatMember(chatId: number | string, userId: number): Answer<'getChatMember'> {
    const method = 'client.getChatMember';
    return this.#call('getChatMember', { chat_id: chat(chatId, method), user_id: requireId(userId, method, 'the user id') });
  }
  setChatStickerSet(chatId: number | string, stickerSetName: string): Answer<'setChatStickerSet'> {
    return this.#chat('setChatStickerSet', chatId, [stickerSetName]);
  }
  deleteChatStickerSet(chatId: number | string): Answer<'deleteChatStickerSet'> {
    return this.#chat('deleteChatStickerSet', chatId, []);
  }

  // --- Stickers -----------------------------------------------------------------------------

  getStickerSet(name: string): Answer<'getStickerSet'> {
    return this.#call('getStickerSet', { name: requireString(name, 'client.getStickerSet', 'the sticker set name') });
  }
  /** 1.x's arguments: a static PNG (file_id, URL or InputFile) and its emojis as one string. */
  createNewStickerSet(
    userId: number,
    name: string,
    title: string,
    pngSticker: ParamsOf<'addStickerToSet'>['sticker']['sticker'],
    emojis: string,
    options?: { containsMasks?: boolean; contains_masks?: boolean; maskPosition?: object; mask_position?: object } | null,
  ): Answer<'createNewStickerSet'> {
    const method = 'client.createNewStickerSet';
    const { contains_masks, mask_position, ...rest } = opts(options, method) ?? {};
    return this.#call('createNewStickerSet', {
      user_id: requireId(userId, method, 'the user id'),
      name: requireString(name, method, 'the sticker set name'),
      title: requireString(title, method, 'the title'),
      stickers: [inputSticker(pngSticker, emojis, mask_position, method)],
      ...(contains_masks === true ? { sticker_type: 'mask' } : {}),
      ...rest,
    } as ParamsOf<'createNewStickerSet'>);
  }
  addStickerToSet(
    userId: number,
    name: string,
    pngSticker: ParamsOf<'addStickerToSet'>['sticker']['sticker'],
    emojis: string,
    options?: { maskPosition?: object; mask_position?: object } | null,
  ): Answer<'addStickerToSet'> {
    const method = 'client.addStickerToSet';
    const { mask_position } = opts(options, method) ?? {};
    return this.#call('addStickerToSet', {
      user_id: requireId(userId, method, 'the user id'),
      name: requireString(name, method, 'the sticker set name'),
      sticker: inputSticker(pngSticker, emojis, mask_position, method),
    });
  }
  setStickerPositionInSet(sticker: string, position: number): Answer<'setStickerPositionInSet'> {
    const method = 'client.setStickerPositionInSet';
    return this.#call('setStickerPositionInSet', { sticker: requireString(sticker, method, 'the sticker file id'), position: requireId(position, method, 'the position') });
  }
  deleteStickerFromSet(sticker: string): Answer<'deleteStickerFromSet'> {
    return this.#call('deleteStickerFromSet', { sticker: requireString(sticker, 'client.deleteStickerFromSet', 'the sticker file id') });
  }

  // --- Queries, payments, games ---------------------------------------------------------------

  answerCallbackQuery(callbackQueryId: string, options?: Omit<ParamsOf<'answerCallbackQuery'>, 'callback_query_id'> | null): Answer<'answerCallbackQuery'> {
    const method = 'client.answerCallbackQuery';
    return this.#call('answerCallbackQuery', { callback_query_id: requireString(callbackQueryId, method, 'the callback query id'), ...opts(options, method) });
  }
  answerInlineQuery(
    inlineQueryId: string,
    results: ParamsOf<'answerInlineQuery'>['results'],
    options?: Omit<ParamsOf<'answerInlineQuery'>, 'inline_query_id' | 'results'> | null,
  ): Answer<'answerInlineQuery'> {
    const method = 'client.answerInlineQuery';
    return this.#call('answerInlineQuery', {
      inline_query_id: requireString(inlineQueryId, method, 'the inline query id'),
      results: inlineQueryResults(results, method),
      ...opts(options, method),
    });
  }
  answerShippingQuery(shippingQueryId: string, ok: boolean, options?: Omit<ParamsOf<'answerShippingQuery'>, 'shipping_query_id' | 'ok'> | null): Answer<'answerShippingQuery'> {
    const method = 'client.answerShippingQuery';
    return this.#call('answerShippingQuery', {
      shipping_query_id: requireString(shippingQueryId, method, 'the shipping query id'),
      ok: checkOk(ok, method),
      ...opts(options, method),
    });
  }
  answerPreCheckoutQuery(
    preCheckoutQueryId: string,
    ok: boolean,
    options?: Omit<ParamsOf<'answerPreCheckoutQuery'>, 'pre_checkout_query_id' | 'ok'> | null,
  ): Answer<'answerPreCheckoutQuery'> {
    const method = 'client.answerPreCheckoutQuery';
    return this.#call('answerPreCheckoutQuery', {
      pre_checkout_query_id: requireString(preCheckoutQueryId, method, 'the pre-checkout query id'),
      ok: checkOk(ok, method),
      ...opts(options, method),
    });
  }
  /** `options` names the game message: `{ chat_id, message_id }` or `{ inline_message_id }`. */
  setGameScore(userId: number, score: number, options: MessageRef<'setGameScore', 'user_id' | 'score'>): Answer<'setGameScore'> {
    const method = 'client.setGameScore';
    return this.#call('setGameScore', { user_id: requireId(userId, method, 'the user id'), score: requireId(score, method, 'the score'), ...messageRef(options, method) });
  }
  getGameHighScores(userId: number, options: MessageRef<'getGameHighScores', 'user_id'>): Answer<'getGameHighScores'> {
    const method = 'client.getGameHighScores';
    return this.#call('getGameHighScores', { user_id: requireId(userId, method, 'the user id'), ...messageRef(options, method) });
  }

  // ---------------------------------------------------------------------------------------------

  /** Makes the call now; the answer gets 1.x's camelCase names. Arguments were checked by then. */
  async #call<M extends ApiMethod>(apiMethod: M, params: ParamsOf<M>): Answer<M> {
    return addCamelCaseAliases(await callFollowingUpgrade(this.#client, apiMethod, params));
  }

  /** A sending method: the context's checks and conversions (SEND_SPECS), to `chatId`. */
  #send<M extends ApiMethod>(name: string, chatId: unknown, args: readonly unknown[]): Answer<M> {
    const spec = SEND_SPECS[name];
    const method = `client.${name}`;
    const chat_id = chat(chatId, method);
    const params = { chat_id, ...spec.params(method, args), ...opts(args[spec.optionsAt], method) };
    return this.#call(spec.apiMethod, params as ParamsOf<ApiMethod>) as Answer<M>;
  }

  /** A group method: the context's checks and conversions (CHAT_SPECS), on `chatId`. */
  #chat<M extends ApiMethod>(name: string, chatId: unknown, args: readonly unknown[]): Answer<M> {
    const spec = CHAT_SPECS[name];
    const method = `client.${name}`;
    const chat_id = chat(chatId, method);
    const options = spec.optionsAt === undefined ? undefined : opts(args[spec.optionsAt], method);
    return this.#call(spec.apiMethod, { chat_id, ...spec.params(method, args), ...options } as ParamsOf<ApiMethod>) as Answer<M>;
  }
}
