import { getClient } from 'bottender';

import { createConnector } from '@bottender/telegram';

import * as fx from './fixtures/events';
import { BOT_TOKEN, SECRET_TOKEN, startTelegramBot, type TelegramBotHarness, WEBHOOK_PATH } from './harness';

/* eslint-disable @typescript-eslint/no-require-imports */
const helloApp = require('./fixtures/examples-1x/hello.js');
const platformApp = require('./fixtures/examples-1x/platform-greeting.js');
const menuApp = require('./fixtures/examples-1x/inline-keyboard-menu.js');
const inlineQueryApp = require('./fixtures/examples-1x/inline-query.js');
const pollApp = require('./fixtures/examples-1x/poll.js');
const replyKeyboardApp = require('./fixtures/examples-1x/reply-keyboard.js');
const gameApp = require('./fixtures/examples-1x/game.js');
/* eslint-enable @typescript-eslint/no-require-imports */

/**
 * Every usage of Bottender 1.x's official Telegram examples (Yoctol/bottender, `examples/telegram-*`
 * and the cross-platform examples with a `channels.telegram` part), each written again as a small
 * CommonJS handler in fixtures/examples-1x and run unchanged through the webhook, the runtime and
 * the fake Bot API. Each `it` names the usage and checks what Telegram received and what was saved.
 */

/** The calls the fake received, as `{ method, ...params }`. */
function callsOf(h: TelegramBotHarness): Record<string, unknown>[] {
  return h.api.calls.map((c) => ({ method: c.method, ...c.params }));
}

/** Starts a bot on `app`; closes it after each test. */
function botFor(app: unknown): () => TelegramBotHarness {
  let h: TelegramBotHarness | undefined;
  beforeEach(async () => {
    h = await startTelegramBot({ app: app as never });
  });
  afterEach(async () => {
    await h?.close();
    h = undefined;
  });
  return () => h!;
}

describe('telegram-hello-world', () => {
  const bot = botFor(helloApp);

  it('context.sendText(text) answers in the chat of the update, after the state is saved', async () => {
    const update = fx.textMessage('hello');
    expect((await bot().post(update)).status).toBe(200);
    expect(callsOf(bot())).toEqual([{ method: 'sendMessage', chat_id: fx.ALICE.id, text: 'Hi there, I am a Bottender bot' }]);
    expect(await bot().store.inner.read(`telegram:${fx.ALICE.id}`)).toMatchObject({ state: {} });
  });

  it('answers in groups and forum topics too (the reply goes to the same topic)', async () => {
    await bot().post(fx.textMessage('hello', { chat: fx.FORUM, topic: 9 }));
    expect(callsOf(bot())).toEqual([{ method: 'sendMessage', chat_id: fx.FORUM.id, message_thread_id: 9, text: 'Hi there, I am a Bottender bot' }]);
  });

  it("takes the 1.x config's channels.telegram object whole: enabled, path and accessToken", () => {
    const connector = createConnector({ enabled: true, path: WEBHOOK_PATH, accessToken: BOT_TOKEN });
    expect(connector.platform).toBe('telegram');
    // `bottender dev` polls, which needs nothing more.
    expect(connector.transport({ dev: true })).toBe('loop');
  });

  it('documented difference: serving the webhook also needs channels.telegram.secretToken', () => {
    const without = createConnector({ enabled: true, path: WEBHOOK_PATH, accessToken: BOT_TOKEN });
    expect(() => without.transport({ dev: false })).toThrow(/channels\.telegram\.secretToken is required to serve the webhook/);
    const withSecret = createConnector({ enabled: true, path: WEBHOOK_PATH, accessToken: BOT_TOKEN, secretToken: SECRET_TOKEN });
    expect(withSecret.transport({ dev: false })).toBe('webhook');
  });

  it('a wrong accessToken fails at start with the key named, not at the first reply', () => {
    expect(() => createConnector({ enabled: true, path: WEBHOOK_PATH, accessToken: undefined as never })).toThrow(
      /channels\.telegram\.accessToken must be a non-empty string .*is the environment variable set\?/,
    );
  });
});

describe('multiple-channels (its Telegram part)', () => {
  const bot = botFor(platformApp);

  it("context.platform is 'telegram'", async () => {
    await bot().post(fx.textMessage('hi', { from: fx.BOB }));
    expect(callsOf(bot())).toEqual([{ method: 'sendMessage', chat_id: fx.BOB.id, text: 'You reached me on telegram' }]);
  });
});

describe('telegram-inline-keyboard', () => {
  const bot = botFor(menuApp);

  /** A press on the bot's message `messageId`, sending `data`. */
  function press(data: string, messageId: number) {
    const update = fx.callbackQuery(data) as any;
    update.callback_query.message.message_id = messageId;
    return update;
  }

  it("text('open menu') route: sendText(text, { replyMarkup: { inlineKeyboard: [[{ text, callbackData }]] } }) reaches Telegram in snake_case", async () => {
    await bot().post(fx.textMessage('open menu'));
    expect(callsOf(bot())).toEqual([
      {
        method: 'sendMessage',
        chat_id: fx.ALICE.id,
        text: 'Which shelf?',
        reply_markup: { inline_keyboard: [[{ text: 'Fiction', callback_data: 'Fiction' }, { text: 'Poetry', callback_data: 'Poetry' }]] },
      },
    ]);
  });

  it('telegram.callbackQuery route: event.callbackQuery.message.messageId and .data feed editMessageText(messageId, text, { replyMarkup })', async () => {
    expect((await bot().post(press('Fiction', 41))).status).toBe(200);
    expect(callsOf(bot())).toEqual([
      {
        method: 'editMessageText',
        chat_id: fx.ALICE.id,
        message_id: 41,
        text: 'Fiction: pick a book.',
        reply_markup: {
          inline_keyboard: [
            [{ text: 'Dune', callback_data: 'Dune' }, { text: 'Emma', callback_data: 'Emma' }],
            [{ text: '<< top', callback_data: '<< top' }],
          ],
        },
      },
    ]);
  });

  it('editMessageText(messageId, text) without options, for the final choice', async () => {
    await bot().post(press('Dune', 41));
    expect(callsOf(bot())).toEqual([{ method: 'editMessageText', chat_id: fx.ALICE.id, message_id: 41, text: 'You picked Dune.' }]);
  });

  it('a press in a group edits the message in that group (the chat of callbackQuery.message)', async () => {
    const update = fx.callbackQuery('<< top', { chat: fx.SUPERGROUP, from: fx.BOB }) as any;
    await bot().post(update);
    expect(callsOf(bot())).toMatchObject([
      { method: 'editMessageText', chat_id: fx.SUPERGROUP.id, message_id: update.callback_query.message.message_id, text: 'Which shelf?' },
    ]);
  });

  it('telegram.any route: any other update of Telegram gets the hint', async () => {
    await bot().post(fx.textMessage('what?'));
    await bot().post(fx.photoMessage());
    expect(bot().api.textsTo(fx.ALICE.id)).toEqual(['Send "open menu" to browse the shelves.', 'Send "open menu" to browse the shelves.']);
  });

  it('event.callbackQuery gives Telegram\'s object too: Telegram\'s names stay what they were', async () => {
    let seen: any;
    const h = await startTelegramBot({
      app: async (context) => {
        seen = context.event.callbackQuery;
      },
    });
    try {
      await h.post(press('x', 7));
    } finally {
      await h.close();
    }
    expect(seen.message.message_id).toBe(7);
    expect(seen.message.messageId).toBe(7);
    expect(seen.chatInstance).toBe(seen.chat_instance);
    expect(Object.keys(seen)).toEqual(['id', 'from', 'message', 'chat_instance', 'data']);
    expect(JSON.parse(JSON.stringify(seen)).message).not.toHaveProperty('messageId');
  });
});

describe('telegram-inline-query', () => {
  const bot = botFor(inlineQueryApp);

  it('telegram.inlineQuery route: event.inlineQuery.query; sendText goes to the asker; answerInlineQuery(results, { cacheTime })', async () => {
    const update = fx.inlineQuery('vonnegut', { from: fx.BOB }) as any;
    expect((await bot().post(update)).status).toBe(200);
    expect(callsOf(bot())).toEqual([
      { method: 'sendMessage', chat_id: fx.BOB.id, text: 'Looking for "vonnegut"...' },
      {
        method: 'answerInlineQuery',
        inline_query_id: update.inline_query.id,
        results: [
          { type: 'article', id: 'quote-1', title: 'A quote', input_message_content: { message_text: 'So it goes.' } },
          // 1.x's `thumbUrl` is sent under Bot API 6.6's name, which Telegram requires of a photo.
          { type: 'photo', id: 'cover-1', photo_url: 'https://example.com/cover.jpg', thumbnail_url: 'https://example.com/cover-small.jpg' },
        ],
        cache_time: 0,
      },
    ]);
    expect(bot().api.callsOf('answerInlineQuery')[0].answer).toEqual({ ok: true, result: true });
    expect(bot().log.errors).toEqual([]);
  });

  it('telegram.chosenInlineResult route: event.chosenInlineResult.query and .resultId', async () => {
    await bot().post(fx.chosenInlineResult({ from: fx.CAROL }));
    expect(callsOf(bot())).toEqual([{ method: 'sendMessage', chat_id: fx.CAROL.id, text: 'For "dune" you chose book-1.' }]);
  });

  it('the inline query and the chosen result run in the asker\'s session', async () => {
    await bot().post(fx.inlineQuery('x', { from: fx.BOB }));
    await bot().post(fx.chosenInlineResult({ from: fx.BOB }));
    expect(await bot().store.inner.read(`telegram:${fx.BOB.id}`)).toBeDefined();
  });
});

describe('answerInlineQuery results (the inline-query example\'s argument shapes)', () => {
  /** Runs `answer` in a handler for an inline query; gives what Telegram got and what the handler threw. */
  async function answerWith(answer: (context: any) => Promise<void>) {
    let thrown: unknown;
    const h = await startTelegramBot({
      app: async (context) => {
        context.setState({ asked: true });
        try {
          await answer(context);
        } catch (error) {
          thrown = error;
        }
      },
    });
    try {
      await h.post(fx.inlineQuery('q'));
      return { thrown, calls: callsOf(h), state: (await h.store.inner.read(`telegram:${fx.ALICE.id}`))?.state };
    } finally {
      await h.close();
    }
  }

  it('an empty array answers "no results"', async () => {
    const { thrown, calls } = await answerWith((c) => c.answerInlineQuery([], { cacheTime: 5, isPersonal: true }));
    expect(thrown).toBeUndefined();
    expect(calls).toMatchObject([{ method: 'answerInlineQuery', results: [], cache_time: 5, is_personal: true }]);
  });

  it('snake_case thumb_url of before Bot API 6.6 is renamed too, and thumbnail_url given wins', async () => {
    const { calls } = await answerWith((c) =>
      c.answerInlineQuery([
        { type: 'photo', id: 'a', photo_url: 'https://example.com/a.jpg', thumb_url: 'https://example.com/a-t.jpg', thumb_width: 90 },
        { type: 'photo', id: 'b', photoUrl: 'https://example.com/b.jpg', thumbnailUrl: 'https://example.com/b-new.jpg', thumbUrl: 'https://example.com/b-old.jpg' },
      ]),
    );
    expect((calls[0] as any).results).toEqual([
      { type: 'photo', id: 'a', photo_url: 'https://example.com/a.jpg', thumbnail_url: 'https://example.com/a-t.jpg', thumbnail_width: 90 },
      { type: 'photo', id: 'b', photo_url: 'https://example.com/b.jpg', thumbnail_url: 'https://example.com/b-new.jpg', thumb_url: 'https://example.com/b-old.jpg' },
    ]);
  });

  it.each([
    ['not an array', { type: 'article' }, /needs the results as an array .*got an object/],
    ['a result that is not an object', ['quote'], /needs results\[0\] as an object .*got a string/],
    ['a result without an id', [{ type: 'article', title: 't' }], /needs results\[0\]\.id as a non-empty string, got undefined/],
    ['a result without a type', [{ id: 'x' }], /needs results\[0\]\.type as a non-empty string, got undefined/],
  ])('refuses %s inside the handler, sending nothing', async (_name, results, message) => {
    const { thrown, calls, state } = await answerWith((c) => c.answerInlineQuery(results));
    expect(thrown).toBeInstanceOf(TypeError);
    expect((thrown as Error).message).toMatch(/^context\.answerInlineQuery\(\) /);
    expect((thrown as Error).message).toMatch(message);
    expect(calls).toEqual([]);
    expect(state).toEqual({ asked: true });
  });

  it("context.client.answerInlineQuery(id, results, options) takes the same shapes, at once", async () => {
    const { calls } = await answerWith((c) =>
      c.client.answerInlineQuery(c.event.inlineQuery.id, [{ type: 'photo', id: 'p', photoUrl: 'https://example.com/p.jpg', thumbUrl: 'https://example.com/t.jpg' }], { cacheTime: 0 }),
    );
    expect(calls).toMatchObject([
      { method: 'answerInlineQuery', results: [{ type: 'photo', id: 'p', photo_url: 'https://example.com/p.jpg', thumbnail_url: 'https://example.com/t.jpg' }], cache_time: 0 },
    ]);
  });
});

describe('telegram-poll', () => {
  const bot = botFor(pollApp);
  beforeEach(() => {
    for (const key of Object.keys(pollApp.chatOfPoll)) delete pollApp.chatOfPoll[key];
  });

  /** Starts a poll in the group; gives the poll's id. */
  async function startPoll(): Promise<string> {
    await bot().post(fx.textMessage('/lunch', { chat: fx.GROUP }));
    return bot().api.callsOf('sendPoll')[0].answer.result.poll.id;
  }

  function vote(pollId: string, user: typeof fx.ALICE, optionIds: number[]) {
    const update = fx.pollAnswer({ user }) as any;
    update.poll_answer.poll_id = pollId;
    update.poll_answer.option_ids = optionIds;
    return update;
  }

  it('text(RegExp) route; sendPoll(question, [strings], { isAnonymous, allowsMultipleAnswers }) resolves to the message (poll.id, chat.id)', async () => {
    const pollId = await startPoll();
    expect(callsOf(bot())).toEqual([
      {
        method: 'sendPoll',
        chat_id: fx.GROUP.id,
        question: 'What shall we eat?',
        options: [{ text: 'Soup' }, { text: 'Salad' }, { text: 'Curry' }],
        is_anonymous: false,
        allows_multiple_answers: true,
      },
    ]);
    expect(pollApp.chatOfPoll).toEqual({ [pollId]: fx.GROUP.id });
  });

  it('telegram.pollAnswer route: rawEvent.pollAnswer.{pollId, user, optionIds} and context.client.sendMessage(chatId, text)', async () => {
    const pollId = await startPoll();
    await bot().post(vote(pollId, fx.ALICE, [0, 2]));
    await bot().post(vote(pollId, fx.CAROL, [1]));
    // Alice has a username; Carol has none, so her first and last name.
    expect(bot().api.callsOf('sendMessage').map((c) => c.params)).toEqual([
      { chat_id: fx.GROUP.id, text: 'alice wants Soup and Curry.' },
      { chat_id: fx.GROUP.id, text: 'Carol Jones wants Salad.' },
    ]);
  });

  it('a retracted vote (optionIds empty) is announced as such', async () => {
    const pollId = await startPoll();
    await bot().post(vote(pollId, fx.ALICE, []));
    expect(bot().api.textsTo(fx.GROUP.id)).toEqual(['alice took the vote back.']);
  });

  it('telegram.poll route: a poll update (no chat, so no session) runs the handler, which sends nothing', async () => {
    const writes = bot().store.writes;
    expect((await bot().post(fx.poll())).status).toBe(200);
    expect(bot().api.calls).toEqual([]);
    expect(bot().store.writes).toBe(writes);
    expect(bot().log.errors).toEqual([]);
  });

  it('telegram.any route: other text gets the hint', async () => {
    await bot().post(fx.textMessage('hungry'));
    expect(bot().api.textsTo(fx.ALICE.id)).toEqual(['Send /lunch to start a vote.']);
  });
});

describe('telegram-reply-keyboard', () => {
  const bot = botFor(replyKeyboardApp);

  it("sendText(text, { replyMarkup: { keyboard: [[{ text }]], oneTimeKeyboard } })", async () => {
    await bot().post(fx.textMessage('drinks'));
    expect(callsOf(bot())).toEqual([
      {
        method: 'sendMessage',
        chat_id: fx.ALICE.id,
        text: 'What would you like to drink?',
        reply_markup: { keyboard: [[{ text: '☕' }, { text: '🍵' }], [{ text: '🧃' }]], one_time_keyboard: true },
      },
    ]);
  });

  it('text(/[…]/u) route on an emoji press; event.text; replyMarkup: { removeKeyboard: true }', async () => {
    await bot().post(fx.textMessage('🍵'));
    expect(callsOf(bot())).toEqual([
      { method: 'sendMessage', chat_id: fx.ALICE.id, text: 'One 🍵 coming up.', reply_markup: { remove_keyboard: true } },
    ]);
  });

  it('telegram.any route: other updates get the hint', async () => {
    await bot().post(fx.textMessage('water'));
    expect(bot().api.textsTo(fx.ALICE.id)).toEqual(['Send "drinks" for the menu.']);
  });
});

describe('telegram-game', () => {
  const bot = botFor(gameApp);
  beforeEach(() => gameApp.players.clear());

  /** The press on the Play button of the game message `messageId`: Telegram sends the game's short name, no data. */
  function playPressed(messageId: number) {
    const update = fx.callbackQuery('', { from: fx.BOB }) as any;
    delete update.callback_query.data;
    update.callback_query.game_short_name = 'tetris_lite';
    update.callback_query.message.message_id = messageId;
    return update;
  }

  it('text(/\\/play/) route: context.sendGame(gameShortName)', async () => {
    await bot().post(fx.textMessage('/play', { from: fx.BOB }));
    expect(callsOf(bot())).toEqual([{ method: 'sendGame', chat_id: fx.BOB.id, game_short_name: 'tetris_lite' }]);
  });

  it('telegram.callbackQuery route: callbackQuery.id, .from.id, .message.messageId, .message.chat.id; context.client.answerCallbackQuery(id, { url })', async () => {
    const update = playPressed(12);
    await bot().post(update);
    expect(callsOf(bot())).toEqual([
      { method: 'answerCallbackQuery', callback_query_id: update.callback_query.id, url: 'https://games.example.com/tetris?key=k1' },
    ]);
    expect(gameApp.players.get('k1')).toEqual({ userId: fx.BOB.id, messageId: 12, chatId: fx.BOB.id });
  });

  it("getClient('telegram').setGameScore(userId, score, { force, userId, messageId, chatId }) from the game's server, outside a handler", async () => {
    await bot().post(playPressed(12));
    const answer = await gameApp.recordScore('k1', 420);
    expect(bot().api.callsOf('setGameScore').map((c) => c.params)).toEqual([
      { user_id: fx.BOB.id, score: 420, force: true, message_id: 12, chat_id: fx.BOB.id },
    ]);
    expect(answer).toBe(true);
  });

  it("getClient('telegram') taken at the top of the module, before any bot ran, finds the running bot's client", () => {
    expect(typeof getClient('telegram').setGameScore).toBe('function');
  });
});
