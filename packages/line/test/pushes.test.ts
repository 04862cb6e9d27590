import type { LineContext } from '@bottender/line';

import * as fx from './fixtures/events';
import { ALICE, GROUP, groupSource } from './fixtures/sources';
import { type LineBotHarness, startLineBot } from './harness';

const REPLY = '/v2/bot/message/reply';
const PUSH = '/v2/bot/message/push';

const texts = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => `${prefix}${i + 1}`);

/**
 * `push*()` (and `send*()` with sendMethod "push") queue like replies: sent after the state is
 * saved, in calls of 5, after the event's reply; dropped when the handler throws.
 */
describe('LINE pushes', () => {
  let h: LineBotHarness;
  let app: (context: LineContext) => Promise<void>;

  async function start(options: { pushFallback?: boolean; onError?: (context: LineContext) => Promise<void> } = {}) {
    h = await startLineBot({ ...options, initialState: { count: 0 }, app: (context: LineContext) => app(context) });
  }
  afterEach(() => h.close());

  const hello = () => fx.webhookBody(fx.textMessage('hi', { replyToken: h.api.issueReplyToken(ALICE) }));

  it('are sent after the handler returned and the state was written, after the reply', async () => {
    await start();
    let requestsDuringHandler = -1;
    app = async (context) => {
      context.setState({ count: 1 });
      await context.pushText('pushed');
      await context.replyText('replied');
      await new Promise((resolve) => setTimeout(resolve, 10));
      requestsDuringHandler = h.api.requests.length;
    };
    await h.post(hello());
    expect(requestsDuringHandler).toBe(0);
    expect((await h.store.inner.read(`line:${ALICE}`))?.state).toEqual({ count: 1 });
    expect(h.api.requests.map((r) => r.path)).toEqual([REPLY, PUSH]);
    expect(h.api.deliveries.map((d) => [d.via, d.message.text])).toEqual([
      ['reply', 'replied'],
      ['push', 'pushed'],
    ]);
  });

  it('go out in calls of at most 5, in the order they were queued', async () => {
    await start();
    app = async (context) => {
      for (const text of texts('p', 12)) await context.pushText(text);
    };
    await h.post(hello());
    expect(h.api.calls(PUSH).map((c) => [c.body.to, c.body.messages.length])).toEqual([
      [ALICE, 5],
      [ALICE, 5],
      [ALICE, 2],
    ]);
    expect(h.api.textsTo(ALICE)).toEqual(texts('p', 12));
  });

  it('follow the replies that pushFallback pushes, in the same push calls', async () => {
    await start({ pushFallback: true });
    app = async (context) => {
      await context.pushText('p1');
      for (const text of texts('r', 7)) await context.replyText(text);
    };
    await h.post(hello());
    expect(h.api.calls(REPLY).map((c) => c.body.messages.length)).toEqual([5]);
    expect(h.api.calls(PUSH).map((c) => c.body.messages.map((m: { text: string }) => m.text))).toEqual([['r6', 'r7', 'p1']]);
  });

  it('go to the group, not to the member who wrote', async () => {
    await start();
    app = (context) => context.pushText('to everyone');
    await h.post(fx.webhookBody(fx.textMessage('hi', { source: groupSource(ALICE) })));
    expect(h.api.calls(PUSH).map((c) => c.body.to)).toEqual([GROUP]);
  });

  it('work on events without a reply token, where replies cannot', async () => {
    await start();
    app = (context) => context.pushText('someone left');
    await h.post(fx.webhookBody(fx.memberLeft({ source: groupSource(null) })));
    expect(h.api.textsTo(GROUP)).toEqual(['someone left']);
    expect(h.errors).toEqual([]);
  });

  it('are dropped when the handler throws; the error hook\'s pushes are sent', async () => {
    await start({ onError: (context) => context.pushText('Sorry, something went wrong.') });
    app = async (context) => {
      await context.pushText('Count: 1');
      throw new Error('database down');
    };
    await h.post(hello());
    expect(h.api.textsTo(ALICE)).toEqual(['Sorry, something went wrong.']);
  });

  it('are refused inside the handler when the event has no user, group or room to push to', async () => {
    await start();
    let error: unknown;
    app = async (context) => {
      await context.pushText('lost').catch((e: unknown) => (error = e));
    };
    await h.post(fx.webhookBody(fx.textMessage('hi', { source: null })));
    expect((error as Error).message).toBe('context.pushText() cannot push: this LINE "message" event has no user, group or room to push to');
    expect(h.api.requests).toHaveLength(0);
  });

  it('are not sent when the reply before them failed (they would arrive without it); the error says so', async () => {
    await start();
    app = async (context) => {
      await context.replyText('first');
      await context.pushText('second');
    };
    h.api.failNext(REPLY, 500, { message: 'An error occurred in the internal server.' });
    await h.post(hello());
    expect(h.api.calls(PUSH)).toHaveLength(0);
    expect((h.errors[0].error as Error).message).toMatch(
      /answered 500: An error occurred in the internal server\.\n {2}\(so the 1 queued push message\(s\) were not sent\)$/,
    );
  });

  it('are counted among what was not sent when LINE refuses the reply token without pushFallback', async () => {
    await start();
    app = async (context) => {
      await context.replyText('first');
      await context.pushText('second');
    };
    const body = hello();
    h.api.expireReplyToken((body.events[0] as { replyToken: string }).replyToken);
    await h.post(body);
    expect(h.api.calls(PUSH)).toHaveLength(0);
    expect((h.errors[0].error as Error).message).toMatch(/refused the reply token .*; 2 message\(s\) not sent/);
  });

  it('report a failed push with what was already sent', async () => {
    await start();
    app = async (context) => {
      await context.replyText('r1');
      for (const text of texts('p', 7)) await context.pushText(text);
    };
    h.api.failNext(PUSH, 429, { message: 'You have reached your monthly limit.' });
    await h.post(hello());
    expect(h.api.textsTo(ALICE)).toEqual(['r1']);
    expect((h.errors[0].error as Error).message).toMatch(
      /^pushing LINE messages 2-8 of 8 failed \(1 sent by reply, 0 pushed before\): .*429: You have reached your monthly limit/,
    );
  });
});
