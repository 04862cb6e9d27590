import { HTTPFetchError, messagingApi } from '@line/bot-sdk';

import { AUTH_FAILED, type FakeLineApi, INVALID_REPLY_TOKEN, startFakeLineApi } from '@bottender/line/testing';
import { ALICE, BOB, GROUP, ROOM } from './fixtures/sources';

/**
 * The fake answers the real SDK client the way LINE does, so what the connector tests see of it
 * (success shapes and error answers) is what production would show.
 */
describe('the fake LINE Messaging API, driven by the real SDK client', () => {
  let api: FakeLineApi;
  let client: messagingApi.MessagingApiClient;

  beforeEach(async () => {
    api = await startFakeLineApi('good-token');
    client = new messagingApi.MessagingApiClient({ channelAccessToken: 'good-token', baseURL: api.origin });
  });
  afterEach(() => api.close());

  async function failure(call: Promise<unknown>): Promise<{ status: number; body: any }> {
    const error = await call.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(HTTPFetchError);
    const { status, body } = error as HTTPFetchError;
    return { status, body: JSON.parse(body) };
  }

  it('replies once per reply token and answers sentMessages', async () => {
    const replyToken = api.issueReplyToken(ALICE);
    const answer = await client.replyMessage({ replyToken, messages: [{ type: 'text', text: 'hi' }] });
    expect(answer.sentMessages).toEqual([{ id: expect.stringMatching(/^\d+$/), quoteToken: expect.any(String) }]);
    expect(await failure(client.replyMessage({ replyToken, messages: [{ type: 'text', text: 'again' }] }))).toEqual({
      status: 400,
      body: INVALID_REPLY_TOKEN,
    });
  });

  it('refuses unknown and expired reply tokens', async () => {
    const expired = api.issueReplyToken(ALICE);
    api.expireReplyToken(expired);
    for (const replyToken of ['0123456789abcdef0123456789abcdef', expired]) {
      expect(await failure(client.replyMessage({ replyToken, messages: [{ type: 'text', text: 'x' }] }))).toEqual({
        status: 400,
        body: INVALID_REPLY_TOKEN,
      });
    }
  });

  it('refuses a wrong access token with 401', async () => {
    const wrong = new messagingApi.MessagingApiClient({ channelAccessToken: 'bad-token', baseURL: api.origin });
    expect(await failure(wrong.getProfile(ALICE))).toEqual({ status: 401, body: AUTH_FAILED });
  });

  it('validates message bodies like LINE: count, type, text length', async () => {
    const replyToken = api.issueReplyToken(ALICE);
    const six = Array.from({ length: 6 }, () => ({ type: 'text' as const, text: 'x' }));
    expect(await failure(client.replyMessage({ replyToken, messages: six }))).toEqual({
      status: 400,
      body: { message: 'The request body has 1 error(s)', details: [{ message: 'Size must be between 1 and 5', property: 'messages' }] },
    });
    const bad = [{ type: 'text', text: '' }, { type: 'text', text: 'y'.repeat(5001) }, { type: 'button' }] as never;
    const { body } = await failure(client.pushMessage({ to: ALICE, messages: bad }));
    expect(body.message).toBe('The request body has 3 error(s)');
    expect(body.details.map((d: { property: string }) => d.property)).toEqual(['messages[0].text', 'messages[1].text', 'messages[2].type']);
    // The token was not used up by the refused request.
    await client.replyMessage({ replyToken, messages: [{ type: 'text', text: 'ok' }] });
  });

  it('pushes only to LINE ids', async () => {
    expect((await client.pushMessage({ to: GROUP, messages: [{ type: 'text', text: 'x' }] })).sentMessages).toHaveLength(1);
    expect((await failure(client.pushMessage({ to: 'someone', messages: [{ type: 'text', text: 'x' }] }))).status).toBe(400);
  });

  it('answers 404 Not found for an unknown user profile and unknown paths', async () => {
    expect(await failure(client.getProfile(ALICE))).toEqual({ status: 404, body: { message: 'Not found' } });
    expect(await failure(client.getBotInfo())).toEqual({ status: 404, body: { message: 'Not found' } });
  });

  it('counts group members and leaves a group or room once; unknown chats are 404', async () => {
    api.addMember(GROUP, { displayName: 'Alice', userId: ALICE });
    api.addMember(GROUP, { displayName: 'Bob', userId: BOB });
    api.addMember(ROOM, { displayName: 'Bob', userId: BOB });
    expect(await client.getGroupMemberCount(GROUP)).toEqual({ count: 2 });
    expect(await client.leaveRoom(ROOM)).toEqual({});
    expect(await client.leaveGroup(GROUP)).toEqual({});
    expect(api.chats.left).toEqual([ROOM, GROUP]);
    expect((await failure(client.leaveGroup(GROUP))).status).toBe(404);
    expect((await failure(client.getRoomMemberCount(ROOM))).status).toBe(404);
  });

  it('links a known rich menu to a user, answers it, unlinks it; 404 when none is linked', async () => {
    api.chats.richMenus.add('richmenu-members');
    expect((await failure(client.getRichMenuIdOfUser(ALICE))).status).toBe(404);
    expect((await failure(client.linkRichMenuIdToUser(ALICE, 'richmenu-unknown'))).status).toBe(404);
    expect(await client.linkRichMenuIdToUser(ALICE, 'richmenu-members')).toEqual({});
    expect(await client.getRichMenuIdOfUser(ALICE)).toEqual({ richMenuId: 'richmenu-members' });
    expect(await client.unlinkRichMenuIdFromUser(ALICE)).toEqual({});
    expect(api.chats.linkedRichMenus.size).toBe(0);
  });

  it('issues a fresh link token per request', async () => {
    const { linkToken } = await client.issueLinkToken(ALICE);
    expect(linkToken).toMatch(/^[\w-]{32}$/);
    expect(api.chats.linkTokens).toEqual([{ userId: ALICE, linkToken }]);
  });

  it('records every request with its answer', async () => {
    await client.getProfile(ALICE).catch(() => undefined);
    expect(api.requests).toEqual([
      expect.objectContaining({ method: 'GET', path: `/v2/bot/profile/${ALICE}`, authorization: 'Bearer good-token', status: 404 }),
    ]);
  });
});
