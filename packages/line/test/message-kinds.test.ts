import type { LineContext } from '@bottender/line';

import * as fx from './fixtures/events';
import { ALICE } from './fixtures/sources';
import { type LineBotHarness, startLineBot } from './harness';

const REPLY = '/v2/bot/message/reply';
const PUSH = '/v2/bot/message/push';

const quickReply = { items: [{ type: 'action', action: { type: 'message', label: 'Again', text: 'again' } }] };
const sender = { name: 'Counter Cat', iconUrl: 'https://cdn.example.com/cat.png' };
const actions = [
  { type: 'message', label: 'Yes', text: 'yes' },
  { type: 'message', label: 'No', text: 'no' },
];
const bubble = { type: 'bubble', body: { type: 'box', layout: 'vertical', contents: [{ type: 'text', text: 'Count: 3' }] } };
const columns = [
  { text: 'one', actions },
  { text: 'two', actions },
];
const imageColumns = [{ imageUrl: 'https://cdn.example.com/1.png', action: actions[0] }];
const imagemap = {
  baseUrl: 'https://cdn.example.com/map',
  baseSize: { width: 1040, height: 1040 },
  actions: [{ type: 'message', text: 'left', area: { x: 0, y: 0, width: 520, height: 1040 } }],
};

/**
 * Each kind with the arguments a 1.x handler passes, and the message object 1.x sent for them
 * (checked against Bottender 1.5.5's builders). Every kind has a reply*, push* and send* method.
 */
const kinds: [kind: string, args: unknown[], message: object][] = [
  ['Text', ['Count: 3', { quickReply, sender }], { type: 'text', text: 'Count: 3', quickReply, sender }],
  [
    'Image',
    [{ originalContentUrl: 'https://cdn.example.com/a.png' }],
    { type: 'image', originalContentUrl: 'https://cdn.example.com/a.png', previewImageUrl: 'https://cdn.example.com/a.png' },
  ],
  [
    'Video',
    [{ originalContentUrl: 'https://cdn.example.com/a.mp4', previewImageUrl: 'https://cdn.example.com/a.jpg' }],
    { type: 'video', originalContentUrl: 'https://cdn.example.com/a.mp4', previewImageUrl: 'https://cdn.example.com/a.jpg' },
  ],
  [
    'Audio',
    [{ originalContentUrl: 'https://cdn.example.com/a.m4a', duration: 240000 }],
    { type: 'audio', originalContentUrl: 'https://cdn.example.com/a.m4a', duration: 240000 },
  ],
  [
    'Location',
    [{ title: 'Office', address: 'Tokyo', latitude: 35.6595, longitude: 139.7005 }],
    { type: 'location', title: 'Office', address: 'Tokyo', latitude: 35.6595, longitude: 139.7005 },
  ],
  ['Sticker', [{ packageId: '446', stickerId: '1988' }, { quickReply }], { type: 'sticker', packageId: '446', stickerId: '1988', quickReply }],
  ['Imagemap', ['The map', imagemap], { type: 'imagemap', altText: 'The map', ...imagemap }],
  ['Flex', ['Count: 3', bubble], { type: 'flex', altText: 'Count: 3', contents: bubble }],
  [
    'Template',
    ['Sure?', { type: 'confirm', text: 'Sure?', actions }],
    { type: 'template', altText: 'Sure?', template: { type: 'confirm', text: 'Sure?', actions } },
  ],
  [
    'ButtonsTemplate',
    ['Menu', { thumbnailImageUrl: 'https://cdn.example.com/t.png', title: 'Menu', text: 'Pick one', actions }],
    {
      type: 'template',
      altText: 'Menu',
      template: { type: 'buttons', thumbnailImageUrl: 'https://cdn.example.com/t.png', title: 'Menu', text: 'Pick one', actions },
    },
  ],
  [
    'ButtonTemplate',
    ['Menu', { text: 'Pick one', actions }],
    { type: 'template', altText: 'Menu', template: { type: 'buttons', text: 'Pick one', actions } },
  ],
  [
    'ConfirmTemplate',
    ['Sure?', { text: 'Sure?', actions }],
    { type: 'template', altText: 'Sure?', template: { type: 'confirm', text: 'Sure?', actions } },
  ],
  [
    'CarouselTemplate',
    ['Pick', columns, { imageAspectRatio: 'square', imageSize: 'contain', quickReply }],
    {
      type: 'template',
      altText: 'Pick',
      template: { type: 'carousel', columns, imageAspectRatio: 'square', imageSize: 'contain' },
      quickReply,
    },
  ],
  [
    'ImageCarouselTemplate',
    ['Pick', imageColumns],
    { type: 'template', altText: 'Pick', template: { type: 'image_carousel', columns: imageColumns } },
  ],
];

describe('LINE message kinds: reply*, push* and send* with the arguments of Bottender 1.x', () => {
  let h: LineBotHarness;
  let app: (context: LineContext) => Promise<void>;

  afterEach(() => h.close());

  async function run(options: { sendMethod?: 'reply' | 'push' }, handler: (context: LineContext) => Promise<void>) {
    app = handler;
    h = await startLineBot({ ...options, app: (context: LineContext) => app(context) });
    await h.post(fx.webhookBody(fx.textMessage('hi', { replyToken: h.api.issueReplyToken(ALICE) })));
  }

  const call = (context: LineContext, name: string, args: unknown[]) =>
    (context as unknown as Record<string, (...a: unknown[]) => Promise<void>>)[name](...args);

  it.each(kinds)('%s: the reply* and send* methods go in the reply, push* in a push after it', async (kind, args, message) => {
    await run({}, async (context) => {
      await call(context, `reply${kind}`, args);
      await call(context, `push${kind}`, args);
      await call(context, `send${kind}`, args);
    });
    expect(h.errors).toEqual([]);
    expect(h.api.calls(REPLY).map((c) => [c.status, c.body.messages])).toEqual([[200, [message, message]]]);
    expect(h.api.calls(PUSH).map((c) => [c.status, c.body])).toEqual([[200, { to: ALICE, messages: [message] }]]);
  });

  it.each(kinds)('%s: the send* method pushes with sendMethod "push"', async (kind, args, message) => {
    await run({ sendMethod: 'push' }, (context) => call(context, `send${kind}`, args));
    expect(h.api.calls(REPLY)).toHaveLength(0);
    expect(h.api.calls(PUSH).map((c) => c.body)).toEqual([{ to: ALICE, messages: [message] }]);
  });

  it('reply(), push() and send() take ready message objects, one or an array, as 1.x did', async () => {
    const a = { type: 'text', text: 'a' } as const;
    const b = { type: 'text', text: 'b' } as const;
    await run({}, async (context) => {
      await context.reply([a, b]);
      await context.push(a);
      await context.send([b]);
      await context.push([b, a]);
    });
    expect(h.api.calls(REPLY).map((c) => c.body.messages)).toEqual([[a, b, b]]);
    expect(h.api.calls(PUSH).map((c) => c.body.messages)).toEqual([[a, b, a]]);
  });

  it('options 1.x passed as null mean none, and keys LINE does not know are not sent', async () => {
    await run({}, async (context) => {
      await context.replyText('a', null);
      await context.replySticker({ packageId: '446', stickerId: '1988' }, { accessToken: 'x', quickReply } as never);
    });
    expect(h.api.calls(REPLY)[0].body.messages).toEqual([
      { type: 'text', text: 'a' },
      { type: 'sticker', packageId: '446', stickerId: '1988', quickReply },
    ]);
  });

  it('text keeps this package\'s extras: emojis and quoteToken', async () => {
    const emojis = [{ index: 0, productId: '5ac1bfd5040ab15980c9b435', emojiId: '001' }];
    await run({}, async (context) => {
      const { quoteToken } = context.event.message as { quoteToken: string };
      await context.replyText('$ hi', { emojis, quoteToken });
    });
    expect(h.api.calls(REPLY)[0].body.messages).toEqual([{ type: 'text', text: '$ hi', emojis, quoteToken: expect.any(String) }]);
  });
});

describe('LINE message kinds: wrong arguments fail inside the handler, naming the method and argument', () => {
  let h: LineBotHarness;
  let failing: (context: any) => Promise<void>;

  beforeEach(async () => {
    h = await startLineBot({
      app: async (context: LineContext) => {
        let error: unknown;
        await failing(context).catch((e: unknown) => (error = e));
        context.setState({ error: (error as Error | undefined)?.message });
        await context.replyText('still fine');
      },
    });
  });
  afterEach(() => h.close());

  it.each([
    ['replyText(42)', (c: any) => c.replyText(42), 'context.replyText() needs a non-empty string, got 42'],
    ['pushText("")', (c: any) => c.pushText(''), 'context.pushText() needs a non-empty string, got an empty string'],
    ['replyText with options as a string', (c: any) => c.replyText('hi', 'again'), /^context\.replyText\(\) needs options as an object .*got a string$/],
    [
      'a quickReply that is the items array itself',
      (c: any) => c.replyText('hi', { quickReply: quickReply.items }),
      'context.replyText() needs options.quickReply as { items: [...] } with 1 to 13 items',
    ],
    [
      'replySticker with positional ids',
      (c: any) => c.replySticker('446', '1988'),
      'context.replySticker() needs the sticker ({ packageId, stickerId }) as an object, got a string',
    ],
    [
      'sticker ids as numbers',
      (c: any) => c.pushSticker({ packageId: 446, stickerId: 1988 }),
      'context.pushSticker() needs packageId as a non-empty string, got 446',
    ],
    [
      'replyImage with a URL string',
      (c: any) => c.replyImage('https://cdn.example.com/a.png'),
      'context.replyImage() needs the image ({ originalContentUrl, previewImageUrl }) as an object, got a string',
    ],
    [
      'an image over plain http',
      (c: any) => c.sendImage({ originalContentUrl: 'http://cdn.example.com/a.png' }),
      'context.sendImage() needs originalContentUrl as an https:// URL (LINE only fetches HTTPS)',
    ],
    [
      'a video without its preview',
      (c: any) => c.replyVideo({ originalContentUrl: 'https://cdn.example.com/a.mp4' }),
      'context.replyVideo() needs previewImageUrl as a non-empty string, got undefined',
    ],
    [
      'an audio duration as a string',
      (c: any) => c.replyAudio({ originalContentUrl: 'https://cdn.example.com/a.m4a', duration: '4s' }),
      'context.replyAudio() needs duration (milliseconds) as a finite number, got a string',
    ],
    [
      'a latitude as a string',
      (c: any) => c.replyLocation({ title: 'Office', address: 'Tokyo', latitude: '35.6', longitude: 139.7 }),
      'context.replyLocation() needs latitude as a finite number, got a string',
    ],
    ['flex without altText', (c: any) => c.replyFlex(bubble), 'context.replyFlex() needs altText as a non-empty string, got an object'],
    ['a template of an unknown type', (c: any) => c.replyTemplate('alt', { type: 'list' }), /^context\.replyTemplate\(\) needs a template of type "buttons", "confirm"/],
    [
      'a buttons template without actions',
      (c: any) => c.replyButtonsTemplate('Menu', { text: 'Pick' }),
      'context.replyButtonsTemplate() needs actions as a non-empty array, got undefined',
    ],
    [
      'carousel columns as an object',
      (c: any) => c.replyCarouselTemplate('Pick', { text: 'one', actions }),
      'context.replyCarouselTemplate() needs columns as a non-empty array, got an object',
    ],
    [
      'an empty image carousel',
      (c: any) => c.pushImageCarouselTemplate('Pick', []),
      'context.pushImageCarouselTemplate() needs columns as a non-empty array, got an empty array',
    ],
    ['reply() with a string', (c: any) => c.reply('hi'), 'context.reply() needs LINE message objects, each with a string "type"'],
    ['push() with an object without type', (c: any) => c.push([{ text: 'hi' }]), 'context.push() needs LINE message objects, each with a string "type"'],
  ])('%s', async (_name, failing_, message) => {
    failing = failing_;
    await h.post(fx.webhookBody(fx.textMessage('hi', { replyToken: h.api.issueReplyToken(ALICE) })));
    const state = (await h.store.inner.read(`line:${ALICE}`))?.state as { error?: string };
    if (typeof message === 'string') expect(state.error).toBe(message);
    else expect(state.error).toMatch(message);
    expect(h.api.calls(REPLY).map((c) => c.body.messages)).toEqual([[{ type: 'text', text: 'still fine' }]]);
    expect(h.api.calls(PUSH)).toHaveLength(0);
  });
});
