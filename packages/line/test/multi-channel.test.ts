import { request } from 'node:http';

import { Bot, MemorySessionStore, type RunningServer, serve, silentLogger } from 'bottender';

import { createConnector } from '@bottender/line';
import { type FakeLineApi, signedLineRequest, startFakeLineApi } from '@bottender/line/testing';

import * as fx from './fixtures/events';
import { ALICE, userSource } from './fixtures/sources';

/**
 * Several LINE channels in one bot, as Bottender 1.x's multi-channel bots are configured: one
 * webhook path with a parameter, `getConfig({ params })` giving each channel's token and secret,
 * `getSessionKeyPrefix` keeping each channel's sessions apart (one LINE provider gives a user the
 * same id in all its channels). Each channel's replies go out with its own token.
 */
const CHANNELS: Record<string, { accessToken: string; channelSecret: string }> = {
  shop: { accessToken: 'token-of-the-shop-channel-0123456789', channelSecret: '0a1b2c3d4e5f60718293a4b5c6d7e8f9' },
  news: { accessToken: 'token-of-the-news-channel-0123456789', channelSecret: 'f9e8d7c6b5a4938271605f4e3d2c1b0a' },
};
const SINGLE = { accessToken: 'token-of-the-plain-channel-0123456789', channelSecret: '11112222333344445555666677778888' };

let api: FakeLineApi;
let server: RunningServer;
let store: MemorySessionStore;

beforeAll(async () => {
  api = await startFakeLineApi(SINGLE.accessToken);
  for (const channel of Object.values(CHANNELS)) api.acceptAccessToken(channel.accessToken);
  store = new MemorySessionStore();
  const bot = new Bot({
    store,
    logger: silentLogger,
    app: async (context: any) => {
      const count = (context.state.count ?? 0) + 1;
      context.setState({ count });
      await context.replyText(`${context.session.id} #${count}`);
    },
  });
  const multi = createConnector({
    origin: api.origin,
    getConfig: async ({ params }: { params: Record<string, string> }) => CHANNELS[params.channelId],
    getSessionKeyPrefix: (_event: unknown, { params }: { params: Record<string, string> }) => `${params.channelId}:`,
  });
  const plain = createConnector({ origin: api.origin, ...SINGLE });
  server = await serve({
    bot,
    channels: [
      { path: '/webhooks/line/:channelId', connector: multi },
      { path: '/webhooks/line', connector: plain },
    ],
    port: 0,
    host: '127.0.0.1',
    logger: silentLogger,
  });
});
afterAll(async () => {
  await server?.close();
  await api?.close();
});

function post(path: string, secret: string, event: object): Promise<number> {
  const { body, headers } = signedLineRequest([event], secret);
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: server.port, path, method: 'POST', headers }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    req.end(body);
  });
}

const textFrom = (user: string) => fx.textMessage('hi', { source: userSource(user), replyToken: api.issueReplyToken(user) });

/** The replies the fake received after `from`, as [token, text]. */
const repliesSince = (from: number) =>
  api.calls('/v2/bot/message/reply').slice(from).map((call) => [call.authorization, call.body?.messages?.[0]?.text]);

it("replies to each channel's events with that channel's token, and keeps each channel's session of one user apart", async () => {
  const before = api.calls('/v2/bot/message/reply').length;
  expect(await post('/webhooks/line/shop', CHANNELS.shop.channelSecret, textFrom(ALICE))).toBe(200);
  expect(await post('/webhooks/line/shop', CHANNELS.shop.channelSecret, textFrom(ALICE))).toBe(200);
  expect(await post('/webhooks/line/news', CHANNELS.news.channelSecret, textFrom(ALICE))).toBe(200);
  expect(await post('/webhooks/line', SINGLE.channelSecret, textFrom(ALICE))).toBe(200);
  // Replies go out after the commit: wait for them (bounded).
  for (let i = 0; i < 200 && repliesSince(before).length < 4; i++) await new Promise((resolve) => setTimeout(resolve, 25));
  expect(repliesSince(before)).toEqual([
    [`Bearer ${CHANNELS.shop.accessToken}`, `line:shop:${ALICE} #1`],
    [`Bearer ${CHANNELS.shop.accessToken}`, `line:shop:${ALICE} #2`],
    [`Bearer ${CHANNELS.news.accessToken}`, `line:news:${ALICE} #1`],
    [`Bearer ${SINGLE.accessToken}`, `line:${ALICE} #1`],
  ]);
  expect((await store.read(`line:shop:${ALICE}`))?.state).toEqual({ count: 2 });
  expect((await store.read(`line:news:${ALICE}`))?.state).toEqual({ count: 1 });
  expect((await store.read(`line:${ALICE}`))?.state).toEqual({ count: 1 });
});

it("refuses a webhook signed with another channel's secret (401) and a channel getConfig does not know (404), before any store access", async () => {
  const sessions = store.size;
  expect(await post('/webhooks/line/shop', CHANNELS.news.channelSecret, textFrom(ALICE))).toBe(401);
  expect(await post('/webhooks/line/nowhere', CHANNELS.shop.channelSecret, textFrom(ALICE))).toBe(404);
  expect(await post('/webhooks/line/shop/extra', CHANNELS.shop.channelSecret, textFrom(ALICE))).toBe(404);
  expect(store.size).toBe(sessions);
});
