import type { LineContext } from '@bottender/line';

import * as fx from './fixtures/events';
import { ALICE, BOT_USER_ID, userSource } from './fixtures/sources';
import { type LineBotHarness, startLineBot } from './harness';

describe('LINE redelivery', () => {
  let h: LineBotHarness;
  let runs: string[];

  beforeEach(async () => {
    runs = [];
    h = await startLineBot({
      initialState: { count: 0 },
      app: async (context: LineContext) => {
        runs.push(context.event.id!);
        context.setState({ count: context.state.count + 1 });
        await context.sendText(`Count: ${context.state.count}`);
      },
    });
  });
  afterEach(() => h.close());

  it('runs the handler once for an event LINE redelivers with the same webhookEventId', async () => {
    const original = fx.textMessage('hi', { source: userSource(ALICE), replyToken: h.api.issueReplyToken(ALICE) });
    const redelivered = { ...original, deliveryContext: { isRedelivery: true } };
    expect((await h.post(fx.webhookBody(original))).status).toBe(200);
    expect((await h.post(fx.webhookBody(redelivered))).status).toBe(200);
    expect(runs).toEqual([original.webhookEventId]);
    expect((await h.store.inner.read(`line:${ALICE}`))?.state).toEqual({ count: 1 });
    expect(h.api.textsTo(ALICE)).toEqual(['Count: 1']);
  });

  it('runs a redelivered event whose first delivery never got through', async () => {
    const event = fx.textMessage('hi', { isRedelivery: true, replyToken: h.api.issueReplyToken(ALICE) });
    await h.post(fx.webhookBody(event));
    expect(runs).toEqual([event.webhookEventId]);
  });

  it('tells a redelivery apart on the event', async () => {
    let flag: boolean | undefined;
    await h.close();
    h = await startLineBot({ app: async (context: LineContext) => void (flag = context.event.isRedelivery) });
    await h.post(fx.webhookBody(fx.textMessage('hi', { isRedelivery: true })));
    expect(flag).toBe(true);
  });

  it('runs an event twice in one request only once', async () => {
    const event = fx.textMessage('hi', { replyToken: h.api.issueReplyToken(ALICE) });
    await h.post(fx.webhookBody(event, event));
    expect(runs).toHaveLength(1);
  });
});

describe('LINE console "Verify" requests', () => {
  let h: LineBotHarness;
  let handled: number;

  beforeEach(async () => {
    handled = 0;
    h = await startLineBot({ app: async () => void handled++ });
  });
  afterEach(() => h.close());

  it('answers 200 to a body with no events, without running the handler or reading a session', async () => {
    const answer = await h.post({ destination: BOT_USER_ID, events: [] });
    expect(answer.status).toBe(200);
    expect(handled).toBe(0);
    expect(h.store.reads).toBe(0);
  });

  it.each(['00000000000000000000000000000000', 'ffffffffffffffffffffffffffffffff'])(
    'answers 200 to the older verify events (reply token %s) without running the handler',
    async (replyToken) => {
      const dummy = { type: 'user' as const, userId: 'Udeadbeefdeadbeefdeadbeefdeadbeef' };
      const answer = await h.post(fx.webhookBody(fx.textMessage('Hello, world', { replyToken, source: dummy })));
      expect(answer.status).toBe(200);
      expect(handled).toBe(0);
      expect(h.store.reads).toBe(0);
      expect(h.api.requests).toHaveLength(0);
    },
  );

  it('still checks the signature of a verify request', async () => {
    const answer = await h.postRaw(JSON.stringify({ destination: BOT_USER_ID, events: [] }));
    expect(answer.status).toBe(401);
  });
});
