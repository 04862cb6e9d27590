import * as fx from './fixtures/events';
import { ALICE, BOB, CAROL, GROUP, groupSource, userSource } from './fixtures/sources';
import { type LineBotHarness, startLineBot } from './harness';

// The handler file a Bottender 1.x user has: plain CommonJS, run as it is.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const App = require('./fixtures/bottender-1x-app.js');

const REPLY = '/v2/bot/message/reply';
const PUSH = '/v2/bot/message/push';

const quickReply = {
  items: [
    { type: 'action', action: { type: 'message', label: 'Again', text: 'again' } },
    { type: 'action', action: { type: 'postback', label: 'Reset', data: 'action=reset' } },
  ],
};

/** What the fake API received for one event: method, path and JSON body of each call, in order. */
type Call = { method: string; path: string; body?: unknown };

/**
 * A Bottender 1.x handler (test/fixtures/bottender-1x-app.js) on this package's runtime, against
 * the fake LINE API. Each event's calls are the ones 1.x made for it (its replies batched into
 * one reply call, its pushes as push calls), sent after the state is saved.
 */
describe('a Bottender 1.x LINE handler, unchanged', () => {
  let h: LineBotHarness;

  beforeEach(async () => {
    h = await startLineBot({ app: App });
    h.api.addProfile({ displayName: 'Alice', userId: ALICE, language: 'en' });
    h.api.addMember(GROUP, { displayName: 'Alice', userId: ALICE });
    h.api.addMember(GROUP, { displayName: 'Bob', userId: BOB });
    h.api.addMember(GROUP, { displayName: 'Carol', userId: CAROL });
    h.api.chats.richMenus.add('richmenu-vip');
  });
  afterEach(() => h.close());

  /** Delivers one event (with a fresh reply token for `to`) and answers the API calls it caused. */
  async function deliver(build: (replyToken: string) => unknown, to: string = ALICE): Promise<{ token: string; calls: Call[] }> {
    const token = h.api.issueReplyToken(to);
    const before = h.api.requests.length;
    const answer = await h.post(fx.webhookBody(build(token)));
    expect(answer.status).toBe(200);
    const calls = h.api.requests.slice(before).map(({ method, path, body, status }) => {
      expect(status).toBe(200);
      return body === undefined ? { method, path } : { method, path, body };
    });
    return { token, calls };
  }

  const reply = (replyToken: string, ...messages: unknown[]): Call => ({ method: 'POST', path: REPLY, body: { replyToken, messages } });
  const push = (to: string, ...messages: unknown[]): Call => ({ method: 'POST', path: PUSH, body: { to, messages } });
  const text = (value: string, extra: object = {}) => ({ type: 'text', text: value, ...extra });

  it('follow: getUserProfile, then replyText and replySticker in one reply', async () => {
    const { token, calls } = await deliver((replyToken) => fx.follow({ source: userSource(ALICE), replyToken }));
    expect(calls).toEqual([
      { method: 'GET', path: `/v2/bot/profile/${ALICE}` },
      reply(token, text('Hi, Alice!'), { type: 'sticker', packageId: '446', stickerId: '1988' }),
    ]);
  });

  it('text: replyText with a quickReply goes in the reply, pushText as a push after it; the state counts', async () => {
    const first = await deliver((replyToken) => fx.textMessage('hello', { replyToken }));
    expect(first.calls).toEqual([reply(first.token, text('Count: 1', { quickReply })), push(ALICE, text('(pushed) Thanks for chatting!'))]);
    const second = await deliver((replyToken) => fx.textMessage('again', { replyToken }));
    expect(second.calls[0]).toEqual(reply(second.token, text('Count: 2', { quickReply })));
    expect((await h.store.inner.read(`line:${ALICE}`))?.state).toEqual({ count: 2 });
  });

  it('postback: event.postback.data and event.datetime', async () => {
    await deliver((replyToken) => fx.textMessage('hello', { replyToken }));
    const reset = await deliver((replyToken) => fx.postback('action=reset', { replyToken }));
    expect(reset.calls).toEqual([reply(reset.token, text('Count reset.'))]);
    expect((await h.store.inner.read(`line:${ALICE}`))?.state).toEqual({});
    const book = await deliver((replyToken) => fx.postback('action=book', { replyToken }, { datetime: '2024-05-01T10:00' }));
    expect(book.calls).toEqual([reply(book.token, text('Booked for 2024-05-01T10:00.'))]);
  });

  it('image: event.image, and replyImage without a preview URL uses the original as its preview (as 1.x did)', async () => {
    const image = fx.imageMessage();
    const { token, calls } = await deliver((replyToken) => ({ ...image, replyToken }));
    const url = 'https://cdn.example.com/thanks.png';
    expect(calls).toEqual([
      reply(token, text(`Got your image ${(image.message as { id: string }).id}.`), {
        type: 'image',
        originalContentUrl: url,
        previewImageUrl: url,
      }),
    ]);
  });

  it('location and sticker: event.location, event.sticker, replyLocation and sendSticker (a reply by default)', async () => {
    const location = await deliver((replyToken) => fx.locationMessage({ replyToken }));
    expect(location.calls).toEqual([
      reply(location.token, {
        type: 'location',
        title: 'Near Office',
        address: '1-1 Example-cho, Shibuya, Tokyo',
        latitude: 35.6595,
        longitude: 139.7005,
      }),
    ]);
    const sticker = await deliver((replyToken) => fx.stickerMessage({ replyToken }));
    expect(sticker.calls).toEqual([reply(sticker.token, { type: 'sticker', packageId: '446', stickerId: '1988' })]);
  });

  it('replyButtonsTemplate builds a buttons template message', async () => {
    const { token, calls } = await deliver((replyToken) => fx.textMessage('menu', { replyToken }));
    expect(calls).toEqual([
      reply(token, {
        type: 'template',
        altText: 'Menu',
        template: {
          type: 'buttons',
          title: 'Menu',
          text: 'Pick one',
          actions: [
            { type: 'postback', label: 'Reset', data: 'action=reset' },
            { type: 'datetimepicker', label: 'Book', data: 'action=book', mode: 'datetime' },
          ],
        },
      }),
    ]);
  });

  it('group: event.memberJoined with getMemberProfile, getMembersCount, and leave() after the goodbye', async () => {
    const welcome = await deliver((replyToken) => fx.memberJoined({ source: groupSource(null), replyToken }, [BOB, CAROL]), GROUP);
    expect(welcome.calls).toEqual([
      { method: 'GET', path: `/v2/bot/group/${GROUP}/member/${BOB}` },
      { method: 'GET', path: `/v2/bot/group/${GROUP}/member/${CAROL}` },
      reply(welcome.token, text('Welcome, Bob and Carol!')),
    ]);
    const count = await deliver((replyToken) => fx.textMessage('how many', { source: groupSource(ALICE), replyToken }), GROUP);
    expect(count.calls).toEqual([
      { method: 'GET', path: `/v2/bot/group/${GROUP}/members/count` },
      reply(count.token, text('We are 3 here.')),
    ]);
    const bye = await deliver((replyToken) => fx.textMessage('bye', { source: groupSource(ALICE), replyToken }), GROUP);
    expect(bye.calls).toEqual([reply(bye.token, text('Bye!')), { method: 'POST', path: `/v2/bot/group/${GROUP}/leave` }]);
    expect(h.api.chats.left).toEqual([GROUP]);
    expect(h.api.textsTo(GROUP)).toEqual(['Welcome, Bob and Carol!', 'We are 3 here.', 'Bye!']);
  });

  it('linkRichMenu runs after the reply is sent', async () => {
    const { token, calls } = await deliver((replyToken) => fx.textMessage('vip', { replyToken }));
    expect(calls).toEqual([
      reply(token, text('Your VIP menu is on.')),
      { method: 'POST', path: `/v2/bot/user/${ALICE}/richmenu/richmenu-vip` },
    ]);
    expect(h.api.chats.linkedRichMenus.get(ALICE)).toBe('richmenu-vip');
  });

  it('a handler that throws sends nothing it queued, reply or push, and its state change is dropped', async () => {
    const { calls } = await deliver((replyToken) => fx.textMessage('crash', { replyToken }));
    expect(calls).toEqual([]);
    expect(await h.store.inner.read(`line:${ALICE}`)).toBeUndefined();
    expect(h.errors).toEqual([expect.objectContaining({ error: expect.objectContaining({ message: 'the database is down' }) })]);
  });

  it('a wrong argument type fails inside the handler with an error naming the method and argument', async () => {
    const { calls } = await deliver((replyToken) => fx.textMessage('sticker please', { replyToken }));
    expect(calls).toEqual([]);
    expect((h.errors[0].error as Error).message).toBe(
      'context.replySticker() needs the sticker ({ packageId, stickerId }) as an object, got a string',
    );
  });
});

/** `channels.line.sendMethod: 'push'`: the `send*` family pushes, as it did in 1.x. */
describe('a Bottender 1.x LINE handler with sendMethod: "push"', () => {
  let h: LineBotHarness;

  beforeEach(async () => {
    h = await startLineBot({ app: App, sendMethod: 'push' });
  });
  afterEach(() => h.close());

  it('sendSticker is pushed; replyText still replies and pushText still pushes', async () => {
    await h.post(fx.webhookBody(fx.stickerMessage({ replyToken: h.api.issueReplyToken(ALICE) })));
    expect(h.api.calls(REPLY)).toHaveLength(0);
    expect(h.api.calls(PUSH).map((c) => c.body)).toEqual([{ to: ALICE, messages: [{ type: 'sticker', packageId: '446', stickerId: '1988' }] }]);

    await h.post(fx.webhookBody(fx.textMessage('hello', { replyToken: h.api.issueReplyToken(ALICE) })));
    expect(h.api.calls(REPLY).map((c) => c.body.messages)).toEqual([[{ type: 'text', text: 'Count: 1', quickReply }]]);
    expect(h.api.calls(PUSH)).toHaveLength(2);
    expect(h.api.deliveries.map((d) => d.via)).toEqual(['push', 'reply', 'push']);
  });
});
