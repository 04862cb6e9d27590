import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

import { Bot, createRequestHandler, MemorySessionStore } from 'bottender';

import { createConnector, type SlackChannelOptions } from '@bottender/slack';
import { startFakeSlackApi } from '@bottender/slack/testing';

import * as fx from './fixtures/events';
import { BOT_TOKEN, APP_TOKEN, nowSeconds, postRaw, sign, SIGNING_SECRET, type SlackBotHarness, startSlackBot, WEBHOOK_PATH } from './harness';

/* eslint-disable @typescript-eslint/no-require-imports */
const helloWorld = require('./fixtures/one-x-examples/hello-world.js');
const postEphemeral = require('./fixtures/one-x-examples/post-ephemeral.js');
const slashCommand = require('./fixtures/one-x-examples/slash-command.js');
const updateAndDelete = require('./fixtures/one-x-examples/update-and-delete.js');
const interactiveMessage = require('./fixtures/one-x-examples/interactive-message.js');
const multipleChannels = require('./fixtures/one-x-examples/multiple-channels.js');
/* eslint-enable @typescript-eslint/no-require-imports */

/**
 * Bottender 1.x's Slack examples that send messages (examples/slack-hello-world,
 * slack-post-ephemeral, slack-slash-command, slack-update-and-delete, slack-interactive-message,
 * and the cross-platform multiple-channels and custom-server-* ones), each rewritten as a
 * CommonJS bot in fixtures/one-x-examples with the same 1.x calls, run unchanged against the fake
 * Slack API. Their `channels.slack` config is checked too. The view examples are in
 * examples-1x-views.test.ts.
 */

/** A 1.x example's `channels.slack`, plus the fake API's origin (tests only). */
const ONE_X_CONFIG = { enabled: true, path: WEBHOOK_PATH, accessToken: BOT_TOKEN, signingSecret: SIGNING_SECRET };

/** Starts `app` with the config of the 1.x examples, and records how many Web API calls preceded each commit. */
async function startExample(app: unknown, connector: Partial<SlackChannelOptions> = {}) {
  const h = await startSlackBot({ app: app as never, connector: { ...ONE_X_CONFIG, appToken: undefined, ...connector } });
  const callsAtCommit: number[] = [];
  const write = h.store.write.bind(h.store);
  h.store.write = (record, options) => {
    callsAtCommit.push(h.api.calls.length);
    return write(record, options);
  };
  return { h, callsAtCommit };
}

const methodsOf = (h: SlackBotHarness) => h.api.calls.map((call) => call.method);

describe('1.x example slack-hello-world', () => {
  let h: SlackBotHarness;
  let callsAtCommit: number[];
  beforeEach(async () => ({ h, callsAtCommit } = await startExample(helloWorld)));
  afterEach(() => h.close());

  it('runs with the example\'s channels.slack (enabled, path, accessToken, signingSecret)', () => {
    expect(() => createConnector({ ...ONE_X_CONFIG })).not.toThrow();
  });

  it("answers Slack's check of the Event Subscriptions Request URL (url_verification) at the example's path", async () => {
    const check = fx.urlVerification();
    const answer = await h.postEvent(check);
    expect(answer.status).toBe(200);
    expect(answer.json).toEqual({ challenge: check.challenge });
    expect(h.api.calls).toEqual([]);
  });

  it('context.sendText(text) answers a message in its channel, after the commit', async () => {
    expect((await h.postEvent(fx.eventCallback(fx.message('hello')))).status).toBe(200);
    expect(h.api.messages).toMatchObject([{ via: 'chat.postMessage', channel: fx.GENERAL, text: 'Hi, I am a Slack bot' }]);
    expect(h.api.messages[0].threadTs).toBeUndefined();
    expect(callsAtCommit).toEqual([0]);
  });

  it('context.sendText(text) answers a threaded message in its thread, as 1.x did (threadTs of the event)', async () => {
    await h.postEvent(fx.eventCallback(fx.message('hello', { threadTs: '1700000000.000100', channel: fx.RANDOM })));
    expect(h.api.messages).toMatchObject([{ channel: fx.RANDOM, text: 'Hi, I am a Slack bot', threadTs: '1700000000.000100' }]);
  });

  it("the bot's own reply, delivered back as a message event, does not run the handler (includeBotMessages is off by default)", async () => {
    await h.postEvent(fx.eventCallback(fx.appBotUserMessage('Hi, I am a Slack bot')));
    await h.postEvent(fx.eventCallback(fx.botMessage('Hi, I am a Slack bot')));
    expect(h.api.calls).toHaveLength(0);
  });

  it("includeBotMessages: true runs it for another bot's message, as in 1.x", async () => {
    await h.close();
    ({ h } = await startExample(helloWorld, { includeBotMessages: true }));
    await h.postEvent(fx.eventCallback(fx.botMessage('beep', { ownBot: false })));
    expect(h.api.textsIn(fx.GENERAL)).toEqual(['Hi, I am a Slack bot']);
  });
});

describe('1.x example slack-post-ephemeral', () => {
  let h: SlackBotHarness;
  let callsAtCommit: number[];
  beforeEach(async () => ({ h, callsAtCommit } = await startExample(postEphemeral)));
  afterEach(() => h.close());

  it("context.chat.postEphemeral(text) with a plain string posts it to the event's user in its channel, after the commit", async () => {
    expect((await h.postEvent(fx.eventCallback(fx.message('psst', { channel: fx.RANDOM, user: fx.BOB })))).status).toBe(200);
    expect(h.errors).toEqual([]);
    expect(h.api.callsOf('chat.postEphemeral').map((call) => call.args)).toEqual([
      { channel: fx.RANDOM, user: fx.BOB, text: 'Just between the two of us.' },
    ]);
    expect(h.api.messages).toMatchObject([{ via: 'chat.postEphemeral', channel: fx.RANDOM, user: fx.BOB }]);
    expect(callsAtCommit).toEqual([0]);
  });

  it('answers a slash command the same way, in the channel it was typed in', async () => {
    await h.postCommand(fx.slashCommand('/whisper', 'hi', { channel: fx.PRIVATE }));
    expect(h.api.callsOf('chat.postEphemeral')[0].args).toEqual({ channel: fx.PRIVATE, user: fx.ALICE, text: 'Just between the two of us.' });
  });

  it('context.chat.postMessage(text) takes a plain string too, and resolves to the posted message', async () => {
    let answer: any;
    await h.close();
    ({ h } = await startExample(async (context: any) => {
      answer = await context.chat.postMessage('For everyone');
    }));
    await h.postEvent(fx.eventCallback(fx.message('hi')));
    expect(h.api.callsOf('chat.postMessage')[0].args).toEqual({ channel: fx.GENERAL, text: 'For everyone' });
    expect(answer).toMatchObject({ ok: true, channel: fx.GENERAL, ts: h.api.messages[0].ts });
  });

  it.each([
    ['an empty string', '', /^context\.chat\.postEphemeral\(\) needs the text as a non-empty string, got an empty string$/],
    ['a text over 40,000 characters', 'x'.repeat(40_001), /^context\.chat\.postEphemeral\(\) got 40001 characters; Slack takes at most 40000$/],
    ['a number', 42, /^context\.chat\.postEphemeral\(\) needs the options as an object, got a number$/],
  ])('refuses %s in the handler, before anything is sent, and saves nothing', async (_name, text, message) => {
    await h.close();
    ({ h } = await startExample(async (context: any) => {
      context.setState({ touched: true });
      await context.chat.postEphemeral(text);
    }));
    await h.postEvent(fx.eventCallback(fx.message('hi')));
    expect(h.errors).toHaveLength(1);
    expect(h.errors[0].error).toBeInstanceOf(TypeError);
    expect((h.errors[0].error as Error).message).toMatch(message);
    expect(h.api.calls).toEqual([]);
    expect(await h.store.inner.read(`slack:${fx.GENERAL}`)).toBeUndefined();
  });
});

describe('1.x example slack-slash-command', () => {
  let h: SlackBotHarness;
  beforeEach(async () => {
    slashCommand.seen.length = 0;
    ({ h } = await startExample(slashCommand));
  });
  afterEach(() => h.close());

  it('context.event.isCommand, .command and .text read the command; sendText answers in its channel', async () => {
    expect((await h.postCommand(fx.slashCommand('/order', 'two pizzas', { channel: fx.RANDOM }))).status).toBe(200);
    expect(slashCommand.seen).toEqual([{ command: '/order', text: 'two pizzas' }]);
    expect(h.api.textsIn(fx.RANDOM)).toEqual(['Command /order got: "two pizzas"']);
  });

  it('a command typed without arguments has text ""', async () => {
    await h.postCommand(fx.slashCommand('/order', ''));
    expect(slashCommand.seen).toEqual([{ command: '/order', text: '' }]);
  });

  it('anything else is not a command', async () => {
    await h.postEvent(fx.eventCallback(fx.message('/order two pizzas')));
    expect(slashCommand.seen).toEqual([]);
    expect(h.api.textsIn(fx.GENERAL)).toEqual(['Try a slash command']);
  });
});

describe('1.x example slack-update-and-delete', () => {
  let h: SlackBotHarness;
  let callsAtCommit: number[];
  beforeEach(async () => {
    updateAndDelete.seen.length = 0;
    ({ h, callsAtCommit } = await startExample(updateAndDelete));
  });
  afterEach(() => h.close());

  it('const { ts, channel } = await context.chat.postMessage(...) gets the posted message; chat.update and chat.delete({ ts }) act on it after the commit', async () => {
    expect((await h.postEvent(fx.eventCallback(fx.message('go', { channel: fx.RANDOM })))).status).toBe(200);
    expect(h.errors).toEqual([]);
    const [posted] = h.api.messages;
    expect(updateAndDelete.seen).toEqual([{ ts: posted.ts, channel: fx.RANDOM }]);
    expect(methodsOf(h)).toEqual(['chat.postMessage', 'chat.update', 'chat.delete']);
    expect(callsAtCommit).toEqual([1]);
    expect(h.api.calls[1].args).toEqual({ channel: fx.RANDOM, ts: posted.ts, text: 'Edited: this will go away' });
    // chat.delete named only the ts: the event's channel is filled in, as 1.x did.
    expect(h.api.calls[2].args).toEqual({ channel: fx.RANDOM, ts: posted.ts });
  });

  it('rawEvent.subtype tells the edits and deletions that follow apart, and they send nothing', async () => {
    await h.postEvent(fx.eventCallback(fx.messageChanged('typo fixed', 'tpyo')));
    await h.postEvent(fx.eventCallback(fx.messageDeleted('gone')));
    expect(updateAndDelete.seen).toEqual([{ ignored: 'message_changed' }, { ignored: 'message_deleted' }]);
    expect(h.api.calls).toEqual([]);
  });

  it("the bot's own edit and deletion are bot messages: the handler does not see them", async () => {
    await h.postEvent(fx.eventCallback(fx.messageChanged('Edited: this will go away', 'Draft: this will change', { bot: true })));
    expect(updateAndDelete.seen).toEqual([]);
    expect(h.api.calls).toEqual([]);
  });
});

describe('1.x example slack-interactive-message', () => {
  let h: SlackBotHarness;
  beforeEach(async () => ({ h } = await startExample(interactiveMessage)));
  afterEach(() => h.close());

  it("text('*') takes any text; chat.postMessage({ attachments }) posts the legacy attachments as written, without text", async () => {
    expect((await h.postEvent(fx.eventCallback(fx.message('thirsty')))).status).toBe(200);
    expect(h.errors).toEqual([]);
    const [call] = h.api.callsOf('chat.postMessage');
    expect(call.args.channel).toBe(fx.GENERAL);
    expect(call.args.text).toBeUndefined();
    expect(call.args.attachments).toHaveLength(2);
    expect(call.args.attachments[0]).toMatchObject({ callback_id: 'drink_order', attachment_type: 'default', color: '#2E8B57' });
    expect(call.args.attachments[0].actions[1].confirm).toEqual({ title: 'Sure?', text: 'That is a lot of coffee.', ok_text: 'Yes', dismiss_text: 'No' });
    expect(call.args.attachments[1].actions[0]).toMatchObject({ type: 'select', options: [{ text: 'Water', value: 'water' }, { text: 'Juice', value: 'juice' }] });
  });

  it("slack.event('interactive_message') takes the click; context.event.callbackId is the attachment's callback_id", async () => {
    const click = fx.interactiveMessage('tea', { channel: fx.RANDOM });
    click.callback_id = 'drink_order';
    expect((await h.postPayload(click)).status).toBe(200);
    expect(h.api.textsIn(fx.RANDOM)).toEqual(["Got your 'drink_order' choice"]);
  });
});

describe('1.x examples multiple-channels and custom-server-* (their slack part)', () => {
  it("context.platform is 'slack' and sendText answers", async () => {
    const { h } = await startExample(multipleChannels);
    try {
      await h.postEvent(fx.eventCallback(fx.message('hi')));
      expect(h.api.textsIn(fx.GENERAL)).toEqual(['Hello from slack']);
    } finally {
      await h.close();
    }
  });

  it('their channels.slack with only verificationToken stops the start, saying signingSecret is needed (documented difference)', () => {
    const config = { enabled: true, path: WEBHOOK_PATH, accessToken: BOT_TOKEN, verificationToken: 'legacy-verification-token' };
    expect(() => createConnector(config as never)).toThrow(/^channels\.slack\.signingSecret must be set: Slack deprecated verificationToken/);
  });

  it('with signingSecret added, verificationToken is accepted and ignored', () => {
    expect(() => createConnector({ ...ONE_X_CONFIG, verificationToken: 'legacy-verification-token' })).not.toThrow();
  });

  describe("mounted in a custom server whose body parser kept the body as a string on req.rawBody (custom-server-express's verify)", () => {
    let server: Server;
    let port: number;
    let close: () => Promise<void>;
    let api: Awaited<ReturnType<typeof startFakeSlackApi>>;

    beforeEach(async () => {
      api = await startFakeSlackApi(BOT_TOKEN, APP_TOKEN);
      const connector = createConnector({ ...ONE_X_CONFIG, origin: api.origin });
      const bot = new Bot({ app: multipleChannels, store: new MemorySessionStore(), logger: { info() {}, warn() {}, error() {} } });
      const handle = createRequestHandler({ bot, channels: [{ path: WEBHOOK_PATH, connector }] });
      // What bodyParser.json/urlencoded({ verify }) leave: the stream read, the text on rawBody, the parsed body on body.
      server = createServer((req: IncomingMessage & { rawBody?: string; body?: unknown }, res) => {
        const chunks: Buffer[] = [];
        req.on('data', (chunk: Buffer) => chunks.push(chunk));
        req.on('end', () => {
          req.rawBody = Buffer.concat(chunks).toString();
          req.body = String(req.headers['content-type']).startsWith('application/json')
            ? JSON.parse(req.rawBody)
            : Object.fromEntries(new URLSearchParams(req.rawBody));
          handle(req, res);
        });
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      port = (server.address() as AddressInfo).port;
      close = async () => {
        await new Promise<void>((resolve) => server.close(() => resolve()));
        await bot.close();
        await api.close();
      };
    });
    afterEach(() => close());

    const postSigned = (raw: string, contentType: string, secret = SIGNING_SECRET) => {
      const timestamp = nowSeconds();
      return postRaw(port, raw, { 'content-type': contentType, 'x-slack-request-timestamp': String(timestamp), 'x-slack-signature': sign(raw, timestamp, secret) });
    };

    it('checks the signature over req.rawBody and answers an Events API message', async () => {
      expect((await postSigned(JSON.stringify(fx.eventCallback(fx.message('hi'))), 'application/json')).status).toBe(200);
      expect(api.textsIn(fx.GENERAL)).toEqual(['Hello from slack']);
    });

    it('answers a form-encoded slash command the same way', async () => {
      expect((await postSigned(fx.commandForm(fx.slashCommand('/hello', '', { channel: fx.RANDOM })), 'application/x-www-form-urlencoded')).status).toBe(200);
      expect(api.textsIn(fx.RANDOM)).toEqual(['Hello from slack']);
    });

    it('refuses a body signed with another secret, and sends nothing', async () => {
      expect((await postSigned(JSON.stringify(fx.eventCallback(fx.message('hi'))), 'application/json', 'not-the-secret')).status).toBe(401);
      expect(api.calls).toEqual([]);
    });
  });
});
