import { getClient } from 'bottender';

import { createConnector, OneXTelegramClient, TelegramApiError, type TelegramConnector, type TelegramContext } from '@bottender/telegram';

import { type FakeTelegramApi, startFakeTelegramApi } from './fake-telegram-api';
import * as fx from './fixtures/events';
import { BOT_TOKEN, SECRET_TOKEN, startTelegramBot } from './harness';

type Call = (client: OneXTelegramClient) => Promise<unknown>;

/**
 * `context.client` is Bottender 1.x's Telegram client (messaging-api-telegram): its method names
 * and positional arguments, camelCase options, answers with camelCase names, calls made at once.
 */
describe('context.client: 1.x\'s Telegram client', () => {
  let api: FakeTelegramApi;
  let connector: TelegramConnector;
  let client: OneXTelegramClient;

  beforeEach(async () => {
    api = await startFakeTelegramApi(BOT_TOKEN);
    connector = createConnector({ accessToken: BOT_TOKEN, secretToken: SECRET_TOKEN, origin: api.origin });
    client = connector.oneXClient;
  });
  afterEach(async () => {
    await connector.close();
    await api.close();
  });

  const received = () => api.calls.map((c) => ({ method: c.method, ...c.params }));

  it('sends a message with 1.x\'s positional arguments and camelCase options, and answers with both names', async () => {
    const sent: any = await client.sendMessage(fx.ALICE.id, 'Pick one', {
      parseMode: 'Markdown',
      replyMarkup: { inlineKeyboard: [[{ text: 'A', callbackData: 'a' }]] },
    } as any);
    expect(received()).toEqual([
      {
        method: 'sendMessage',
        chat_id: fx.ALICE.id,
        text: 'Pick one',
        parse_mode: 'Markdown',
        reply_markup: { inline_keyboard: [[{ text: 'A', callback_data: 'a' }]] },
      },
    ]);
    expect(JSON.parse(JSON.stringify(sent))).toEqual(api.calls[0].answer.result);
    expect(sent.messageId).toBe(sent.message_id);
    expect(sent.from.isBot).toBe(true);
    expect(sent.chat.firstName).toBe('User');
  });

  const chat = { chat_id: fx.SUPERGROUP.id };
  const message = { chat_id: fx.SUPERGROUP.id, message_id: 7 };
  const cases: [string, Call, Record<string, unknown>][] = [
    ['forwardMessage', (c) => c.forwardMessage(fx.ALICE.id, fx.GROUP.id, 7, { disableNotification: true } as any), { method: 'forwardMessage', chat_id: fx.ALICE.id, from_chat_id: fx.GROUP.id, message_id: 7, disable_notification: true }],
    ['sendPhoto', (c) => c.sendPhoto(fx.SUPERGROUP.id, 'https://example.com/a.jpg', { caption: 'A' }), { method: 'sendPhoto', ...chat, photo: 'https://example.com/a.jpg', caption: 'A' }],
    ['sendDocument', (c) => c.sendDocument('@bookclub', 'BQACAgIAAxkBAAIBaWDoc'), { method: 'sendDocument', chat_id: '@bookclub', document: 'BQACAgIAAxkBAAIBaWDoc' }],
    ['sendSticker', (c) => c.sendSticker(fx.SUPERGROUP.id, 'CAACAgIAAxkBAAIBaGStick'), { method: 'sendSticker', ...chat, sticker: 'CAACAgIAAxkBAAIBaGStick' }],
    ['sendMediaGroup', (c) => c.sendMediaGroup(fx.SUPERGROUP.id, [{ type: 'photo', media: 'a' }, { type: 'photo', media: 'b' }]), { method: 'sendMediaGroup', ...chat, media: [{ type: 'photo', media: 'a' }, { type: 'photo', media: 'b' }] }],
    ['sendLocation', (c) => c.sendLocation(fx.SUPERGROUP.id, { latitude: 52.52, longitude: 13.405 }, { livePeriod: 60 } as any), { method: 'sendLocation', ...chat, latitude: 52.52, longitude: 13.405, live_period: 60 }],
    ['sendVenue', (c) => c.sendVenue(fx.SUPERGROUP.id, { latitude: 1, longitude: 2, title: 'Library', address: 'Main St', foursquareId: '4b' } as any), { method: 'sendVenue', ...chat, latitude: 1, longitude: 2, title: 'Library', address: 'Main St', foursquare_id: '4b' }],
    ['sendContact', (c) => c.sendContact(fx.SUPERGROUP.id, { phoneNumber: '+4930', firstName: 'Alice' } as any, { lastName: 'Smith' } as any), { method: 'sendContact', ...chat, phone_number: '+4930', first_name: 'Alice', last_name: 'Smith' }],
    ['sendPoll', (c) => c.sendPoll(fx.SUPERGROUP.id, 'Next?', ['Dune', 'Emma'], { isAnonymous: false } as any), { method: 'sendPoll', ...chat, question: 'Next?', options: [{ text: 'Dune' }, { text: 'Emma' }], is_anonymous: false }],
    ['sendChatAction', (c) => c.sendChatAction(fx.SUPERGROUP.id, 'typing'), { method: 'sendChatAction', ...chat, action: 'typing' }],
    ['editMessageText', (c) => c.editMessageText('Thanks!', { chatId: fx.SUPERGROUP.id, messageId: 7, replyMarkup: { inlineKeyboard: [] } } as any), { method: 'editMessageText', ...message, text: 'Thanks!', reply_markup: { inline_keyboard: [] } }],
    ['editMessageText of an inline message', (c) => c.editMessageText('Thanks!', { inlineMessageId: 'AAAAAJ5dAABxyz' } as any), { method: 'editMessageText', inline_message_id: 'AAAAAJ5dAABxyz', text: 'Thanks!' }],
    ['editMessageCaption', (c) => c.editMessageCaption('New caption', { chat_id: fx.SUPERGROUP.id, message_id: 7 }), { method: 'editMessageCaption', ...message, caption: 'New caption' }],
    ['editMessageReplyMarkup', (c) => c.editMessageReplyMarkup({ inlineKeyboard: [[{ text: 'B', callbackData: 'b' }]] } as any, { chatId: fx.SUPERGROUP.id, messageId: 7 } as any), { method: 'editMessageReplyMarkup', ...message, reply_markup: { inline_keyboard: [[{ text: 'B', callback_data: 'b' }]] } }],
    ['editMessageLiveLocation', (c) => c.editMessageLiveLocation({ latitude: 1, longitude: 2 }, { chatId: fx.SUPERGROUP.id, messageId: 7 } as any), { method: 'editMessageLiveLocation', ...message, latitude: 1, longitude: 2 }],
    ['stopMessageLiveLocation', (c) => c.stopMessageLiveLocation({ chatId: fx.SUPERGROUP.id, messageId: 7 } as any), { method: 'stopMessageLiveLocation', ...message }],
    ['deleteMessage', (c) => c.deleteMessage(fx.SUPERGROUP.id, 7), { method: 'deleteMessage', ...message }],
    ['answerCallbackQuery', (c) => c.answerCallbackQuery('4382bfdwdsb323b2d9', { text: 'Saved', showAlert: true } as any), { method: 'answerCallbackQuery', callback_query_id: '4382bfdwdsb323b2d9', text: 'Saved', show_alert: true }],
    [
      'answerInlineQuery',
      (c) => c.answerInlineQuery('4407', [{ type: 'article', id: '1', title: 'Dune', inputMessageContent: { messageText: 'Dune' } }] as any, { cacheTime: 0 } as any),
      { method: 'answerInlineQuery', inline_query_id: '4407', results: [{ type: 'article', id: '1', title: 'Dune', input_message_content: { message_text: 'Dune' } }], cache_time: 0 },
    ],
    ['answerShippingQuery', (c) => c.answerShippingQuery('ship-9f1c', true, { shippingOptions: [{ id: 'dhl', title: 'DHL', prices: [{ label: 'DHL', amount: 500 }] }] } as any), { method: 'answerShippingQuery', shipping_query_id: 'ship-9f1c', ok: true, shipping_options: [{ id: 'dhl', title: 'DHL', prices: [{ label: 'DHL', amount: 500 }] }] }],
    ['answerPreCheckoutQuery', (c) => c.answerPreCheckoutQuery('pcq-5b2a', false, { errorMessage: 'Sold out' } as any), { method: 'answerPreCheckoutQuery', pre_checkout_query_id: 'pcq-5b2a', ok: false, error_message: 'Sold out' }],
    ["kickChatMember (Telegram's banChatMember)", (c) => c.kickChatMember(fx.SUPERGROUP.id, 100003, { untilDate: 0 } as any), { method: 'banChatMember', ...chat, user_id: 100003, until_date: 0 }],
    ['unbanChatMember', (c) => c.unbanChatMember(fx.SUPERGROUP.id, 100003), { method: 'unbanChatMember', ...chat, user_id: 100003 }],
    ['restrictChatMember', (c) => c.restrictChatMember(fx.SUPERGROUP.id, 100002, { canSendMessages: false } as any, { untilDate: 0 } as any), { method: 'restrictChatMember', ...chat, user_id: 100002, permissions: { can_send_messages: false }, until_date: 0 }],
    ['promoteChatMember', (c) => c.promoteChatMember(fx.SUPERGROUP.id, 100002, { canPinMessages: true } as any), { method: 'promoteChatMember', ...chat, user_id: 100002, can_pin_messages: true }],
    ['setChatPermissions', (c) => c.setChatPermissions(fx.SUPERGROUP.id, { canSendPolls: false } as any), { method: 'setChatPermissions', ...chat, permissions: { can_send_polls: false } }],
    ['setChatTitle', (c) => c.setChatTitle(fx.SUPERGROUP.id, 'Book club'), { method: 'setChatTitle', ...chat, title: 'Book club' }],
    ['setChatDescription', (c) => c.setChatDescription(fx.SUPERGROUP.id, ''), { method: 'setChatDescription', ...chat, description: '' }],
    ['setChatStickerSet', (c) => c.setChatStickerSet(fx.SUPERGROUP.id, 'HotCherry'), { method: 'setChatStickerSet', ...chat, sticker_set_name: 'HotCherry' }],
    ['deleteChatStickerSet', (c) => c.deleteChatStickerSet(fx.SUPERGROUP.id), { method: 'deleteChatStickerSet', ...chat }],
    ['deleteChatPhoto', (c) => c.deleteChatPhoto(fx.SUPERGROUP.id), { method: 'deleteChatPhoto', ...chat }],
    ['pinChatMessage', (c) => c.pinChatMessage(fx.SUPERGROUP.id, 7, { disableNotification: true } as any), { method: 'pinChatMessage', ...message, disable_notification: true }],
    ['unpinChatMessage', (c) => c.unpinChatMessage(fx.SUPERGROUP.id), { method: 'unpinChatMessage', ...chat }],
    ['leaveChat', (c) => c.leaveChat(fx.SUPERGROUP.id), { method: 'leaveChat', ...chat }],
    ['exportChatInviteLink', (c) => c.exportChatInviteLink(fx.SUPERGROUP.id), { method: 'exportChatInviteLink', ...chat }],
    ["getChatMembersCount (Telegram's getChatMemberCount)", (c) => c.getChatMembersCount(fx.SUPERGROUP.id), { method: 'getChatMemberCount', ...chat }],
    ['getUserProfilePhotos', (c) => c.getUserProfilePhotos(fx.ALICE.id, { limit: 1 }), { method: 'getUserProfilePhotos', user_id: fx.ALICE.id, limit: 1 }],
    ['setGameScore', (c) => c.setGameScore(fx.ALICE.id, 42, { chatId: fx.SUPERGROUP.id, messageId: 7 } as any), { method: 'setGameScore', user_id: fx.ALICE.id, score: 42, ...message }],
    ['stopPoll', (c) => c.stopPoll(fx.SUPERGROUP.id, 7), { method: 'stopPoll', ...message }],
    [
      "createNewStickerSet (1.x's pngSticker and emojis)",
      (c) => c.createNewStickerSet(fx.ALICE.id, 'club_by_counter_test_bot', 'Club', 'AgADsticker', '😀👍🏽', { containsMasks: true }),
      { method: 'createNewStickerSet', user_id: fx.ALICE.id, name: 'club_by_counter_test_bot', title: 'Club', stickers: [{ sticker: 'AgADsticker', format: 'static', emoji_list: ['😀', '👍🏽'] }], sticker_type: 'mask' },
    ],
    [
      'addStickerToSet',
      (c) => c.addStickerToSet(fx.ALICE.id, 'club_by_counter_test_bot', 'AgADsticker2', '🔥', { maskPosition: { point: 'eyes', xShift: 0, yShift: 0, scale: 1 } }),
      { method: 'addStickerToSet', user_id: fx.ALICE.id, name: 'club_by_counter_test_bot', sticker: { sticker: 'AgADsticker2', format: 'static', emoji_list: ['🔥'], mask_position: { point: 'eyes', x_shift: 0, y_shift: 0, scale: 1 } } },
    ],
  ];

  it.each(cases)('%s: positional arguments reach the Bot API as its parameters', async (_name, call, expected) => {
    await call(client);
    expect(received()).toEqual([expected]);
    expect(api.calls[0].status).toBe(200);
  });

  it('answers reads with 1.x\'s camelCase names', async () => {
    const chatInfo: any = await client.getChat(fx.SUPERGROUP.id);
    expect([chatInfo.id, chatInfo.accentColorId, chatInfo.maxReactionCount]).toEqual([fx.SUPERGROUP.id, 0, 11]);
    expect(await client.getChatMembersCount(fx.SUPERGROUP.id)).toBe(3);
    const member: any = await client.getChatMember(fx.SUPERGROUP.id, 100002);
    expect(member.user.firstName).toBe('Member');
    const admins: any = await client.getChatAdministrators(fx.SUPERGROUP.id);
    expect(admins[0].isAnonymous).toBe(false);
    const me: any = await client.getMe();
    expect([me.isBot, me.firstName]).toEqual([true, 'Counter']);
    const webhook: any = await client.getWebhookInfo();
    expect(webhook.pendingUpdateCount).toBe(0);
    const scores: any = await client.getGameHighScores(fx.ALICE.id, { chatId: fx.SUPERGROUP.id, messageId: 7 } as any);
    expect(scores[0].user.firstName).toBe('Player');
    const poll: any = await client.stopPoll(fx.SUPERGROUP.id, 7);
    expect(poll.isClosed).toBe(true);
  });

  it("gives a file's download link on the configured origin", async () => {
    const file: any = await client.getFile('AgADfile');
    expect(file.filePath).toBe('photos/AgADfile.jpg');
    expect(await client.getFileLink('AgADfile')).toBe(`${api.origin}/file/bot${BOT_TOKEN}/photos/AgADfile.jpg`);
  });

  it("rejects with the Bot API's error when Telegram refuses", async () => {
    api.unknownChats.add(404404);
    const error = await client.sendMessage(404404, 'hello').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TelegramApiError);
    expect(error).toMatchObject({ method: 'sendMessage', errorCode: 400, description: 'Bad Request: chat not found' });
  });

  it('follows a group that became a supergroup, as the context does', async () => {
    api.migrated.set(fx.GROUP.id, fx.SUPERGROUP.id);
    await client.sendMessage(fx.GROUP.id, 'still here');
    expect(api.textsTo(fx.SUPERGROUP.id)).toEqual(['still here']);
  });

  const bad: [string, Call, string][] = [
    ['no chat id', (c) => c.sendMessage(undefined as any, 'hi'), 'client.sendMessage() needs the chat id (a number, or @channelusername) as an integer, got undefined'],
    ['a chat id that is not an integer', (c) => c.sendPhoto(1.5, 'a'), 'client.sendPhoto() needs the chat id (a number, or @channelusername) as an integer, got a number'],
    ['an empty text', (c) => c.sendMessage(1, ''), 'client.sendMessage() needs the text as a non-empty string, got an empty string'],
    ['options that are not an object', (c) => c.sendMessage(1, 'hi', 'Markdown' as any), 'client.sendMessage() needs its options as an object, got a string'],
    ['a file that is not one', (c) => c.sendPhoto(1, 42 as any), 'client.sendPhoto() needs the photo as a file_id, an URL or an InputFile, got a number'],
    ['no poll answers', (c) => c.sendPoll(1, 'Q?', []), 'client.sendPoll() needs the answers as a non-empty array, got an empty array'],
    ['an edit that names no message', (c) => c.editMessageText('x', {} as any), 'client.editMessageText() needs chat_id (or inline_message_id) as an integer, got undefined'],
    ['an edit without options', (c) => (c.editMessageText as any)('x'), 'client.editMessageText() needs its options to name the message ({ chat_id, message_id } or { inline_message_id }), got undefined'],
    ['an edit without a message id', (c) => c.editMessageText('x', { chatId: 1 } as any), 'client.editMessageText() needs message_id as an integer, got undefined'],
    ['a user id that is a name', (c) => c.kickChatMember(1, 'bob' as any), 'client.kickChatMember() needs the user id as an integer, got a string'],
    ['no callback query id', (c) => c.answerCallbackQuery(undefined as any), 'client.answerCallbackQuery() needs the callback query id as a non-empty string, got undefined'],
    ['an ok that is not a boolean', (c) => c.answerShippingQuery('s', 'yes' as any), 'client.answerShippingQuery() needs ok as true or false, got string'],
    ['no emojis for a sticker', (c) => c.addStickerToSet(1, 'set', 'file', ''), 'client.addStickerToSet() needs the emojis as a non-empty string, got an empty string'],
  ];

  it.each(bad)('refuses %s with a clear error, calling nothing', async (_name, call, message) => {
    let error: unknown;
    try {
      await call(client);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(TypeError);
    expect((error as Error).message).toBe(message);
    expect(api.calls).toEqual([]);
  });

  it('keeps the SDK client reachable', () => {
    expect(client.api).toBe(connector.client.api);
  });
});

describe('context.client in a handler', () => {
  it('is the connector\'s 1.x client, and calls at once, before the commit', async () => {
    let callsWhenAnswered = -1;
    let same = false;
    const h = await startTelegramBot({
      app: async (context: TelegramContext) => {
        same = context.client === h.connector.oneXClient && context.client.api === context.api;
        const sent: any = await context.client.sendMessage(fx.BOB.id, `Alice says hi (${context.event.text})`);
        callsWhenAnswered = h.api.calls.length;
        context.setState({ forwarded: sent.messageId });
        await context.sendText('Told Bob');
      },
    });
    try {
      await h.post(fx.textMessage('hi'));
      expect(same).toBe(true);
      expect(callsWhenAnswered).toBe(1);
      expect(h.api.calls.map((c) => [c.method, c.params.chat_id])).toEqual([
        ['sendMessage', fx.BOB.id],
        ['sendMessage', fx.ALICE.id],
      ]);
      expect((await h.store.inner.read(`telegram:${fx.ALICE.id}`))?.state).toEqual({ forwarded: h.api.calls[0].answer.result.message_id });
    } finally {
      await h.close();
    }
  });
});

describe("getClient('telegram') outside a handler", () => {
  it("is the same 1.x client, so a 1.x cron job's getClient('telegram').sendMessage(chatId, text) runs as it is", async () => {
    const h = await startTelegramBot({ app: async () => {} });
    try {
      const client = getClient('telegram');
      const sent = await client.sendMessage(fx.BOB.id, 'Reminder: book club tonight', { disableNotification: true });
      expect(h.api.calls.map((c) => [c.method, c.params])).toEqual([
        ['sendMessage', { chat_id: fx.BOB.id, text: 'Reminder: book club tonight', disable_notification: true }],
      ]);
      expect(sent.messageId).toBe(h.api.calls[0].answer.result.message_id);
      expect(client.api).toBe(h.connector.oneXClient.api);
    } finally {
      await h.close();
    }
  });
});
