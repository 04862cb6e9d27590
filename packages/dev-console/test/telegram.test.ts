import { Bot, type Logger, MemorySessionStore } from 'bottender';

import * as telegram from '@bottender/telegram';
import { startDevConsole } from '@bottender/dev-console';

async function start(app: (context: any) => Promise<void>) {
  const errors: unknown[] = [];
  const logger: Logger = { info() {}, warn() {}, error: (message, error) => errors.push([message, error]) };
  const bot = new Bot({ app, store: new MemorySessionStore(), initialState: { count: 0 }, logger });
  const devConsole = await startDevConsole({
    bot,
    channels: { telegram: { enabled: true } },
    initialState: { count: 0 },
    loadPackage: (id) => (id === '@bottender/telegram' ? telegram : undefined),
    logger,
  });
  const api = async (method: string, path: string, body?: unknown) => {
    const response = await fetch(`${devConsole.url}api/${path}`, { method, body: body === undefined ? undefined : JSON.stringify(body) });
    return { status: response.status, json: (await response.json()) as any };
  };
  return { bot, devConsole, api, errors, close: async () => { await devConsole.close(); await bot.close(); } };
}

describe('the dev console speaks Telegram, with no credentials configured', () => {
  test('private chat, group and forum topic are their chats; commands, callback presses; the secret token checked', async () => {
    const seen: any[] = [];
    const h = await start(async (context) => {
      seen.push(context.event.rawEvent);
      if (context.event.isPayload) {
        await context.answerCallbackQuery?.({ text: 'ok' });
        await context.sendText(`pressed ${context.event.payload}`);
        return;
      }
      const count = context.state.count + 1;
      context.setState({ count });
      await context.sendText(`Count: ${count}`, { reply_markup: { inline_keyboard: [[{ text: 'more', callback_data: 'more' }]] } });
    });
    try {
      expect(h.devConsole.platforms).toEqual(['telegram']);
      const send = (source: object, input: object, mode?: unknown) => h.api('POST', 'send', { platform: 'telegram', source, input, mode });
      const privateChat = await send({ kind: 'private', user: 'alice' }, { kind: 'text', values: { text: 'hi' } });
      expect(privateChat.json.entries[0]).toMatchObject({ outcome: 'handled', status: 200 });
      expect(privateChat.json.entries[0].messages[0].messages[0]).toMatchObject({ method: 'sendMessage', text: 'Count: 1', reply_markup: { inline_keyboard: [[{ text: 'more', callback_data: 'more' }]] } });
      await send({ kind: 'private', user: 'alice' }, { kind: 'text', values: { text: 'hi' } });
      const group = await send({ kind: 'group', user: 'alice', conversation: 'team' }, { kind: 'command', values: { command: 'start', args: 'ref42' } });
      expect(group.json.sessionId).toMatch(/^telegram:-100\d{10}$/);
      expect(group.json.entries[0].messages[0].messages[0].text).toBe('Count: 1');
      const topic = await send({ kind: 'topic', user: 'bob', conversation: 'team#ideas' }, { kind: 'text', values: { text: 'hi' } });
      // A forum topic is a thread of the group's chat: the same session.
      expect(topic.json.sessionId).toBe(group.json.sessionId);
      expect(topic.json.entries[0].messages[0].messages[0]).toMatchObject({ text: 'Count: 2', message_thread_id: expect.any(Number) });
      const press = await send({ kind: 'private', user: 'alice' }, { kind: 'callback', values: { data: 'more' } });
      expect(press.json.entries[0].messages[0].messages[0].text).toBe('pressed more');

      expect(seen[2].message).toMatchObject({ text: '/start@dev_console_bot ref42', entities: [{ type: 'bot_command', offset: 0, length: 22 }], chat: { type: 'supergroup', title: 'team' } });
      expect(seen[3].message).toMatchObject({ is_topic_message: true, chat: { is_forum: true } });
      expect(seen[4].callback_query).toMatchObject({ data: 'more', from: { first_name: 'alice' }, message: { chat: { type: 'private' } } });

      const twice = await send({ kind: 'private', user: 'alice' }, { kind: 'text', values: { text: 'hi' } }, 'twice');
      expect(twice.json.entries.map((e: { outcome: string }) => e.outcome).sort()).toEqual(['duplicate', 'handled']);
      const refused = await send({ kind: 'private', user: 'alice' }, { kind: 'text', values: { text: 'hi' } }, 'bad-signature');
      expect(refused.json.entries[0]).toMatchObject({ outcome: 'refused', status: 401 });
      expect((await h.api('GET', `session?id=${privateChat.json.sessionId}`)).json.state.count).toBe(3);
    } finally {
      await h.close();
    }
  });
});
