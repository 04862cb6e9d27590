import { LineApiError, type LineContext, type LineUserProfile } from '@bottender/line';

import * as fx from './fixtures/events';
import { ALICE, BOB, GROUP, ROOM, groupSource, roomSource, userSource } from './fixtures/sources';
import { type LineBotHarness, startLineBot } from './harness';

const alice: LineUserProfile = {
  displayName: 'Alice',
  userId: ALICE,
  pictureUrl: 'https://profile.line-scdn.net/alice',
  statusMessage: 'Counting things',
  language: 'en',
};

/** `context.getUserProfile()` asks LINE who is behind the event, the right way for each source. */
describe('LINE context.getUserProfile()', () => {
  let h: LineBotHarness;
  let result: { profile?: LineUserProfile | null; error?: unknown };

  beforeEach(async () => {
    h = await startLineBot({
      app: async (context: LineContext) => {
        result = {};
        try {
          result.profile = await context.getUserProfile();
        } catch (error) {
          result.error = error;
        }
      },
    });
    h.api.addProfile(alice);
    h.api.addMember(GROUP, { displayName: 'Bob', userId: BOB, pictureUrl: 'https://profile.line-scdn.net/bob' });
    h.api.addMember(ROOM, { displayName: 'Alice', userId: ALICE });
  });
  afterEach(() => h.close());

  it('in a one-to-one chat: the user profile, through the real SDK client', async () => {
    await h.post(fx.webhookBody(fx.follow({ source: userSource(ALICE) })));
    expect(result.profile).toEqual(alice);
    expect(h.api.requests).toEqual([
      expect.objectContaining({ method: 'GET', path: `/v2/bot/profile/${ALICE}`, status: 200, authorization: expect.stringMatching(/^Bearer /) }),
    ]);
  });

  it('in a group: the member profile of the group (no status message or language)', async () => {
    await h.post(fx.webhookBody(fx.textMessage('hi', { source: groupSource(BOB) })));
    expect(result.profile).toEqual({ displayName: 'Bob', userId: BOB, pictureUrl: 'https://profile.line-scdn.net/bob' });
    expect(h.api.requests[0].path).toBe(`/v2/bot/group/${GROUP}/member/${BOB}`);
  });

  it('in a room: the member profile of the room', async () => {
    await h.post(fx.webhookBody(fx.textMessage('hi', { source: roomSource(ALICE) })));
    expect(result.profile).toMatchObject({ displayName: 'Alice', userId: ALICE });
    expect(h.api.requests[0].path).toBe(`/v2/bot/room/${ROOM}/member/${ALICE}`);
  });

  it('null, without asking LINE, when the event does not say which user it is', async () => {
    await h.post(fx.webhookBody(fx.join({ source: groupSource(null) })));
    expect(result).toEqual({ profile: null });
    await h.post(fx.webhookBody(fx.textMessage('hi', { source: null })));
    expect(result).toEqual({ profile: null });
    expect(h.api.requests).toHaveLength(0);
  });

  it('throws LineApiError with the status when LINE does not know the user (e.g. blocked)', async () => {
    await h.post(fx.webhookBody(fx.textMessage('hi', { source: userSource(BOB) })));
    expect(result.error).toBeInstanceOf(LineApiError);
    expect(result.error).toMatchObject({ status: 404, lineMessage: 'Not found', endpoint: 'GET /v2/bot/profile/{userId}' });
    expect((result.error as LineApiError).requestId).toMatch(/^[0-9a-f-]{36}$/);
  });
});
