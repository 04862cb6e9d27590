import * as fx from './fixtures/events';
import { startTelegramBot, type TelegramBotHarness } from './harness';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const legacyApp = require('./fixtures/bottender-1x-app.js');

/**
 * A Bottender 1.x handler in plain CommonJS (fixtures/bottender-1x-app.js) runs unchanged: its
 * camelCase options reach Telegram as snake_case, its 1.x method names and argument orders map
 * to the Bot API's methods, and 1.x's event getters read the update.
 */
describe('a Bottender 1.x Telegram handler', () => {
  let h: TelegramBotHarness;

  beforeEach(async () => {
    h = await startTelegramBot({ app: legacyApp });
  });
  afterEach(() => h.close());

  const calls = () => h.api.calls.map((c) => ({ method: c.method, ...c.params }));

  it('counts and answers with sendText', async () => {
    await h.post(fx.textMessage('hi'));
    await h.post(fx.textMessage('hi'));
    expect(h.api.textsTo(fx.ALICE.id)).toEqual(['Count: 1', 'Count: 2']);
  });

  it('sends a keyboard with camelCase options, and handles the button press', async () => {
    await h.post(fx.textMessage('menu'));
    const press = fx.callbackQuery('a');
    await h.post(press);
    const messageId = (press as any).callback_query.message.message_id;
    expect(calls()).toEqual([
      {
        method: 'sendMessage',
        chat_id: fx.ALICE.id,
        text: 'Pick one',
        parse_mode: 'Markdown',
        reply_markup: { inline_keyboard: [[{ text: 'A', callback_data: 'a' }, { text: 'B', callback_data: 'b' }]] },
      },
      { method: 'answerCallbackQuery', callback_query_id: (press as any).callback_query.id, text: 'Got a', show_alert: false },
      { method: 'editMessageText', chat_id: fx.ALICE.id, message_id: messageId, text: 'Thanks!', reply_markup: { inline_keyboard: [] } },
    ]);
  });

  it('sends polls, locations, venues and contacts in 1.x argument shapes', async () => {
    await h.post(fx.textMessage('poll'));
    await h.post(fx.textMessage('where'));
    expect(calls()).toEqual([
      { method: 'sendPoll', chat_id: fx.ALICE.id, question: 'Next book?', options: [{ text: 'Dune' }, { text: 'Emma' }], is_anonymous: false },
      { method: 'sendLocation', chat_id: fx.ALICE.id, latitude: 52.52, longitude: 13.405, disable_notification: true },
      { method: 'sendVenue', chat_id: fx.ALICE.id, latitude: 52.52, longitude: 13.405, title: 'Library', address: 'Unter den Linden 8' },
      { method: 'sendContact', chat_id: fx.ALICE.id, phone_number: '+49301234567', first_name: 'Alice' },
    ]);
  });

  it('sends every media kind by file_id or URL', async () => {
    await h.post(fx.textMessage('media', { chat: fx.FORUM, topic: 5 }));
    const target = { chat_id: fx.FORUM.id, message_thread_id: 5 };
    expect(calls()).toEqual([
      { method: 'sendAudio', ...target, audio: 'CQACAgIAAxkBAAIBAudio', caption: 'listen' },
      { method: 'sendVideo', ...target, video: 'BAACAgIAAxkBAAIBVideo' },
      { method: 'sendAnimation', ...target, animation: 'CgACAgIAAxkBAAIBAnim' },
      { method: 'sendVoice', ...target, voice: 'AwACAgIAAxkBAAIBVoice' },
      { method: 'sendVideoNote', ...target, video_note: 'DQACAgIAAxkBAAIBNote' },
      {
        method: 'sendMediaGroup',
        ...target,
        media: [
          { type: 'photo', media: 'https://example.com/1.jpg' },
          { type: 'photo', media: 'https://example.com/2.jpg' },
        ],
      },
    ]);
  });

  it("maps 1.x's group methods to today's Bot API, after the commit, in order", async () => {
    await h.post(fx.textMessage('admin', { chat: fx.SUPERGROUP }));
    const chat = { chat_id: fx.SUPERGROUP.id };
    expect(calls()).toEqual([
      // Reads and the chat action happen while the handler runs.
      { method: 'sendChatAction', ...chat, action: 'typing' },
      { method: 'getChatMemberCount', ...chat },
      { method: 'banChatMember', ...chat, user_id: 100003, until_date: 0 },
      { method: 'unbanChatMember', ...chat, user_id: 100003 },
      { method: 'restrictChatMember', ...chat, user_id: 100002, permissions: { can_send_messages: false } },
      { method: 'promoteChatMember', ...chat, user_id: 100002, can_pin_messages: true },
      { method: 'pinChatMessage', ...chat, message_id: 42, disable_notification: true },
      { method: 'unpinChatMessage', ...chat },
      { method: 'setChatTitle', ...chat, title: 'Book club' },
      { method: 'setChatDescription', ...chat, description: 'We read' },
    ]);
    expect((await h.store.inner.read(`telegram:${fx.SUPERGROUP.id}`))?.state).toEqual({ count: 1, members: 3 });
  });
});
