import type { SessionRecord, WriteOptions } from 'bottender';

import { TelegramApiError, type TelegramContext } from '@bottender/telegram';

import * as fx from './fixtures/events';
import { CountingStore, startTelegramBot, type TelegramBotHarness } from './harness';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const voteApp = require('./fixtures/bottender-1x-poll-app.js');

/** A poll_answer for `pollId`: who voted, and for which options. */
function voteFor(pollId: string, voter: typeof fx.BOB, optionIds: number[]) {
  const update = fx.pollAnswer({ user: voter }) as any;
  update.poll_answer.poll_id = pollId;
  update.poll_answer.option_ids = optionIds;
  return update;
}

/**
 * A 1.x vote bot (fixtures/bottender-1x-poll-app.js) runs unchanged: it needs the answer of
 * `sendPoll` (a vote names only the poll's id), reads the vote in 1.x's camelCase rawEvent, and
 * announces it with 1.x's `context.client.sendMessage(chatId, text)`.
 */
describe('a Bottender 1.x poll bot', () => {
  let h: TelegramBotHarness;

  beforeEach(async () => {
    voteApp.seen.length = 0;
    voteApp.chatOfPoll.clear();
    h = await startTelegramBot({ app: voteApp });
  });
  afterEach(() => h.close());

  it('sends the poll when asked, gets the sent message, and announces a vote in the poll\'s chat', async () => {
    expect((await h.post(fx.textMessage('/vote', { chat: fx.GROUP, from: fx.ALICE }))).status).toBe(200);

    const [sendPoll] = h.api.callsOf('sendPoll');
    expect(sendPoll.params).toEqual({
      chat_id: fx.GROUP.id,
      question: 'Which book next month?',
      options: [{ text: 'Dune' }, { text: 'Emma' }, { text: 'Ulysses' }],
      is_anonymous: false,
      allows_multiple_answers: true,
    });
    const pollId: string = sendPoll.answer.result.poll.id;
    expect(voteApp.seen).toEqual([{ kind: 'sent', pollId, chatId: fx.GROUP.id, messageId: sendPoll.answer.result.message_id }]);

    // Bob votes: Telegram sends the vote keyed by Bob, naming only the poll.
    expect((await h.post(voteFor(pollId, fx.BOB, [0, 2]))).status).toBe(200);
    expect(voteApp.seen[1]).toEqual({ kind: 'vote', pollId, voter: 'Bob', optionIds: [0, 2] });
    expect(h.api.callsOf('sendMessage').map((c) => c.params)).toEqual([{ chat_id: fx.GROUP.id, text: 'Bob voted for option(s) 1, 3' }]);
  });

  it('ignores a vote on a poll it does not know', async () => {
    await h.post(voteFor('5899999999999999999', fx.CAROL, [1]));
    expect(voteApp.seen).toEqual([{ kind: 'vote', pollId: '5899999999999999999', voter: 'Carol', optionIds: [1] }]);
    expect(h.api.callsOf('sendMessage')).toEqual([]);
  });
});

/** A store that notes, at each write, how many Bot API calls the fake had received. */
class OrderedStore extends CountingStore {
  callsAtWrite: number[] = [];
  api: TelegramBotHarness['api'] | undefined;
  refuse = false;

  override async write(record: SessionRecord, options: WriteOptions): Promise<void> {
    this.callsAtWrite.push(this.api?.calls.length ?? -1);
    if (this.refuse) throw new Error('the store is down');
    return super.write(record, options);
  }
}

/**
 * `context.sendPoll()` is the one send that does not wait for the commit: a handler needs its
 * answer. Every other send still goes out after the state is saved.
 */
describe('context.sendPoll()', () => {
  let h: TelegramBotHarness;
  let store: OrderedStore;
  let app: (context: TelegramContext) => Promise<void>;
  let failures: unknown[];

  beforeEach(async () => {
    failures = [];
    store = new OrderedStore();
    h = await startTelegramBot({ app: (context: TelegramContext) => app(context), store });
    store.api = h.api;
  });
  afterEach(() => h.close());

  it('sends at once and resolves to the sent message; a sendText queued after it still waits for the commit', async () => {
    let callsWhenAnswered = -1;
    app = async (context) => {
      const sent = await context.sendPoll('Tea or coffee?', ['Tea', { text: 'Coffee' }], { type: 'regular' });
      callsWhenAnswered = h.api.calls.length;
      context.setState({ pollId: sent.poll?.id });
      await context.sendText(`Poll ${sent.message_id} is open`);
    };
    await h.post(fx.textMessage('poll please'));

    expect(callsWhenAnswered).toBe(1);
    expect(h.api.calls.map((c) => c.method)).toEqual(['sendPoll', 'sendMessage']);
    // The state was written after the poll went out, and before the queued text did.
    expect(store.callsAtWrite).toEqual([1]);
    const poll = h.api.calls[0].answer.result;
    expect((await store.inner.read(`telegram:${fx.ALICE.id}`))?.state).toEqual({ pollId: poll.poll.id });
    expect(h.api.calls[1].params).toEqual({ chat_id: fx.ALICE.id, text: `Poll ${poll.message_id} is open` });
  });

  it("resolves to the message with 1.x's camelCase names too, and Telegram's JSON", async () => {
    let sent: any;
    app = async (context) => {
      sent = await context.sendPoll('Tea or coffee?', ['Tea', 'Coffee'], { allowsMultipleAnswers: true } as any);
    };
    await h.post(fx.textMessage('poll', { chat: fx.FORUM, topic: 9 }));
    const answer = h.api.calls[0].answer.result;
    expect(JSON.parse(JSON.stringify(sent))).toEqual(answer);
    expect(sent.messageId).toBe(answer.message_id);
    expect(sent.messageThreadId).toBe(9);
    expect(sent.poll.allowsMultipleAnswers).toBe(true);
    expect(sent.poll.totalVoterCount).toBe(0);
    expect(h.api.calls[0].params).toMatchObject({ chat_id: fx.FORUM.id, message_thread_id: 9, allows_multiple_answers: true });
  });

  it('is not tied to the commit: when the state cannot be saved the poll is out, the queued text is not', async () => {
    store.refuse = true;
    app = async (context) => {
      await context.sendPoll('Tea or coffee?', ['Tea', 'Coffee']);
      context.setState({ asked: true });
      await context.sendText('Vote above');
    };
    const answer = await h.post(fx.textMessage('poll'));
    expect(answer.status).not.toBe(200);
    expect(h.api.calls.map((c) => c.method)).toEqual(['sendPoll']);
  });

  it("rejects the handler's await with the Bot API's error when Telegram refuses the poll", async () => {
    h.api.failNext('sendPoll', 403, { ok: false, error_code: 403, description: 'Forbidden: bot was blocked by the user' });
    app = async (context) => {
      await context.sendPoll('Tea or coffee?', ['Tea', 'Coffee']).catch((error: unknown) => failures.push(error));
      await context.sendText('still here');
    };
    await h.post(fx.textMessage('poll'));
    expect(failures).toHaveLength(1);
    expect(failures[0]).toBeInstanceOf(TelegramApiError);
    expect(failures[0]).toMatchObject({ method: 'sendPoll', errorCode: 403, description: 'Forbidden: bot was blocked by the user' });
    expect(h.api.callsOf('sendMessage')).toHaveLength(1);
  });

  it.each([
    ['an empty question', (c: TelegramContext) => c.sendPoll('', ['a', 'b']), 'context.sendPoll() needs the question as a non-empty string, got an empty string'],
    ['answers that are not a list', (c: TelegramContext) => c.sendPoll('Q?', 'a, b' as any), 'context.sendPoll() needs the answers as a non-empty array, got a string'],
    ['an answer that is neither text nor object', (c: TelegramContext) => c.sendPoll('Q?', ['a', 7 as any]), 'context.sendPoll() needs each answer as an object, got a number'],
    ['options that are not an object', (c: TelegramContext) => c.sendPoll('Q?', ['a', 'b'], 'anonymous' as any), 'context.sendPoll() needs its options as an object, got a string'],
  ])('refuses %s before sending anything', async (_case, call, message) => {
    app = async (context) => {
      await call(context).catch((error: unknown) => failures.push(error));
    };
    await h.post(fx.textMessage('poll'));
    expect(failures).toEqual([new TypeError(message)]);
    expect(h.api.calls).toEqual([]);
  });

  it('refuses to send for an update that belongs to no chat', async () => {
    app = async (context) => {
      await context.sendPoll('Q?', ['a', 'b']).catch((error: unknown) => failures.push(error));
    };
    await h.post(fx.poll());
    expect(failures).toEqual([new Error('context.sendPoll() cannot send: this Telegram "poll" update belongs to no chat')]);
    expect(h.api.calls).toEqual([]);
  });
});
