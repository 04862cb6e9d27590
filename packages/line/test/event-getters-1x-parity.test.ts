import { existsSync } from 'node:fs';
import { join } from 'node:path';

import { LineEvent } from '@bottender/line';

import * as fx from './fixtures/events';
import { BOT_USER_ID, groupSource } from './fixtures/sources';

/**
 * Every getter Bottender 1.5.5's LineEvent has answers here what 1.5.5 answers for the same
 * webhook event, `null` included: checked against 1.5.5's own class when bench/bottender-1.5.5
 * is installed (npm ci there), otherwise against the values 1.5.5 gives, written out.
 */
const V1 = join(__dirname, '..', '..', '..', 'bench', 'bottender-1.5.5', 'node_modules', 'bottender', 'dist', 'line', 'LineEvent.js');
const OneXLineEvent: (new (raw: unknown, options: { destination: string }) => Record<string, unknown>) | undefined = existsSync(V1)
  ? // eslint-disable-next-line @typescript-eslint/no-require-imports
    require(V1).default
  : undefined;

/** 1.x's getters by group; `things` and the device getters are left out (LINE Things has ended). */
const GETTERS = {
  common: ['timestamp', 'destination', 'replyToken', 'source', 'isMessage', 'message'],
  messages: ['isText', 'text', 'isImage', 'image', 'isVideo', 'video', 'isAudio', 'audio', 'isLocation', 'location', 'isSticker', 'sticker'],
  chat: ['isFollow', 'isUnfollow', 'unfollow', 'isJoin', 'join', 'isLeave', 'leave', 'isMemberJoined', 'memberJoined', 'isMemberLeft', 'memberLeft'],
  postbacks: ['isPostback', 'postback', 'isPayload', 'payload', 'date', 'time', 'datetime'],
  others: ['isBeacon', 'beacon', 'isAccountLink', 'accountLink'],
} as const;

const SAMPLES: [string, unknown][] = [
  ['text', fx.textMessage('hi')],
  ['image', fx.imageMessage()],
  ['video', fx.videoMessage()],
  ['audio', fx.audioMessage()],
  ['file', fx.fileMessage()],
  ['location', fx.locationMessage()],
  ['sticker', fx.stickerMessage()],
  ['follow', fx.follow()],
  ['unfollow', fx.unfollow()],
  ['join', fx.join({ source: groupSource(null) })],
  ['leave', fx.leave({ source: groupSource(null) })],
  ['memberJoined', fx.memberJoined({ source: groupSource(null) })],
  ['memberLeft', fx.memberLeft({ source: groupSource(null) })],
  ['postback', fx.postback('action=buy')],
  ['date picker', fx.postback('pick', {}, { date: '2024-05-01' })],
  ['datetime picker', fx.postback('pick', {}, { datetime: '2024-05-01T10:00' })],
  ['beacon', fx.beacon()],
  ['accountLink', fx.accountLink()],
  ['unsend', fx.unsend('512345678901234567')],
  ['videoPlayComplete', fx.videoPlayComplete()],
];

describe.each(Object.entries(GETTERS))("LineEvent's %s getters answer what Bottender 1.5.5's answer", (_group, getters) => {
  it.each(SAMPLES)('for a %s event', (_kind, raw) => {
    const ours = new LineEvent(raw as never, BOT_USER_ID) as unknown as Record<string, unknown>;
    for (const getter of getters) {
      const expected = OneXLineEvent ? new OneXLineEvent(raw, { destination: BOT_USER_ID })[getter] : undefined;
      if (OneXLineEvent) expect({ getter, value: ours[getter] }).toEqual({ getter, value: expected });
      // Without 1.5.5 at hand: absent values are null, never undefined, as 1.x's were.
      expect({ getter, undefined: ours[getter] === undefined }).toEqual({ getter, undefined: false });
    }
  });
});

it('event.follow is the source, as in 1.x, plus LINE\'s follow detail (isUnblocked); null for other events', () => {
  const follow = new LineEvent(fx.follow({}, true) as never, BOT_USER_ID);
  expect(follow.follow).toMatchObject({ ...follow.source, isUnblocked: true });
  expect(new LineEvent(fx.textMessage('hi') as never, BOT_USER_ID).follow).toBeNull();
});

it('a reply built from a getter reads as 1.x\'s did ("clicked null")', () => {
  const text = new LineEvent(fx.textMessage('hi') as never, BOT_USER_ID);
  expect(`clicked ${text.payload}`).toBe('clicked null');
});

beforeAll(() => {
  console.info(`LINE getters compared with ${OneXLineEvent ? "Bottender 1.5.5's own LineEvent" : 'the null rule only (1.5.5 not installed)'}`);
});
