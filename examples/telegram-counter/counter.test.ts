import { Bot, MemorySessionStore, type RunningServer, serve } from 'bottender';

import { createConnector, type TelegramChannelOptions } from '@bottender/telegram';

import { type FakeTelegramApi, startFakeTelegramApi } from '../../packages/telegram/test/fake-telegram-api';
import * as fx from '../../packages/telegram/test/fixtures/events';
import { BOT_TOKEN, postRaw, SECRET_TOKEN } from '../../packages/telegram/test/harness';
import App from './index';

/**
 * The example as a user meets it: its own config object and handler, on the real server, against
 * the fake Bot API. Each chat counts on its own; a forum's topics share their chat's count and
 * get their answers in their own topic.
 */
describe('telegram-counter example', () => {
  let api: FakeTelegramApi;
  let server: RunningServer;

  beforeEach(async () => {
    api = await startFakeTelegramApi(BOT_TOKEN);
    process.env.TELEGRAM_ACCESS_TOKEN = BOT_TOKEN;
    process.env.TELEGRAM_SECRET_TOKEN = SECRET_TOKEN;
    // Loaded after the environment is set, as the CLI would after reading .env.
    jest.resetModules();
    const { default: config } = require('./bottender.config') as typeof import('./bottender.config');
    const telegram = config.channels.telegram as TelegramChannelOptions;
    const connector = createConnector({ ...telegram, origin: api.origin });
    const bot = new Bot({ app: App, store: new MemorySessionStore() });
    server = await serve({ bot, channels: [{ path: telegram.path!, connector }], port: 0, host: '127.0.0.1' });
  });
  afterEach(async () => {
    await server.close();
    await api.close();
  });

  async function say(update: unknown) {
    const answer = await postRaw(server.port, JSON.stringify(update), { 'x-telegram-bot-api-secret-token': SECRET_TOKEN });
    expect(answer.status).toBe(200);
  }

  it('counts separately per chat: two private chats, a group and a forum', async () => {
    await say(fx.textMessage('hi', { from: fx.ALICE }));
    await say(fx.textMessage('hi', { from: fx.BOB }));
    await say(fx.textMessage('hi', { chat: fx.GROUP, from: fx.ALICE }));
    await say(fx.textMessage('again', { from: fx.ALICE }));
    await say(fx.textMessage('me too', { chat: fx.GROUP, from: fx.BOB }));
    await say(fx.textMessage('topic 1', { chat: fx.FORUM, topic: 11 }));
    await say(fx.textMessage('topic 2', { chat: fx.FORUM, topic: 22 }));
    await say(fx.textMessage('and again', { from: fx.ALICE }));

    expect(api.textsTo(fx.ALICE.id)).toEqual(['Count: 1', 'Count: 2', 'Count: 3']);
    expect(api.textsTo(fx.BOB.id)).toEqual(['Count: 1']);
    expect(api.textsTo(fx.GROUP.id)).toEqual(['Count: 1', 'Count: 2']);
    expect(api.textsTo(fx.FORUM.id, 11)).toEqual(['Count: 1']);
    expect(api.textsTo(fx.FORUM.id, 22)).toEqual(['Count: 2']);
  });

  it('counts 20 messages of one chat sent at once without losing one', async () => {
    await Promise.all(Array.from({ length: 20 }, (_, i) => say(fx.textMessage(`m${i}`, { chat: fx.SUPERGROUP }))));
    expect(api.textsTo(fx.SUPERGROUP.id)).toEqual(Array.from({ length: 20 }, (_, i) => `Count: ${i + 1}`));
  });

  it('resets a chat with /reset, leaving the others', async () => {
    await say(fx.textMessage('a', { from: fx.ALICE }));
    await say(fx.textMessage('a', { from: fx.BOB }));
    await say(fx.commandMessage('/reset', { from: fx.ALICE }));
    await say(fx.textMessage('b', { from: fx.ALICE }));
    await say(fx.textMessage('b', { from: fx.BOB }));
    expect(api.textsTo(fx.ALICE.id)).toEqual(['Count: 1', 'Count reset', 'Count: 1']);
    expect(api.textsTo(fx.BOB.id)).toEqual(['Count: 1', 'Count: 2']);
  });
});
