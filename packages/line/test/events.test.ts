import type { LineContext, LineEvent } from '@bottender/line';

import * as fx from './fixtures/events';
import { ALICE, BOB, BOT_USER_ID, CAROL, GROUP, ROOM, groupSource, roomSource, userSource } from './fixtures/sources';
import { type LineBotHarness, startLineBot } from './harness';

/** Every webhook event type reaches the handler, with its content on `context.event`. */
describe('LINE events reach the handler', () => {
  let h: LineBotHarness;
  let seen: { event: LineEvent; sessionId: string | undefined; state: unknown }[];

  beforeEach(async () => {
    seen = [];
    h = await startLineBot({
      app: async (context: LineContext) => {
        seen.push({ event: context.event, sessionId: context.session?.id, state: context.state });
      },
    });
  });
  afterEach(() => h.close());

  async function deliver(event: unknown): Promise<LineEvent> {
    const answer = await h.post(fx.webhookBody(event));
    expect(answer.status).toBe(200);
    expect(seen).toHaveLength(1);
    return seen[0].event;
  }

  it('text message: text, isText, message id and quote token, destination', async () => {
    const event = await deliver(fx.textMessage('Hello, bot'));
    expect(event).toMatchObject({ type: 'message', isMessage: true, isText: true, text: 'Hello, bot', messageType: 'text' });
    expect(event.message).toMatchObject({ type: 'text', id: expect.stringMatching(/^\d{18}$/), quoteToken: expect.any(String) });
    expect(event.destination).toBe(BOT_USER_ID);
    expect(event.isPayload).toBe(false);
    expect(event.payload).toBeNull();
  });

  it('text message with mentions keeps the mentionees', async () => {
    const event = await deliver(fx.mentionMessage({ source: groupSource(ALICE) }));
    const message = event.message as { mention?: { mentionees: { userId?: string; isSelf?: boolean }[] } };
    expect(message.mention?.mentionees).toEqual([
      expect.objectContaining({ userId: BOT_USER_ID, isSelf: true }),
      expect.objectContaining({ userId: BOB }),
    ]);
  });

  it.each([
    ['image', fx.imageMessage, 'isImage', { contentProvider: { type: 'line' }, imageSet: expect.any(Object) }],
    ['video', fx.videoMessage, 'isVideo', { duration: 60000, contentProvider: expect.objectContaining({ type: 'external' }) }],
    ['audio', fx.audioMessage, 'isAudio', { duration: 8200 }],
    ['file', fx.fileMessage, 'isFile', { fileName: 'minutes.pdf', fileSize: 48213 }],
    ['location', fx.locationMessage, 'isLocation', { title: 'Office', latitude: 35.6595, longitude: 139.7005 }],
    ['sticker', fx.stickerMessage, 'isSticker', { packageId: '446', stickerId: '1988', stickerResourceType: 'STATIC' }],
  ] as const)('%s message: its isX flag and its content on event.message', async (type, build, flag, content) => {
    const event = await deliver(build());
    expect(event.isMessage).toBe(true);
    expect(event[flag]).toBe(true);
    expect(event.isText).toBe(false);
    expect(event.text).toBeNull();
    expect(event.messageType).toBe(type);
    expect(event.message).toMatchObject({ type, ...content });
  });

  it('follow: isFollow, whether the user unblocked the bot, a reply token', async () => {
    const event = await deliver(fx.follow({}, true));
    expect(event).toMatchObject({ isFollow: true, follow: { isUnblocked: true }, isMessage: false });
    expect(event.replyToken).toMatch(/^[0-9a-f]{32}$/);
  });

  it('unfollow: isUnfollow and no reply token', async () => {
    const event = await deliver(fx.unfollow());
    expect(event).toMatchObject({ isUnfollow: true, isFollow: false, replyToken: null });
  });

  it('join and leave: the bot entered or left a group', async () => {
    expect(await deliver(fx.join({ source: groupSource(null) }))).toMatchObject({ isJoin: true, isLeave: false });
    seen = [];
    expect(await deliver(fx.leave({ source: groupSource(null) }))).toMatchObject({ isLeave: true, replyToken: null });
  });

  it('member joined and member left: who came and went', async () => {
    const joined = await deliver(fx.memberJoined({ source: groupSource(null) }, [BOB, CAROL]));
    expect(joined.isMemberJoined).toBe(true);
    expect(joined.joinedMembers).toEqual([{ type: 'user', userId: BOB }, { type: 'user', userId: CAROL }]);
    seen = [];
    const left = await deliver(fx.memberLeft({ source: roomSource(null) }, [CAROL]));
    expect(left).toMatchObject({ isMemberLeft: true, leftMembers: [{ type: 'user', userId: CAROL }], replyToken: null });
  });

  it('postback: isPayload and payload (the data), with picker params', async () => {
    const event = await deliver(fx.postback('action=book&slot=3', {}, { datetime: '2024-05-01T10:00' }));
    expect(event).toMatchObject({ isPostback: true, isPayload: true, payload: 'action=book&slot=3', isMessage: false });
    expect(event.postback).toEqual({ data: 'action=book&slot=3', params: { datetime: '2024-05-01T10:00' } });
  });

  it('beacon: hardware id, type and device message', async () => {
    const event = await deliver(fx.beacon());
    expect(event).toMatchObject({ isBeacon: true, beacon: { hwid: 'd41d8cd98f', type: 'enter', dm: '1234567890abcdef' } });
  });

  it('account link: result and nonce', async () => {
    const event = await deliver(fx.accountLink({}, 'failed'));
    expect(event).toMatchObject({ isAccountLink: true, accountLink: { result: 'failed', nonce: 'xJ3s9YtQ2mP0wL7k' } });
  });

  it('unsend: the id of the message taken back, no reply token', async () => {
    const event = await deliver(fx.unsend('512345678901234567'));
    expect(event).toMatchObject({ isUnsend: true, unsend: { messageId: '512345678901234567' }, replyToken: null });
  });

  it('video play complete: the tracking id', async () => {
    const event = await deliver(fx.videoPlayComplete());
    expect(event).toMatchObject({ isVideoPlayComplete: true, videoPlayComplete: { trackingId: 'intro-video-2024' } });
  });

  it('an event type this package does not know still reaches the handler, raw', async () => {
    const raw = { ...fx.follow(), type: 'activated', chatControl: { expireAt: 1 } };
    const event = await deliver(raw);
    expect(event.type).toBe('activated');
    expect(event.rawEvent).toMatchObject({ chatControl: { expireAt: 1 } });
    expect(event.isMessage).toBe(false);
  });

  it('standby mode: isStandby, no reply token', async () => {
    const event = await deliver(fx.textMessage('watching', { mode: 'standby' }));
    expect(event).toMatchObject({ isStandby: true, replyToken: null, text: 'watching' });
  });

  it('exposes the id, timestamp and redelivery flag', async () => {
    const event = await deliver(fx.textMessage('x', { webhookEventId: '01HZX3K4Q2M8N6P0R5S7T9V1W3', timestamp: 1714550400000 }));
    expect(event).toMatchObject({ id: '01HZX3K4Q2M8N6P0R5S7T9V1W3', timestamp: 1714550400000, isRedelivery: false });
  });
});

describe('LINE sources key sessions', () => {
  let h: LineBotHarness;
  let seen: { sessionId: string | undefined; userId: string | undefined; state: any; setStateError?: string }[];

  beforeEach(async () => {
    seen = [];
    h = await startLineBot({
      initialState: { count: 0 },
      app: async (context: LineContext) => {
        const entry: (typeof seen)[number] = { sessionId: context.session?.id, userId: context.event.userId, state: context.state };
        try {
          context.setState({ count: context.state.count + 1 });
        } catch (error) {
          entry.setStateError = (error as Error).message;
        }
        seen.push(entry);
      },
    });
  });
  afterEach(() => h.close());

  it('a user is keyed by userId, a group by groupId, a room by roomId', async () => {
    await h.post(fx.webhookBody(fx.textMessage('1', { source: userSource(ALICE) })));
    await h.post(fx.webhookBody(fx.textMessage('2', { source: groupSource(ALICE) })));
    await h.post(fx.webhookBody(fx.textMessage('3', { source: roomSource(ALICE) })));
    expect(seen.map((s) => [s.sessionId, s.userId])).toEqual([
      [`line:${ALICE}`, ALICE],
      [`line:${GROUP}`, ALICE],
      [`line:${ROOM}`, ALICE],
    ]);
    expect(h.store.writes).toBe(3);
  });

  it('every member of a group shares the group state, even members who share no user id', async () => {
    await h.post(fx.webhookBody(fx.textMessage('a', { source: groupSource(ALICE) })));
    await h.post(fx.webhookBody(fx.textMessage('b', { source: groupSource(BOB) })));
    await h.post(fx.webhookBody(fx.textMessage('c', { source: groupSource(null) })));
    expect(seen.map((s) => s.state.count)).toEqual([0, 1, 2]);
  });

  it.each([
    ['no source at all', null],
    ['a user source without userId', { type: 'user' }],
    ['a group source without groupId', { type: 'group', userId: ALICE }],
    ['a source of an unknown type', { type: 'square', squareChatId: 'S1' }],
    ['a userId that is not a string', { type: 'user', userId: 42 }],
  ])('%s: the handler runs without a session, state {} and setState fails clearly', async (_name, source) => {
    const answer = await h.post(fx.webhookBody(fx.textMessage('hi', { source: source as never })));
    expect(answer.status).toBe(200);
    expect(seen).toHaveLength(1);
    expect(seen[0].sessionId).toBeUndefined();
    expect(seen[0].state).toEqual({});
    expect(seen[0].setStateError).toMatch(/setState\(\) cannot be used here: this line event belongs to no session/);
    expect(h.store.reads).toBe(0);
    expect(h.store.writes).toBe(0);
  });

  it('handles several events of one request in order within one session', async () => {
    const texts = ['one', 'two', 'three', 'four'];
    const order: string[] = [];
    await h.close();
    h = await startLineBot({
      initialState: { log: [] },
      app: async (context: LineContext) => {
        order.push(context.event.text!);
        // A slow first event must not let the next one of the same session overtake it.
        if (context.event.text === 'one') await new Promise((resolve) => setTimeout(resolve, 30));
        context.setState({ log: [...context.state.log, context.event.text] });
      },
    });
    const answer = await h.post(fx.webhookBody(...texts.map((t) => fx.textMessage(t, { source: userSource(ALICE) }))));
    expect(answer.status).toBe(200);
    expect(order).toEqual(texts);
    const record = await h.store.inner.read(`line:${ALICE}`);
    expect(record?.state.log).toEqual(texts);
    expect(record?.version).toBe(4);
  });
});
