import type { LineContext } from '@bottender/line';

import * as fx from './fixtures/events';
import { ALICE, GROUP, ROOM, groupSource, roomSource, userSource } from './fixtures/sources';
import { type LineBotHarness, startLineBot } from './harness';

const REPLY = '/v2/bot/message/reply';
const PUSH = '/v2/bot/message/push';

const texts = (n: number) => Array.from({ length: n }, (_, i) => `m${i + 1}`);

/** With `pushFallback`, what a reply cannot carry is pushed to the conversation, in order. */
describe('LINE push fallback', () => {
  let h: LineBotHarness;
  let send: string[];

  beforeEach(async () => {
    send = [];
    h = await startLineBot({
      pushFallback: true,
      app: async (context: LineContext) => {
        for (const text of send) await context.sendText(text);
      },
    });
  });
  afterEach(() => h.close());

  it('replies the first 5 messages and pushes the rest in calls of at most 5, in order', async () => {
    send = texts(12);
    await h.post(fx.webhookBody(fx.textMessage('hi', { source: userSource(ALICE), replyToken: h.api.issueReplyToken(ALICE) })));
    expect(h.api.calls(REPLY).map((c) => c.body.messages.length)).toEqual([5]);
    expect(h.api.calls(PUSH).map((c) => [c.body.to, c.body.messages.length, c.status])).toEqual([
      [ALICE, 5, 200],
      [ALICE, 2, 200],
    ]);
    expect(h.api.textsTo(ALICE)).toEqual(texts(12));
    expect(h.errors).toEqual([]);
  });

  it('pushes to the group or room, not to the member who wrote', async () => {
    send = texts(6);
    await h.post(fx.webhookBody(fx.textMessage('hi', { source: groupSource(ALICE), replyToken: h.api.issueReplyToken(GROUP) })));
    await h.post(fx.webhookBody(fx.textMessage('hi', { source: roomSource(ALICE), replyToken: h.api.issueReplyToken(ROOM) })));
    expect(h.api.calls(PUSH).map((c) => c.body.to)).toEqual([GROUP, ROOM]);
    expect(h.api.textsTo(GROUP)).toEqual(texts(6));
    expect(h.api.textsTo(ROOM)).toEqual(texts(6));
  });

  it('pushes everything when LINE refuses the reply token (expired or used)', async () => {
    send = texts(7);
    const token = h.api.issueReplyToken(ALICE);
    h.api.expireReplyToken(token);
    await h.post(fx.webhookBody(fx.textMessage('hi', { replyToken: token })));
    expect(h.api.calls(REPLY).map((c) => c.status)).toEqual([400]);
    expect(h.api.calls(PUSH).map((c) => c.body.messages.length)).toEqual([5, 2]);
    expect(h.api.textsTo(ALICE)).toEqual(texts(7));
    expect(h.errors).toEqual([]);
  });

  it('pushes on events that carry no reply token (here: standby mode)', async () => {
    send = ['noted'];
    await h.post(fx.webhookBody(fx.textMessage('hi', { mode: 'standby' })));
    expect(h.api.calls(REPLY)).toHaveLength(0);
    expect(h.api.calls(PUSH)).toEqual([expect.objectContaining({ status: 200, body: { to: ALICE, messages: [{ type: 'text', text: 'noted' }] } })]);
  });

  it('does not push when the reply failed for another reason (the reply may have been delivered)', async () => {
    send = ['hi'];
    h.api.failNext(REPLY, 500, { message: 'An error occurred in the internal server.' });
    await h.post(fx.webhookBody(fx.textMessage('hi', { replyToken: h.api.issueReplyToken(ALICE) })));
    expect(h.api.calls(PUSH)).toHaveLength(0);
    expect((h.errors[0].error as Error).message).toMatch(/answered 500: An error occurred in the internal server/);
  });

  it('reports a failed push, saying what was already sent', async () => {
    send = texts(11);
    h.api.failNext(PUSH, 429, { message: 'You have reached your monthly limit.' });
    await h.post(fx.webhookBody(fx.textMessage('hi', { replyToken: h.api.issueReplyToken(ALICE) })));
    expect(h.api.textsTo(ALICE)).toEqual(texts(5));
    expect((h.errors[0].error as Error).message).toMatch(
      /pushing LINE messages 6-11 of 11 failed \(5 sent by reply, 0 pushed before\): .*429: You have reached your monthly limit/,
    );
  });

  it('refuses, inside the handler, what would need a push but has no conversation to push to', async () => {
    await h.close();
    const errors: string[] = [];
    h = await startLineBot({
      pushFallback: true,
      app: async (context: LineContext) => {
        for (const text of texts(6)) await context.sendText(text).catch((e: Error) => errors.push(e.message));
      },
    });
    await h.post(fx.webhookBody(fx.textMessage('hi', { source: null, replyToken: h.api.issueReplyToken() })));
    expect(errors).toEqual([expect.stringMatching(/room for 5 messages in its reply and no user, group or room to push to/)]);
    expect(h.api.calls(REPLY).map((c) => c.body.messages.length)).toEqual([5]);
  });

  it('reports an expired token on an event without a conversation: nothing to push to', async () => {
    send = ['hi'];
    const token = h.api.issueReplyToken();
    h.api.expireReplyToken(token);
    await h.post(fx.webhookBody(fx.textMessage('hi', { source: null, replyToken: token })));
    expect(h.api.calls(PUSH)).toHaveLength(0);
    expect(h.errors[0].message).toContain('(no session)');
    expect((h.errors[0].error as Error).message).toMatch(/no user, group or room to push to; 1 message\(s\) not sent/);
  });
});
