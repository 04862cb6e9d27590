import type { LineContext } from '@bottender/line';

import * as fx from './fixtures/events';
import { ALICE, GROUP, groupSource, userSource } from './fixtures/sources';
import { ACCESS_TOKEN, type LineBotHarness, startLineBot } from './harness';

const REPLY = '/v2/bot/message/reply';
const PUSH = '/v2/bot/message/push';

const bubble = {
  type: 'bubble' as const,
  body: { type: 'box' as const, layout: 'vertical' as const, contents: [{ type: 'text' as const, text: 'Count: 3' }] },
};
const quickReply = {
  items: [
    { type: 'action' as const, action: { type: 'message' as const, label: 'Again', text: 'again' } },
    { type: 'action' as const, action: { type: 'postback' as const, label: 'Reset', data: 'reset' } },
  ],
};

/** Replies are queued in the handler and sent in one reply call after the state is saved. */
describe('LINE replies', () => {
  let h: LineBotHarness;
  let app: (context: LineContext) => Promise<void>;

  beforeEach(async () => {
    h = await startLineBot({ initialState: { count: 0 }, app: (context: LineContext) => app(context) });
  });
  afterEach(() => h.close());

  it('batches the sends of one handler into one reply call, with the bearer token', async () => {
    app = async (context) => {
      await context.sendText('first');
      await context.sendText('second');
    };
    const token = h.api.issueReplyToken(ALICE);
    expect((await h.post(fx.webhookBody(fx.textMessage('hi', { replyToken: token })))).status).toBe(200);
    const calls = h.api.calls(REPLY);
    expect(calls).toHaveLength(1);
    expect(calls[0]).toMatchObject({
      status: 200,
      authorization: `Bearer ${ACCESS_TOKEN}`,
      contentType: 'application/json',
      body: { replyToken: token, messages: [{ type: 'text', text: 'first' }, { type: 'text', text: 'second' }] },
    });
    expect(calls[0].answer.sentMessages).toHaveLength(2);
    expect(h.api.textsTo(ALICE)).toEqual(['first', 'second']);
  });

  it('sends nothing until the handler returned and its state was written', async () => {
    let requestsDuringHandler = -1;
    app = async (context) => {
      context.setState({ count: 1 });
      await context.sendText('Count: 1');
      await new Promise((resolve) => setTimeout(resolve, 10));
      requestsDuringHandler = h.api.requests.length;
    };
    await h.post(fx.webhookBody(fx.textMessage('hi', { replyToken: h.api.issueReplyToken(ALICE) })));
    expect(requestsDuringHandler).toBe(0);
    expect((await h.store.inner.read(`line:${ALICE}`))?.state).toEqual({ count: 1 });
    expect(h.api.textsTo(ALICE)).toEqual(['Count: 1']);
  });

  it('drops what the handler queued before it threw and sends the error hook\'s reply on the same token', async () => {
    await h.close();
    h = await startLineBot({
      initialState: { count: 0 },
      app: async (context: LineContext) => {
        context.setState({ count: 1 });
        await context.sendText('Count: 1');
        throw new Error('database down');
      },
      onError: async (context: LineContext) => context.sendText('Sorry, something went wrong.'),
    });
    await h.post(fx.webhookBody(fx.textMessage('hi', { replyToken: h.api.issueReplyToken(ALICE) })));
    expect(h.api.calls(REPLY)).toHaveLength(1);
    expect(h.api.textsTo(ALICE)).toEqual(['Sorry, something went wrong.']);
    expect(await h.store.inner.read(`line:${ALICE}`)).toBeUndefined();
  });

  it('makes no call at all when the handler sends nothing', async () => {
    app = async (context) => context.setState({ count: 1 });
    await h.post(fx.webhookBody(fx.textMessage('hi', { replyToken: h.api.issueReplyToken(ALICE) })));
    expect(h.api.requests).toHaveLength(0);
  });

  it('sends text with a quick reply, a sticker, an image and a flex message as LINE accepts them', async () => {
    app = async (context) => {
      await context.sendSticker({ packageId: '446', stickerId: '1988' });
      await context.sendImage({
        originalContentUrl: 'https://cdn.example.com/count.png',
        previewImageUrl: 'https://cdn.example.com/count-preview.png',
      });
      await context.sendFlex('Count: 3', bubble);
      await context.sendText('Again?', { quickReply, quoteToken: (context.event.message as { quoteToken: string }).quoteToken });
    };
    await h.post(fx.webhookBody(fx.textMessage('hi', { replyToken: h.api.issueReplyToken(ALICE) })));
    const [call] = h.api.calls(REPLY);
    expect(call.status).toBe(200);
    expect(call.body.messages).toEqual([
      { type: 'sticker', packageId: '446', stickerId: '1988' },
      {
        type: 'image',
        originalContentUrl: 'https://cdn.example.com/count.png',
        previewImageUrl: 'https://cdn.example.com/count-preview.png',
      },
      { type: 'flex', altText: 'Count: 3', contents: bubble },
      { type: 'text', text: 'Again?', quoteToken: expect.any(String), quickReply },
    ]);
  });

  it('sends any other message object with send()', async () => {
    app = async (context) => {
      await context.send({ type: 'location', title: 'Office', address: 'Tokyo', latitude: 35.6, longitude: 139.7 });
      await context.send([{ type: 'text', text: 'a' }, { type: 'text', text: 'b' }]);
    };
    await h.post(fx.webhookBody(fx.textMessage('hi', { replyToken: h.api.issueReplyToken(ALICE) })));
    expect(h.api.calls(REPLY)[0].body.messages.map((m: { type: string }) => m.type)).toEqual(['location', 'text', 'text']);
  });

  it('replies in groups to the group through the event reply token', async () => {
    app = async (context) => context.sendText('hello group');
    await h.post(fx.webhookBody(fx.join({ source: groupSource(null), replyToken: h.api.issueReplyToken(GROUP) })));
    expect(h.api.textsTo(GROUP)).toEqual(['hello group']);
  });

  it.each([
    ['an empty text', (c: LineContext) => c.sendText(''), /sendText\(\) needs a non-empty string, got an empty string/],
    ['a text that is not a string', (c: LineContext) => c.sendText(42 as never), /got 42/],
    ['a text over 5000 characters', (c: LineContext) => c.sendText('x'.repeat(5001)), /5001 characters; .* at most 5000/],
    ['a sticker without stickerId', (c: LineContext) => c.sendSticker({ packageId: '446' } as never), /stickerId as a non-empty string/],
    [
      'an image over plain http',
      (c: LineContext) => c.sendImage({ originalContentUrl: 'http://x.example/a.png', previewImageUrl: 'https://x.example/b.png' }),
      /originalContentUrl as an https:\/\/ URL/,
    ],
    ['flex contents that are not a bubble or carousel', (c: LineContext) => c.sendFlex('alt', { type: 'box' } as never), /bubble" or "carousel/],
    ['a message object without a type', (c: LineContext) => c.send({ text: 'x' } as never), /each with a string "type"/],
  ])('refuses %s inside the handler, and queues nothing for it', async (_name, send, message) => {
    let error: unknown;
    app = async (context) => {
      await send(context).catch((e: unknown) => (error = e));
      await context.sendText('still fine');
    };
    await h.post(fx.webhookBody(fx.textMessage('hi', { replyToken: h.api.issueReplyToken(ALICE) })));
    expect((error as Error).message).toMatch(message);
    expect(h.api.calls(REPLY)[0].body.messages).toEqual([{ type: 'text', text: 'still fine' }]);
  });

  it('refuses a 6th message without pushFallback, where it is sent; the 5 queued still go out', async () => {
    let error: unknown;
    app = async (context) => {
      for (let i = 1; i <= 5; i++) await context.sendText(`m${i}`);
      await context.sendText('m6').catch((e: unknown) => (error = e));
    };
    await h.post(fx.webhookBody(fx.textMessage('hi', { replyToken: h.api.issueReplyToken(ALICE) })));
    expect((error as Error).message).toMatch(/more than 5 messages for one LINE reply .*pushFallback/);
    expect(h.api.calls(REPLY)).toHaveLength(1);
    expect(h.api.textsTo(ALICE)).toEqual(['m1', 'm2', 'm3', 'm4', 'm5']);
    expect(h.api.calls(PUSH)).toHaveLength(0);
  });

  it('refuses to send on an event without a reply token when pushFallback is off', async () => {
    let error: unknown;
    app = async (context) => {
      await context.sendText('bye').catch((e: unknown) => (error = e));
    };
    await h.post(fx.webhookBody(fx.unfollow({ source: userSource(ALICE) })));
    expect((error as Error).message).toMatch(/cannot answer this LINE "unfollow" event: it has no reply token/);
    expect(h.api.requests).toHaveLength(0);
  });

  it('reports an expired reply token clearly when pushFallback is off; the state stays saved', async () => {
    app = async (context) => {
      context.setState({ count: 1 });
      await context.sendText('too late');
    };
    const token = h.api.issueReplyToken(ALICE);
    h.api.expireReplyToken(token);
    const answer = await h.post(fx.webhookBody(fx.textMessage('hi', { replyToken: token })));
    expect(answer.status).toBe(200);
    expect(h.api.calls(REPLY)).toEqual([expect.objectContaining({ status: 400, answer: { message: 'Invalid reply token' } })]);
    expect(h.api.calls(PUSH)).toHaveLength(0);
    expect(h.errors).toHaveLength(1);
    expect(h.errors[0].message).toContain(`sending replies failed for session "line:${ALICE}"`);
    expect((h.errors[0].error as Error).message).toMatch(/refused the reply token .*expired or already used.*1 message\(s\) not sent/);
    expect((await h.store.inner.read(`line:${ALICE}`))?.state).toEqual({ count: 1 });
  });

  it('reports LINE refusing the access token with LINE\'s own message, never the token', async () => {
    await h.close();
    h = await startLineBot({ connectorAccessToken: 'revoked-token', app: (context: LineContext) => context.sendText('hi') });
    await h.post(fx.webhookBody(fx.textMessage('hi', { replyToken: h.api.issueReplyToken(ALICE) })));
    expect(h.api.requests).toEqual([expect.objectContaining({ status: 401, authorization: 'Bearer revoked-token' })]);
    const error = h.errors[0].error as Error;
    expect(error.message).toBe(
      'LINE API POST /v2/bot/message/reply answered 401: ' +
        'Authentication failed. Confirm that the access token in the authorization header is valid.',
    );
    expect(error.message).not.toContain('revoked-token');
  });

  it('reports a rate limit (429) with LINE\'s message and does not retry by itself', async () => {
    app = async (context) => context.sendText('hi');
    h.api.failNext(REPLY, 429, { message: 'The API rate limit has been exceeded. Try again later.' });
    await h.post(fx.webhookBody(fx.textMessage('hi', { replyToken: h.api.issueReplyToken(ALICE) })));
    expect(h.api.calls(REPLY)).toHaveLength(1);
    expect((h.errors[0].error as Error).message).toMatch(/answered 429: The API rate limit has been exceeded/);
  });

  it('reports LINE\'s validation details when a message object is refused', async () => {
    app = async (context) => context.send({ type: 'carousel' } as never);
    await h.post(fx.webhookBody(fx.textMessage('hi', { replyToken: h.api.issueReplyToken(ALICE) })));
    const message = (h.errors[0].error as Error).message;
    expect(message).toMatch(/answered 400: The request body has 1 error\(s\)\n {2}- messages\[0\]\.type: Must be one of/);
  });

  it('reports an answer that is not LINE\'s error JSON (a proxy page) without repeating it', async () => {
    app = async (context) => context.sendText('hi');
    h.api.failNext(REPLY, 502, '<html>Bad Gateway</html>');
    await h.post(fx.webhookBody(fx.textMessage('hi', { replyToken: h.api.issueReplyToken(ALICE) })));
    const error = h.errors[0].error as Error;
    expect(error.message).toMatch(/^LINE API POST \/v2\/bot\/message\/reply answered 502: unexpected answer \(\d+ bytes, not LINE's error JSON\)$/);
  });

  it('reports an API that cannot be reached, naming the endpoint', async () => {
    app = async (context) => context.sendText('hi');
    const token = h.api.issueReplyToken(ALICE);
    await h.api.close();
    await h.post(fx.webhookBody(fx.textMessage('hi', { replyToken: token })));
    expect((h.errors[0].error as Error).message).toMatch(/^LINE API POST \/v2\/bot\/message\/reply could not be reached/);
  });
});
