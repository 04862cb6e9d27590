import { InputFile } from 'node-telegram-bot-api';

import { TelegramApiError, type TelegramContext } from '@bottender/telegram';

import * as fx from './fixtures/events';
import { BOT_TOKEN, startTelegramBot, type TelegramBotHarness } from './harness';

type App = (context: TelegramContext) => Promise<void>;

/**
 * What the context sends, as the fake Bot API received it: to the update's chat and forum topic,
 * after the state is saved, in the order queued, nothing when the handler throws.
 */
describe('TelegramContext: sending', () => {
  let h: TelegramBotHarness;
  let app: App;
  let onError: App | undefined;

  beforeEach(async () => {
    onError = undefined;
    h = await startTelegramBot({ app: (context: TelegramContext) => app(context), onError: (context: any) => onError?.(context) });
  });
  afterEach(() => h.close());

  const sent = () => h.api.calls.filter((c) => c.method !== 'getWebhookInfo').map((c) => ({ method: c.method, ...c.params }));

  it('sends a text to the private chat, after the state is saved', async () => {
    let writesWhenSending = -1;
    app = async (context) => {
      context.setState({ n: 1 });
      await context.sendText('hi there');
      writesWhenSending = h.store.writes;
    };
    await h.post(fx.textMessage('hello'));
    // Queued, not sent, while the handler ran; sent once the state was written.
    expect(writesWhenSending).toBe(0);
    expect(sent()).toEqual([{ method: 'sendMessage', chat_id: fx.ALICE.id, text: 'hi there' }]);
    expect(h.api.calls[0].contentType).toBe('application/x-www-form-urlencoded');
  });

  it('sends into the same forum topic the message came from, and to the chat otherwise', async () => {
    app = async (context) => context.sendText('in the topic');
    await h.post(fx.textMessage('q', { chat: fx.FORUM, topic: 42 }));
    await h.post(fx.textMessage('q', { chat: fx.FORUM }));
    // A reply thread in a plain supergroup is not a topic: message_thread_id without is_topic_message.
    await h.post(fx.textMessage('q', { chat: fx.SUPERGROUP, extra: { message_thread_id: 9 } }));
    expect(sent()).toEqual([
      { method: 'sendMessage', chat_id: fx.FORUM.id, message_thread_id: 42, text: 'in the topic' },
      { method: 'sendMessage', chat_id: fx.FORUM.id, text: 'in the topic' },
      { method: 'sendMessage', chat_id: fx.SUPERGROUP.id, text: 'in the topic' },
    ]);
    expect(h.api.textsTo(fx.FORUM.id, 42)).toEqual(['in the topic']);
  });

  it('answers a button pressed in a forum topic in that topic', async () => {
    app = async (context) => {
      await context.answerCallbackQuery({ text: 'Voted' });
      await context.sendText(`you chose ${context.event.payload}`);
    };
    const update = fx.callbackQuery('vote:2', { chat: fx.FORUM, topic: 7 });
    await h.post(update);
    expect(sent()).toEqual([
      { method: 'answerCallbackQuery', callback_query_id: (update as any).callback_query.id, text: 'Voted' },
      { method: 'sendMessage', chat_id: fx.FORUM.id, message_thread_id: 7, text: 'you chose vote:2' },
    ]);
  });

  it('replies to the message (reply_parameters) with replyText', async () => {
    app = async (context) => context.replyText('quoted');
    const update = fx.textMessage('question', { chat: fx.GROUP });
    await h.post(update);
    expect(sent()).toEqual([
      {
        method: 'sendMessage',
        chat_id: fx.GROUP.id,
        text: 'quoted',
        reply_parameters: { message_id: (update as any).message.message_id, allow_sending_without_reply: true },
      },
    ]);
  });

  it('sends photos, documents and stickers by file_id or URL, and uploads an InputFile as multipart', async () => {
    app = async (context) => {
      await context.sendPhoto('https://example.com/cat.jpg', { caption: 'cat' });
      await context.sendDocument('BQACAgIAAxkBAAIBaWDoc');
      await context.sendSticker('CAACAgIAAxkBAAIBaGStick');
      await context.sendPhoto(new InputFile(new Uint8Array([0xff, 0xd8, 0xff, 0xe0]), { filename: 'dot.jpg', contentType: 'image/jpeg' }));
    };
    await h.post(fx.textMessage('files please'));
    expect(sent()).toEqual([
      { method: 'sendPhoto', chat_id: fx.ALICE.id, photo: 'https://example.com/cat.jpg', caption: 'cat' },
      { method: 'sendDocument', chat_id: fx.ALICE.id, document: 'BQACAgIAAxkBAAIBaWDoc' },
      { method: 'sendSticker', chat_id: fx.ALICE.id, sticker: 'CAACAgIAAxkBAAIBaGStick' },
      { method: 'sendPhoto', chat_id: fx.ALICE.id, photo: '<file dot.jpg 4 bytes>' },
    ]);
    expect(h.api.calls[3].contentType).toMatch(/^multipart\/form-data; boundary=/);
  });

  it('edits a message and answers queries, each to its update', async () => {
    app = async (context) => {
      if (context.event.isCallbackQuery) {
        await context.editMessageText(context.event.callbackQuery!.message!.message_id, 'edited', {
          reply_markup: { inline_keyboard: [[{ text: 'Again', callback_data: 'again' }]] },
        });
      }
      if (context.event.isInlineQuery) await context.answerInlineQuery([{ type: 'article', id: '1', title: 'Dune', input_message_content: { message_text: 'Dune' } }]);
      if (context.event.isPreCheckoutQuery) await context.answerPreCheckoutQuery(true);
      if (context.event.isShippingQuery) await context.answerShippingQuery(false, { error_message: 'We do not ship there' });
    };
    const press = fx.callbackQuery('x', { chat: fx.GROUP });
    await h.post(press);
    await h.post(fx.inlineQuery('dune'));
    await h.post(fx.preCheckoutQuery());
    await h.post(fx.shippingQuery());
    expect(sent()).toEqual([
      {
        method: 'editMessageText',
        chat_id: fx.GROUP.id,
        message_id: (press as any).callback_query.message.message_id,
        text: 'edited',
        reply_markup: { inline_keyboard: [[{ text: 'Again', callback_data: 'again' }]] },
      },
      {
        method: 'answerInlineQuery',
        inline_query_id: '4407412345678901',
        results: [{ type: 'article', id: '1', title: 'Dune', input_message_content: { message_text: 'Dune' } }],
      },
      { method: 'answerPreCheckoutQuery', pre_checkout_query_id: 'pcq-5b2a', ok: true },
      { method: 'answerShippingQuery', shipping_query_id: 'ship-9f1c', ok: false, error_message: 'We do not ship there' },
    ]);
  });

  it('shows a chat action at once, while the handler still runs', async () => {
    let callsDuringHandler = -1;
    app = async (context) => {
      await context.sendChatAction('typing');
      callsDuringHandler = h.api.calls.length;
      await context.sendText('done');
    };
    await h.post(fx.textMessage('slow', { chat: fx.FORUM, topic: 3 }));
    expect(callsDuringHandler).toBe(1);
    expect(sent()).toEqual([
      { method: 'sendChatAction', chat_id: fx.FORUM.id, message_thread_id: 3, action: 'typing' },
      { method: 'sendMessage', chat_id: fx.FORUM.id, message_thread_id: 3, text: 'done' },
    ]);
  });

  it('answers a business message through its business connection', async () => {
    app = async (context) => context.sendText('We open at 9');
    await h.post(fx.businessMessage('open today?'));
    expect(sent()).toEqual([
      { method: 'sendMessage', chat_id: fx.ALICE.id, business_connection_id: fx.BUSINESS_CONNECTION_ID, text: 'We open at 9' },
    ]);
  });

  it("takes Bottender 1.x's camelCase options and sends Telegram's snake_case", async () => {
    app = async (context) =>
      context.sendText('Pick', {
        parseMode: 'Markdown',
        disableNotification: true,
        replyMarkup: { inlineKeyboard: [[{ text: 'A', callbackData: 'a' }]] },
      } as any);
    await h.post(fx.textMessage('menu'));
    expect(sent()).toEqual([
      {
        method: 'sendMessage',
        chat_id: fx.ALICE.id,
        text: 'Pick',
        parse_mode: 'Markdown',
        disable_notification: true,
        reply_markup: { inline_keyboard: [[{ text: 'A', callback_data: 'a' }]] },
      },
    ]);
  });

  it('sends in the order queued, and nothing queued by a handler that threw; the error hook can send', async () => {
    app = async (context) => {
      context.setState({ n: 1 });
      await context.sendText('never');
      throw new Error('boom');
    };
    onError = async (context) => context.sendText('Sorry, something went wrong');
    await h.post(fx.textMessage('x'));
    expect(h.api.textsTo(fx.ALICE.id)).toEqual(['Sorry, something went wrong']);
    expect(h.store.writes).toBe(0);
  });

  it('refuses inside the handler what Telegram would refuse', async () => {
    const errors: string[] = [];
    const attempt = async (run: () => Promise<void>) => run().catch((error: Error) => void errors.push(error.message));
    app = async (context) => {
      await attempt(() => context.sendText(''));
      await attempt(() => context.sendText('x'.repeat(4097)));
      await attempt(() => context.sendText(42 as any));
      await attempt(() => context.sendPhoto(undefined as any));
      await attempt(() => context.answerCallbackQuery());
      await attempt(() => context.editMessageText('7' as any, 'text'));
      await attempt(() => context.sendText('ok', 'Markdown' as any));
    };
    await h.post(fx.textMessage('x'));
    expect(errors).toEqual([
      'context.sendText() needs the text as a non-empty string, got an empty string',
      'context.sendText() got a text of 4097 characters; Telegram takes at most 4096',
      'context.sendText() needs the text as a non-empty string, got a number',
      'context.sendPhoto() needs the photo as a file_id, an URL or an InputFile, got undefined',
      'context.answerCallbackQuery() only answers a callback_query update; this one is "message"',
      'context.editMessageText() needs the message id as an integer, got a string',
      'context.sendText() needs its options as an object, got a string',
    ]);
    expect(sent()).toEqual([]);
  });

  it('refuses to send for an update that belongs to no chat (a poll)', async () => {
    let message = '';
    app = async (context) => context.sendText('hi').catch((error: Error) => void (message = error.message));
    await h.post(fx.poll());
    expect(message).toBe('context.sendText() cannot send: this Telegram "poll" update belongs to no chat');
  });

  it('reports a Bot API error after the commit with its code and description, never the token', async () => {
    h.api.unknownChats.add(fx.BOB.id);
    app = async (context) => {
      context.setState({ tried: true });
      await context.sendText('first');
      await context.sendPhoto('https://example.com/a.jpg');
      await context.answerCallbackQuery().catch(() => {});
    };
    await h.post(fx.textMessage('x', { from: fx.BOB }));
    expect((await h.store.inner.read(`telegram:${fx.BOB.id}`))?.state).toEqual({ tried: true });
    expect(h.log.errors).toHaveLength(1);
    const { message, error } = h.log.errors[0];
    expect(message).toContain(`telegram:${fx.BOB.id}`);
    expect((error as Error).message).toBe(
      'context.sendText() failed after the commit: Telegram Bot API sendMessage answered 400: Bad Request: chat not found; ' +
        '1 later call(s) not made: sendPhoto()',
    );
    const cause = (error as Error).cause as TelegramApiError;
    expect(cause).toBeInstanceOf(TelegramApiError);
    expect([cause.method, cause.errorCode, cause.description]).toEqual(['sendMessage', 400, 'Bad Request: chat not found']);
    expect(JSON.stringify(h.log.errors)).not.toContain(BOT_TOKEN.split(':')[1]);
    expect(h.api.callsOf('sendPhoto')).toHaveLength(0);
  });

  it('retries a 429 after the retry_after Telegram names, then sends', async () => {
    h.api.failNext('sendMessage', 429, { ok: false, error_code: 429, description: 'Too Many Requests: retry after 1', parameters: { retry_after: 1 } });
    app = async (context) => context.sendText('eventually');
    const started = Date.now();
    expect((await h.post(fx.textMessage('x'))).status).toBe(200);
    await waitFor(() => h.api.textsTo(fx.ALICE.id).length === 1);
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
    expect(h.api.callsOf('sendMessage').map((c) => c.status)).toEqual([429, 200]);
    expect(h.log.errors).toEqual([]);
  });

  it('reports a 429 whose wait is longer than it waits for (a flood wait), naming the wait', async () => {
    h.api.failNext('sendMessage', 429, { ok: false, error_code: 429, description: 'Too Many Requests: retry after 3600', parameters: { retry_after: 3600 } });
    app = async (context) => context.sendText('later');
    await h.post(fx.textMessage('x'));
    expect(h.log.errors.map((e) => (e.error as Error).message)).toEqual([
      'context.sendText() failed after the commit: Telegram Bot API sendMessage answered 429: Too Many Requests: retry after 3600 (retry after 3600 s)',
    ]);
  });

  it('does not resend a message after a 5xx (Telegram may have delivered it)', async () => {
    h.api.failNext('sendMessage', 502, { ok: false, error_code: 502, description: 'Bad Gateway' });
    app = async (context) => context.sendText('once at most');
    await h.post(fx.textMessage('x'));
    expect(h.api.callsOf('sendMessage')).toHaveLength(1);
    expect((h.log.errors[0].error as Error).message).toContain('sendMessage answered 502: Bad Gateway');
  });

  it('sends again to the supergroup when Telegram says the group was upgraded', async () => {
    h.api.migrated.set(fx.GROUP.id, fx.SUPERGROUP.id);
    app = async (context) => context.sendText('still here');
    await h.post(fx.textMessage('x', { chat: fx.GROUP }));
    expect(h.api.callsOf('sendMessage').map((c) => [c.params.chat_id, c.status])).toEqual([
      [fx.GROUP.id, 400],
      [fx.SUPERGROUP.id, 200],
    ]);
    expect(h.log.errors).toEqual([]);
  });

  it('reads the chat at once (getChat, getChatMember, member count)', async () => {
    let read: unknown[] = [];
    app = async (context) => {
      read = [
        (await context.getChat()).id,
        await context.getChatMembersCount(),
        (await context.getChatMember(fx.BOB.id)).status,
        await context.exportChatInviteLink(),
      ];
    };
    await h.post(fx.textMessage('x', { chat: fx.SUPERGROUP }));
    expect(read).toEqual([fx.SUPERGROUP.id, 3, 'member', 'https://t.me/+AbCdEfGhIjKlMnOp']);
  });

  it('makes group changes in the order queued, after the commit', async () => {
    app = async (context) => {
      await context.leaveChat();
      await context.sendText('Goodbye');
      await context.kickChatMember(fx.CAROL.id);
    };
    await h.post(fx.textMessage('leave', { chat: fx.SUPERGROUP }));
    expect(sent().map((c) => c.method)).toEqual(['leaveChat', 'sendMessage', 'banChatMember']);
  });
});

async function waitFor(done: () => boolean, timeoutMs = 10_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!done()) {
    if (Date.now() > until) throw new Error('timed out waiting');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('Telegram Bot API calls that get no answer', () => {
  it('reports a TelegramNetworkError naming the method, never the token', async () => {
    const { createConnector, TelegramNetworkError } = await import('@bottender/telegram');
    // Port 1 on loopback: nothing listens, the connection is refused at once.
    const connector = createConnector({ accessToken: BOT_TOKEN, origin: 'http://127.0.0.1:1', polling: true });
    try {
      const error = await connector.client.call('sendMessage', { chat_id: 1, text: 'x' }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(TelegramNetworkError);
      expect((error as Error).message).toMatch(/^Telegram Bot API sendMessage could not be reached/);
      expect(JSON.stringify({ message: (error as Error).message, stack: (error as Error).stack })).not.toContain(BOT_TOKEN.split(':')[1]);
    } finally {
      await connector.close();
    }
  });
});
