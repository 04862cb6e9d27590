import { Bot, MemorySessionStore, type RunningServer, serve } from 'bottender';

import { createConnector, type SlackChannelOptions } from '@bottender/slack';

import { type FakeSlackApi, startFakeSlackApi } from '@bottender/slack/testing';
import { FakeSocketMode } from '../../packages/slack/test/fake-socket-mode';
import * as fx from '../../packages/slack/test/fixtures/events';
import { APP_TOKEN, BOT_TOKEN, nowSeconds, postRaw, sign, SIGNING_SECRET } from '../../packages/slack/test/harness';
import App from './index';

/**
 * The example as a user meets it: its own config object and handler, against the fake Slack API,
 * over HTTP and over Socket Mode. Each channel counts on its own.
 */
describe('slack-counter example', () => {
  let api: FakeSlackApi;

  function loadConfig(): SlackChannelOptions {
    process.env.SLACK_ACCESS_TOKEN = BOT_TOKEN;
    process.env.SLACK_SIGNING_SECRET = SIGNING_SECRET;
    process.env.SLACK_APP_TOKEN = APP_TOKEN;
    // Loaded after the environment is set, as the CLI would after reading .env.
    jest.resetModules();
    const { default: config } = require('./bottender.config') as typeof import('./bottender.config');
    return { ...(config.channels.slack as SlackChannelOptions), origin: api.origin };
  }

  beforeEach(async () => {
    api = await startFakeSlackApi(BOT_TOKEN, APP_TOKEN);
  });
  afterEach(() => api.close());

  it('counts per channel over HTTP: messages, /count and the +1 button; not edits or its own messages', async () => {
    const slack = loadConfig();
    const connector = createConnector(slack);
    const bot = new Bot({ app: App, store: new MemorySessionStore() });
    const server: RunningServer = await serve({ bot, channels: [{ path: slack.path!, connector }], port: 0, host: '127.0.0.1' });
    const post = async (raw: string, contentType: string) => {
      const timestamp = nowSeconds();
      const answer = await postRaw(server.port, raw, { 'content-type': contentType, 'x-slack-request-timestamp': String(timestamp), 'x-slack-signature': sign(raw, timestamp) });
      expect(answer.status).toBe(200);
    };
    const say = (text: string, channel: string) => post(JSON.stringify(fx.eventCallback(fx.message(text, { channel }))), 'application/json');
    try {
      await say('hi', fx.GENERAL);
      await say('hi', fx.RANDOM);
      await post(fx.commandForm(fx.slashCommand('/count', '', { channel: fx.GENERAL })), 'application/x-www-form-urlencoded');
      await post(fx.payloadForm(fx.blockActions('plus_one', { channel: fx.GENERAL })), 'application/x-www-form-urlencoded');
      await post(JSON.stringify(fx.eventCallback(fx.messageChanged('hi!', 'hi'))), 'application/json');
      await post(JSON.stringify(fx.eventCallback(fx.appBotUserMessage('Count: 3'))), 'application/json');
      await say('and again', fx.RANDOM);
    } finally {
      await server.close();
    }
    expect(api.textsIn(fx.GENERAL)).toEqual(['Count: 1', 'Count: 2', 'Count: 3']);
    expect(api.textsIn(fx.RANDOM)).toEqual(['Count: 1', 'Count: 2']);
    expect(api.callsOf('chat.postMessage')[0].args.blocks[1].elements[0].value).toBe('plus_one');
  });

  it('counts per channel over Socket Mode', async () => {
    const socket = await new FakeSocketMode().start(api);
    const slack = loadConfig();
    const connector = createConnector(slack);
    expect(connector.transport({ dev: true })).toBe('loop');
    const bot = new Bot({ app: App, store: new MemorySessionStore() });
    const stop = new AbortController();
    const running = connector.run(bot.dispatcher(connector), stop.signal);
    try {
      await socket.waitForConnection();
      for (const channel of [fx.GENERAL, fx.RANDOM, fx.GENERAL, fx.GENERAL]) {
        await socket.waitForAck(socket.send('events_api', fx.eventCallback(fx.message('hi', { channel }))));
      }
      await socket.waitForAck(socket.send('slash_commands', fx.slashCommand('/count', '', { channel: fx.RANDOM })));
      await bot.drain();
    } finally {
      stop.abort();
      await running;
      await connector.close();
      await socket.close();
    }
    expect(api.textsIn(fx.GENERAL)).toEqual(['Count: 1', 'Count: 2', 'Count: 3']);
    expect(api.textsIn(fx.RANDOM)).toEqual(['Count: 1', 'Count: 2']);
  });
});
