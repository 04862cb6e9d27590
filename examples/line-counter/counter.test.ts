import { Bot, MemorySessionStore, type RunningServer, serve } from 'bottender';

import { createConnector, type LineChannelOptions, type LineSource } from '@bottender/line';

import { type FakeLineApi, startFakeLineApi } from '@bottender/line/testing';
import * as fx from '../../packages/line/test/fixtures/events';
import { ALICE, BOB, GROUP, groupSource, userSource } from '../../packages/line/test/fixtures/sources';
import { ACCESS_TOKEN, CHANNEL_SECRET, postRaw, sign } from '../../packages/line/test/harness';
import App from './index';

/**
 * The example as a user meets it: its own config object and handler, on the real server, against
 * the fake LINE API. Each user, group and room counts on its own.
 */
describe('line-counter example', () => {
  let api: FakeLineApi;
  let server: RunningServer;

  beforeEach(async () => {
    api = await startFakeLineApi(ACCESS_TOKEN);
    process.env.LINE_ACCESS_TOKEN = ACCESS_TOKEN;
    process.env.LINE_CHANNEL_SECRET = CHANNEL_SECRET;
    // Loaded after the environment is set, as the CLI would after reading .env.
    jest.resetModules();
    const { default: config } = require('./bottender.config') as typeof import('./bottender.config');
    const line = config.channels.line as LineChannelOptions;
    const connector = createConnector({ ...line, origin: api.origin });
    const bot = new Bot({ app: App, store: new MemorySessionStore() });
    server = await serve({ bot, channels: [{ path: line.path!, connector }], port: 0, host: '127.0.0.1' });
  });
  afterEach(async () => {
    await server.close();
    await api.close();
  });

  async function say(text: string, source: LineSource, to: string) {
    const raw = JSON.stringify(fx.webhookBody(fx.textMessage(text, { source, replyToken: api.issueReplyToken(to) })));
    const answer = await postRaw(server.port, raw, { 'x-line-signature': sign(raw) });
    expect(answer.status).toBe(200);
  }

  it('counts to 3 for one user while another user and a group count separately', async () => {
    await say('hi', userSource(ALICE), ALICE);
    await say('hi', userSource(BOB), BOB);
    await say('hi', groupSource(ALICE), GROUP);
    await say('again', userSource(ALICE), ALICE);
    await say('me too', groupSource(BOB), GROUP);
    await say('and again', userSource(ALICE), ALICE);

    expect(api.textsTo(ALICE)).toEqual(['Count: 1', 'Count: 2', 'Count: 3']);
    expect(api.textsTo(BOB)).toEqual(['Count: 1']);
    expect(api.textsTo(GROUP)).toEqual(['Count: 1', 'Count: 2']);
  });

  it('counts every event of one request, in order, each answered by its own reply', async () => {
    const events = [
      fx.textMessage('1', { source: userSource(ALICE), replyToken: api.issueReplyToken(ALICE) }),
      fx.textMessage('1', { source: userSource(BOB), replyToken: api.issueReplyToken(BOB) }),
      fx.textMessage('2', { source: userSource(ALICE), replyToken: api.issueReplyToken(ALICE) }),
      fx.stickerMessage({ source: userSource(ALICE), replyToken: api.issueReplyToken(ALICE) }),
    ];
    const raw = JSON.stringify(fx.webhookBody(...events));
    expect((await postRaw(server.port, raw, { 'x-line-signature': sign(raw) })).status).toBe(200);
    expect(api.textsTo(ALICE)).toEqual(['Count: 1', 'Count: 2', 'Count: 3']);
    expect(api.textsTo(BOB)).toEqual(['Count: 1']);
  });

  it('does not count or answer events that are not messages', async () => {
    const raw = JSON.stringify(fx.webhookBody(fx.unfollow({ source: userSource(ALICE) })));
    expect((await postRaw(server.port, raw, { 'x-line-signature': sign(raw) })).status).toBe(200);
    await say('hi', userSource(ALICE), ALICE);
    expect(api.textsTo(ALICE)).toEqual(['Count: 1']);
  });
});
