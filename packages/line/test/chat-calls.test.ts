import { LineApiError, type LineContext } from '@bottender/line';

import * as fx from './fixtures/events';
import { ALICE, BOB, CAROL, GROUP, ROOM, groupSource, roomSource, userSource } from './fixtures/sources';
import { type LineBotHarness, startLineBot } from './harness';

const REPLY = '/v2/bot/message/reply';

/**
 * The other calls of Bottender 1.x's LineContext. Reads (member profiles and counts, the linked
 * rich menu, a link token) ask LINE at once. Changes (leave, link or unlink a rich menu) are
 * queued like messages: made after the messages are sent, and not at all if the handler throws.
 */
describe('LINE group, room and user calls', () => {
  let h: LineBotHarness;
  let app: (context: LineContext) => Promise<unknown>;
  let result: { value?: unknown; error?: unknown };

  beforeEach(async () => {
    h = await startLineBot({
      app: async (context: LineContext) => {
        result = {};
        try {
          result.value = await app(context);
        } catch (error) {
          result.error = error;
          throw error;
        }
      },
    });
    h.api.addMember(GROUP, { displayName: 'Alice', userId: ALICE });
    h.api.addMember(GROUP, { displayName: 'Bob', userId: BOB, pictureUrl: 'https://profile.line-scdn.net/bob' });
    h.api.addMember(GROUP, { displayName: 'Carol', userId: CAROL });
    h.api.addMember(ROOM, { displayName: 'Bob', userId: BOB });
    h.api.chats.richMenus.add('richmenu-vip');
  });
  afterEach(() => h.close());

  const post = (event: unknown) => h.post(fx.webhookBody(event));
  const inGroup = (userId: string | null = ALICE) => fx.textMessage('hi', { source: groupSource(userId), replyToken: h.api.issueReplyToken(GROUP) });
  const inChat = () => fx.textMessage('hi', { source: userSource(ALICE), replyToken: h.api.issueReplyToken(ALICE) });

  describe('getMemberProfile(userId)', () => {
    it('asks for the member profile of the group or room', async () => {
      app = (context) => context.getMemberProfile(BOB);
      await post(inGroup());
      expect(result.value).toEqual({ displayName: 'Bob', userId: BOB, pictureUrl: 'https://profile.line-scdn.net/bob' });
      await post(fx.textMessage('hi', { source: roomSource(ALICE) }));
      expect(result.value).toEqual({ displayName: 'Bob', userId: BOB });
      expect(h.api.requests.map((r) => r.path)).toEqual([`/v2/bot/group/${GROUP}/member/${BOB}`, `/v2/bot/room/${ROOM}/member/${BOB}`]);
    });

    it('is null in a one-to-one chat, without asking LINE (as in 1.x)', async () => {
      app = (context) => context.getMemberProfile(BOB);
      await post(inChat());
      expect(result).toEqual({ value: null });
      expect(h.api.requests).toHaveLength(0);
    });

    it('throws LineApiError 404 for someone who is not a member, and a TypeError for a bad userId', async () => {
      app = (context) => context.getMemberProfile('U0000000000000000000000000000dead');
      await post(inGroup());
      expect(result.error).toBeInstanceOf(LineApiError);
      expect(result.error).toMatchObject({ status: 404, endpoint: 'GET /v2/bot/group/{groupId}/member/{userId}' });
      app = (context) => context.getMemberProfile(undefined as never);
      await post(inGroup());
      expect((result.error as Error).message).toBe('context.getMemberProfile() needs the userId as a non-empty string, got undefined');
    });
  });

  describe('getMembersCount()', () => {
    it('asks LINE for a group or room, is 1 in a one-to-one chat and null without a source', async () => {
      app = (context) => context.getMembersCount();
      await post(inGroup());
      expect(result.value).toBe(3);
      await post(fx.textMessage('hi', { source: roomSource(BOB) }));
      expect(result.value).toBe(1);
      await post(inChat());
      expect(result.value).toBe(1);
      await post(fx.textMessage('hi', { source: null }));
      expect(result.value).toBeNull();
      expect(h.api.requests.map((r) => r.path)).toEqual([`/v2/bot/group/${GROUP}/members/count`, `/v2/bot/room/${ROOM}/members/count`]);
    });
  });

  describe('leave()', () => {
    it('leaves the group or room after the messages are sent', async () => {
      app = async (context) => {
        await context.leave();
        await context.replyText('Bye!');
      };
      await post(inGroup());
      await post(fx.textMessage('hi', { source: roomSource(BOB), replyToken: h.api.issueReplyToken(ROOM) }));
      expect(h.api.requests.map((r) => `${r.method} ${r.path}`)).toEqual([
        `POST ${REPLY}`,
        `POST /v2/bot/group/${GROUP}/leave`,
        `POST ${REPLY}`,
        `POST /v2/bot/room/${ROOM}/leave`,
      ]);
      expect(h.api.chats.left).toEqual([GROUP, ROOM]);
    });

    it('does not leave when the handler throws', async () => {
      app = async (context) => {
        await context.leave();
        throw new Error('changed my mind');
      };
      await post(inGroup());
      expect(h.api.requests).toHaveLength(0);
      expect(h.api.chats.left).toEqual([]);
    });

    it('throws in a one-to-one chat, where there is nothing to leave', async () => {
      app = (context) => context.leave();
      await post(inChat());
      expect((result.error as Error).message).toBe('context.leave() only works in a group or room; this LINE "message" event came from a one-to-one chat');
      expect(h.api.requests).toHaveLength(0);
    });

    it('still tries to leave when the goodbye could not be sent, and reports both failures', async () => {
      app = async (context) => {
        await context.replyText('Bye!');
        await context.leave();
      };
      h.api.failNext(REPLY, 500, { message: 'An error occurred in the internal server.' });
      h.api.failNext(`/v2/bot/group/${GROUP}/leave`, 500, { message: 'An error occurred in the internal server.' });
      await post(inGroup());
      expect(h.api.requests.map((r) => r.path)).toEqual([REPLY, `/v2/bot/group/${GROUP}/leave`]);
      const error = h.errors[0].error as AggregateError;
      expect(error).toBeInstanceOf(AggregateError);
      expect(error.errors.map((e: Error) => e.message)).toEqual([
        expect.stringMatching(/^LINE API POST \/v2\/bot\/message\/reply answered 500/),
        'context.leave() failed after the commit: LINE API POST /v2/bot/group/{groupId}/leave answered 500: An error occurred in the internal server.',
      ]);
      expect(error.message).toMatch(/^2 LINE calls failed after the commit: /);
    });
  });

  describe('rich menus', () => {
    it('linkRichMenu and unlinkRichMenu change the event user\'s menu after the messages are sent', async () => {
      app = async (context) => {
        await context.linkRichMenu('richmenu-vip');
        await context.replyText('VIP menu on');
      };
      await post(inChat());
      expect(h.api.requests.map((r) => `${r.method} ${r.path}`)).toEqual([`POST ${REPLY}`, `POST /v2/bot/user/${ALICE}/richmenu/richmenu-vip`]);
      app = (context) => context.getLinkedRichMenu();
      await post(inChat());
      expect(result.value).toEqual({ richMenuId: 'richmenu-vip' });
      app = (context) => context.unlinkRichMenu();
      await post(inChat());
      expect(h.api.chats.linkedRichMenus.size).toBe(0);
      app = (context) => context.getLinkedRichMenu();
      await post(inChat());
      expect(result.value).toBeNull();
    });

    it('work for the member who wrote in a group, and throw when LINE names no user', async () => {
      app = (context) => context.linkRichMenu('richmenu-vip');
      await post(inGroup(BOB));
      expect(h.api.chats.linkedRichMenus.get(BOB)).toBe('richmenu-vip');
      await post(inGroup(null));
      expect((result.error as Error).message).toBe('context.linkRichMenu() needs the event\'s user, and this LINE "message" event names none');
      app = (context) => context.getLinkedRichMenu();
      await post(inGroup(null));
      expect(result).toEqual({ value: null });
    });

    it('linkRichMenu refuses a missing id inside the handler; an unknown one is reported after the commit', async () => {
      app = (context) => context.linkRichMenu(undefined as never);
      await post(inChat());
      expect((result.error as Error).message).toBe('context.linkRichMenu() needs the richMenuId as a non-empty string, got undefined');
      app = (context) => context.linkRichMenu('richmenu-nope');
      await post(inChat());
      expect((h.errors.at(-1)?.error as Error).message).toBe(
        'context.linkRichMenu() failed after the commit: LINE API POST /v2/bot/user/{userId}/richmenu/{richMenuId} answered 404: Not found',
      );
    });
  });

  describe('issueLinkToken()', () => {
    it('issues a token for the event\'s user at once, so the handler can send the link', async () => {
      app = async (context) => {
        const { linkToken } = await context.issueLinkToken();
        await context.replyText(`https://example.com/link?linkToken=${linkToken}`);
        return linkToken;
      };
      await post(inChat());
      expect(h.api.chats.linkTokens).toEqual([{ userId: ALICE, linkToken: result.value }]);
      expect(h.api.textsTo(ALICE)).toEqual([`https://example.com/link?linkToken=${result.value}`]);
    });

    it('throws when the event names no user', async () => {
      app = (context) => context.issueLinkToken();
      await post(fx.join({ source: groupSource(null) }));
      expect((result.error as Error).message).toBe('context.issueLinkToken() needs the event\'s user, and this LINE "join" event names none');
    });
  });
});
