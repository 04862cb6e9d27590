import { LineEvent } from '@bottender/line';

import * as fx from './fixtures/events';
import { ALICE, BOB, BOT_USER_ID, CAROL, GROUP, ROOM, groupSource, roomSource, userSource } from './fixtures/sources';

const eventOf = (raw: unknown) => new LineEvent(raw as never, BOT_USER_ID);

/**
 * The getters of Bottender 1.x's LineEvent, with 1.x's names and meanings, so a 1.x handler reads
 * events unchanged. Where 1.x answered null, these answer null too (a reply built from a getter
 * reads the same, `clicked null` included).
 */
describe('LineEvent: the getters of Bottender 1.x', () => {
  it.each([
    ['image', fx.imageMessage, { contentProvider: { type: 'line' } }],
    ['video', fx.videoMessage, { duration: 60000 }],
    ['audio', fx.audioMessage, { duration: 8200 }],
    ['file', fx.fileMessage, { fileName: 'minutes.pdf', fileSize: 48213 }],
    ['location', fx.locationMessage, { title: 'Office', latitude: 35.6595, longitude: 139.7005 }],
    ['sticker', fx.stickerMessage, { packageId: '446', stickerId: '1988' }],
  ] as const)('event.%s is the message of that type, and null for every other event', (kind, build, content) => {
    const event = eventOf(build());
    expect(event[kind]).toBe(event.message);
    expect(event[kind]).toMatchObject({ type: kind, id: expect.any(String), ...content });
    const others = ['image', 'video', 'audio', 'file', 'location', 'sticker'].filter((k) => k !== kind);
    for (const other of others) expect(event[other as typeof kind]).toBeNull();
    expect(eventOf(fx.textMessage('hi'))[kind]).toBeNull();
    expect(eventOf(fx.follow())[kind]).toBeNull();
  });

  it('event.follow is the follower\'s source (1.x) and says whether it was an unblock', () => {
    const event = eventOf(fx.follow({ source: userSource(ALICE) }, true));
    expect(event.follow).toEqual({ type: 'user', userId: ALICE, isUnblocked: true });
    expect(event.follow?.userId).toBe(ALICE);
    expect(eventOf(fx.unfollow()).follow).toBeNull();
  });

  it('event.unfollow, event.join and event.leave are the event\'s source for that event type only', () => {
    expect(eventOf(fx.unfollow({ source: userSource(BOB) })).unfollow).toEqual({ type: 'user', userId: BOB });
    expect(eventOf(fx.join({ source: groupSource(null) })).join).toEqual({ type: 'group', groupId: GROUP });
    expect(eventOf(fx.leave({ source: roomSource(null) })).leave).toEqual({ type: 'room', roomId: ROOM });
    const message = eventOf(fx.textMessage('hi'));
    expect([message.unfollow, message.join, message.leave]).toEqual([null, null, null]);
  });

  it('event.memberJoined and event.memberLeft are `{ members }`, as LINE sends them', () => {
    const joined = eventOf(fx.memberJoined({ source: groupSource(null) }, [BOB, CAROL]));
    expect(joined.memberJoined).toEqual({ members: [{ type: 'user', userId: BOB }, { type: 'user', userId: CAROL }] });
    expect(joined.joinedMembers).toEqual(joined.memberJoined?.members);
    expect(joined.memberLeft).toBeNull();
    const left = eventOf(fx.memberLeft({ source: groupSource(null) }, [CAROL]));
    expect(left.memberLeft).toEqual({ members: [{ type: 'user', userId: CAROL }] });
    expect(left.memberJoined).toBeNull();
  });

  it('event.date, event.time and event.datetime are what a picker returned in the postback', () => {
    expect(eventOf(fx.postback('pick', {}, { date: '2024-05-01' }))).toMatchObject({ date: '2024-05-01', time: null, datetime: null });
    expect(eventOf(fx.postback('pick', {}, { time: '10:00' }))).toMatchObject({ date: null, time: '10:00' });
    expect(eventOf(fx.postback('pick', {}, { datetime: '2024-05-01T10:00' })).datetime).toBe('2024-05-01T10:00');
    expect(eventOf(fx.postback('plain'))).toMatchObject({ date: null, time: null, datetime: null, payload: 'plain' });
    expect(eventOf(fx.textMessage('hi')).datetime).toBeNull();
  });

  it('keeps the getters 1.x shares with this package: postback, payload, beacon, accountLink, replyToken, source, timestamp', () => {
    const postback = eventOf(fx.postback('action=buy', { source: groupSource(ALICE), replyToken: 'r1', timestamp: 1714550400000 }));
    expect(postback).toMatchObject({
      isPostback: true,
      postback: { data: 'action=buy' },
      isPayload: true,
      payload: 'action=buy',
      replyToken: 'r1',
      source: { type: 'group', groupId: GROUP, userId: ALICE },
      timestamp: 1714550400000,
      destination: BOT_USER_ID,
    });
    expect(postback.rawEvent).toMatchObject({ type: 'postback', postback: { data: 'action=buy' } });
    expect(eventOf(fx.beacon())).toMatchObject({ isBeacon: true, beacon: { hwid: 'd41d8cd98f', type: 'enter' } });
    expect(eventOf(fx.accountLink())).toMatchObject({ isAccountLink: true, accountLink: { result: 'ok' } });
    expect(eventOf(fx.memberJoined())).toMatchObject({ isMemberJoined: true, isMemberLeft: false });
  });
});
