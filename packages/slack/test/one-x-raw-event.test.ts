import { existsSync } from 'node:fs';
import { join } from 'node:path';

import type { SlackConnector, SlackContext, SlackEvent } from '@bottender/slack';
import { createConnector } from '@bottender/slack';
import { type FakeSlackApi, type SlackRequestKind, slackWebhookRequest, startFakeSlackApi } from '@bottender/slack/testing';

import * as fx from './fixtures/events';
import { APP_TOKEN, BOT_TOKEN, SIGNING_SECRET, type SlackSocketHarness, startSlackBot, startSlackSocketBot } from './harness';

/**
 * Bottender 1.x handlers read `context.event.rawEvent` in camelCase (1.x camel-cased the whole
 * request body), and for the Events API 1.x's rawEvent was the event, not the callback. Those reads
 * answer here what they answered in 1.5.5, while `rawEvent` stays what Slack sent: checked against
 * 1.5.5's own conversion (its SlackConnector over messaging-api-common's camelcaseKeysDeep) when
 * bench/bottender-1.5.5 is installed, and against values written out here always.
 */
const V1_MODULES = join(__dirname, '..', '..', '..', 'bench', 'bottender-1.5.5', 'node_modules');
const V1_CONNECTOR = join(V1_MODULES, 'bottender', 'dist', 'slack', 'SlackConnector.js');

type Loose = Record<string, any>;

/** 1.5.5's rawEvent for a request body, computed by 1.5.5's own code; undefined without the bench folder. */
const oneXRawEventOf: ((kind: SlackRequestKind, input: object) => Loose) | undefined = existsSync(V1_CONNECTOR)
  ? (() => {
      /* eslint-disable @typescript-eslint/no-require-imports */
      const { camelcaseKeysDeep } = require(join(V1_MODULES, 'messaging-api-common'));
      const rawEventFromRequest = require(V1_CONNECTOR).default.prototype._getRawEventFromRequest as (body: Loose) => Loose;
      /* eslint-enable @typescript-eslint/no-require-imports */
      // What 1.x's Bot got as the body: the JSON, or the form's fields (interactivity: { payload: '<JSON>' }).
      return (kind: SlackRequestKind, input: object) => {
        const body = kind === 'interaction' ? { payload: JSON.stringify(input) } : JSON.parse(JSON.stringify(input));
        return rawEventFromRequest(camelcaseKeysDeep(body));
      };
    })()
  : undefined;

/** Every input kind of the fixtures, as Slack posts it. */
const SAMPLES: [string, SlackRequestKind, () => object][] = [
  ['a message', 'event', () => fx.eventCallback(fx.message('hi'))],
  ['a threaded message', 'event', () => fx.eventCallback(fx.message('hi', { threadTs: '1700000000.000100' }))],
  ['a direct message', 'event', () => fx.eventCallback(fx.message('hi', { channel: fx.ALICE_DM }))],
  ['a bot message', 'event', () => fx.eventCallback(fx.botMessage('beep', { ownBot: false }))],
  ['a message by an app bot user', 'event', () => fx.eventCallback(fx.appBotUserMessage('beep'))],
  ['an edit', 'event', () => fx.eventCallback(fx.messageChanged('new', 'old'))],
  ['a deletion', 'event', () => fx.eventCallback(fx.messageDeleted('old'))],
  ['a channel join', 'event', () => fx.eventCallback(fx.channelJoinMessage())],
  ['an app mention', 'event', () => fx.eventCallback(fx.appMention('count'))],
  ['a reaction', 'event', () => fx.eventCallback(fx.reactionAdded())],
  ['the app home opened', 'event', () => fx.eventCallback(fx.appHomeOpened())],
  ['a pin', 'event', () => fx.eventCallback(fx.pinAdded())],
  ['a channel created', 'event', () => fx.eventCallback(fx.channelCreated())],
  ['a team join', 'event', () => fx.eventCallback(fx.teamJoin())],
  ['a block action in a message', 'interaction', () => fx.blockActions('go', { threadTs: '1700000000.000200' })],
  ['a static select', 'interaction', () => fx.staticSelect('b')],
  ['a block action in a modal', 'interaction', () => fx.blockActionsInModal(fx.metadataFor(fx.RANDOM, 'x'))],
  ['a view submission', 'interaction', () => fx.viewSubmission(fx.metadataFor(fx.RANDOM, 'order-42'))],
  ['a view closed', 'interaction', () => fx.viewClosed(fx.metadataFor(fx.PRIVATE))],
  ['a global shortcut', 'interaction', () => fx.globalShortcut('note')],
  ['a message shortcut', 'interaction', () => fx.messageAction('remember')],
  ['a legacy interactive message', 'interaction', () => fx.interactiveMessage('chess')],
  ['a slash command', 'command', () => fx.slashCommand('/todo', 'buy milk')],
];

/** Every leaf of `value` (arrays by index) with its path. */
function leaves(value: unknown, path: string[] = []): [string[], unknown][] {
  if (typeof value !== 'object' || value === null) return [[path, value]];
  const entries = Object.entries(value);
  if (entries.length === 0) return [[path, value]];
  return entries.flatMap(([key, item]) => leaves(item, [...path, key]));
}

const read = (value: unknown, path: string[]): unknown => path.reduce<any>((at, key) => (at == null ? undefined : at[key]), value);

/** Every key (own, enumerable or not) of every object in `value`. */
function ownNames(value: unknown, out: string[] = []): string[] {
  if (typeof value !== 'object' || value === null) return out;
  out.push(...Object.getOwnPropertyNames(value).filter((name) => !(Array.isArray(value) && name === 'length')));
  for (const item of Object.values(value)) ownNames(item, out);
  return out;
}

describe("rawEvent answers Bottender 1.x's reads", () => {
  let api: FakeSlackApi;
  let connector: SlackConnector;

  beforeAll(async () => {
    api = await startFakeSlackApi(BOT_TOKEN, APP_TOKEN);
    connector = createConnector({ accessToken: BOT_TOKEN, signingSecret: SIGNING_SECRET, origin: api.origin, includeBotMessages: true });
  });
  afterAll(async () => {
    await connector.close();
    await api.close();
  });

  /** The event the connector makes of `input`, through its real parsing path. */
  async function received(kind: SlackRequestKind, input: object): Promise<SlackEvent> {
    const { events } = await connector.receive(slackWebhookRequest(kind, input, SIGNING_SECRET));
    expect(events).toHaveLength(1);
    return events[0];
  }

  const compare = oneXRawEventOf ? it.each(SAMPLES) : it.skip.each(SAMPLES);
  compare('every key path of 1.5.5\'s rawEvent reads the same value, for %s', async (_name, kind, sample) => {
    const input = sample();
    const expected = oneXRawEventOf!(kind, input);
    const raw = (await received(kind, input)).rawEvent as Loose;
    const paths = leaves(expected);
    expect(paths.length).toBeGreaterThan(3);
    for (const [path, value] of paths) {
      const at = path.join('.');
      if (kind === 'event' && at === 'type') {
        // The one read that differs: the callback keeps its own type; 1.x's is the event's.
        expect({ at, value: raw.type, event: raw.event.type }).toEqual({ at, value: 'event_callback', event: value });
        continue;
      }
      expect({ at, value: read(raw, path) }).toEqual({ at, value });
    }
  });

  it.each(SAMPLES)('JSON, keys and spreads of rawEvent stay what Slack sent, for %s', async (_name, kind, sample) => {
    const input = sample();
    const event = await received(kind, input);
    const raw = event.rawEvent as Loose;
    expect(JSON.stringify(raw)).toBe(JSON.stringify(kind === 'command' ? { ...input } : input));
    expect(Object.keys(raw)).toEqual(Object.keys(input));
    expect({ ...raw }).toEqual({ ...input });
  });

  it("reads an Events API message as 1.x's rawEvent (the event, camelCase) from the callback", async () => {
    const body = fx.eventCallback(fx.message('hi', { threadTs: '1700000000.000100' }));
    const raw = (await received('event', body)).rawEvent as Loose;
    const { event } = body as Loose;
    expect(raw.text).toBe('hi');
    expect(raw.user).toBe(fx.ALICE);
    expect(raw.channel).toBe(fx.GENERAL);
    expect(raw.ts).toBe(event.ts);
    expect(raw.threadTs).toBe('1700000000.000100');
    expect(raw.parentUserId).toBe(fx.BOB);
    expect(raw.channelType).toBe('channel');
    expect(raw.clientMsgId).toBe(event.client_msg_id);
    expect(raw.eventTs).toBe(event.ts);
    expect(raw.blocks[0].blockId).toBe('b1');
    expect(raw.subtype).toBeUndefined();
    // Slack's own names are all still there, and what Slack sent for the callback wins.
    expect(raw.event.thread_ts).toBe('1700000000.000100');
    expect(raw.event.threadTs).toBe('1700000000.000100');
    expect(raw.event_id).toBe(body.event_id);
    expect(raw.type).toBe('event_callback');
  });

  it("reads an edit's message, a bot message's subtype and botId, and a reaction's item as 1.x did", async () => {
    const edit = (await received('event', fx.eventCallback(fx.messageChanged('new', 'old', { bot: true })))).rawEvent as Loose;
    expect(edit.subtype).toBe('message_changed');
    expect(edit.message.botId).toBe(fx.BOT_ID);
    expect(edit.previousMessage.text).toBe('old');
    const bot = (await received('event', fx.eventCallback(fx.botMessage('beep', { ownBot: false })))).rawEvent as Loose;
    expect([bot.subtype, bot.botId, bot.appId]).toEqual(['bot_message', 'B0OTHERBOT', fx.APP]);
    const reaction = (await received('event', fx.eventCallback(fx.reactionAdded({ channel: fx.RANDOM })))).rawEvent as Loose;
    expect([reaction.reaction, reaction.itemUser, reaction.item.channel]).toEqual(['thumbsup', fx.BOB, fx.RANDOM]);
  });

  it('reads interactivity payloads in camelCase: view id, state values, actions, response_url', async () => {
    const submission = fx.viewSubmission(fx.metadataFor(fx.RANDOM, 'order-42'));
    const raw = (await received('interaction', submission)).rawEvent as Loose;
    expect(raw.view.id).toBe(submission.view.id);
    expect(raw.view.callbackId).toBe('new_item');
    expect(raw.view.privateMetadata).toBe(fx.metadataFor(fx.RANDOM, 'order-42'));
    // 1.x camel-cased block and action ids too (title_block → titleBlock); Slack's stay.
    expect(raw.view.state.values.titleBlock.title.value).toBe('Buy milk');
    expect(raw.view.state.values.title_block.title.value).toBe('Buy milk');
    expect(raw.triggerId).toBe(submission.trigger_id);
    expect(raw.user.teamId).toBe(fx.TEAM);
    const action = (await received('interaction', fx.blockActions('go', { threadTs: '1700000000.000200' }))).rawEvent as Loose;
    expect([action.actions[0].actionId, action.actions[0].value, action.container.threadTs, action.responseUrl]).toEqual([
      'count_button',
      'go',
      '1700000000.000200',
      `https://hooks.slack.com/actions/${fx.TEAM}/1/fake`,
    ]);
    expect(action.type).toBe('block_actions');
  });

  it("reads a slash command's fields in camelCase", async () => {
    const fields = fx.slashCommand('/todo', 'buy milk', { channel: fx.PRIVATE });
    const raw = (await received('command', fields)).rawEvent as Loose;
    expect([raw.command, raw.text, raw.channelId, raw.userId, raw.teamDomain, raw.responseUrl, raw.triggerId, raw.isEnterpriseInstall]).toEqual([
      '/todo',
      'buy milk',
      fx.PRIVATE,
      fx.ALICE,
      'fake',
      fields.response_url,
      fields.trigger_id,
      'false',
    ]);
  });

  it('reads and writes the same value through both names', async () => {
    const raw = (await received('event', fx.eventCallback(fx.message('hi')))).rawEvent as Loose;
    raw.channelType = 'im';
    expect(raw.event.channel_type).toBe('im');
    raw.event.client_msg_id = 'changed';
    expect(raw.clientMsgId).toBe('changed');
  });

  it('lets no payload key shadow what every object has', async () => {
    const body = fx.eventCallback({ ...fx.message('hi'), to_string: 'x', has_own_property: 'y', constructor: 'z' });
    const raw = (await received('event', body)).rawEvent as Loose;
    expect(typeof raw.toString).toBe('function');
    expect(typeof raw.hasOwnProperty).toBe('function');
    expect(raw.constructor).toBe(Object);
    expect(raw.event.constructor).toBe('z');
  });

  it('adds nothing while the connector, session keys and getters read the event: only reading rawEvent does', async () => {
    for (const [, kind, sample] of SAMPLES) {
      const input = sample();
      const event = await received(kind, input);
      const { data } = event;
      connector.sessionKey(event);
      connector.eventId(event);
      for (const getter of ['type', 'id', 'text', 'userId', 'channelId', 'threadTs', 'timestamp', 'isBotMessage', 'payload', 'action', 'callbackId', 'view', 'privateMetadata', 'responseUrl', 'isChannelsMessage']) {
        void (event as unknown as Loose)[getter];
      }
      expect(ownNames(data)).toEqual(ownNames(JSON.parse(JSON.stringify(data))));
      const raw = event.rawEvent;
      expect(ownNames(raw).length).toBeGreaterThan(ownNames(JSON.parse(JSON.stringify(raw))).length);
    }
  });
});

describe("rawEvent answers Bottender 1.x's reads in a running bot", () => {
  it('over webhooks, and a handler that never reads rawEvent leaves it as Slack sent it', async () => {
    const seen: unknown[] = [];
    let untouched: Loose | undefined;
    const h = await startSlackBot({
      app: async (context: SlackContext) => {
        if (context.event.text === 'quiet') {
          untouched = context.event.data as Loose;
          await context.sendText(`${context.event.userId} in ${context.event.channelId}`);
          return;
        }
        const raw = context.event.rawEvent as Loose;
        if (raw.subtype === 'me_message') return;
        seen.push(context.event.kind === 'command' ? raw.channelId : context.event.kind === 'interaction' ? raw.actions[0].actionId : raw.channelType);
      },
    });
    try {
      await h.postEvent(fx.eventCallback(fx.message('quiet')));
      await h.postEvent(fx.eventCallback({ ...fx.message('waves'), subtype: 'me_message' }));
      await h.postEvent(fx.eventCallback(fx.message('hi', { channel: fx.ALICE_DM })));
      await h.postPayload(fx.blockActions('go'));
      await h.postCommand(fx.slashCommand('/todo', 'x', { channel: fx.PRIVATE }));
      expect(seen).toEqual(['im', 'count_button', fx.PRIVATE]);
      expect(ownNames(untouched)).toEqual(ownNames(JSON.parse(JSON.stringify(untouched))));
    } finally {
      await h.close();
    }
  });

  describe('over Socket Mode', () => {
    let h: SlackSocketHarness;
    const seen: unknown[] = [];
    beforeAll(async () => {
      h = await startSlackSocketBot({
        app: async (context: SlackContext) => {
          const raw = context.event.rawEvent as Loose;
          seen.push([context.event.kind, raw.channelType ?? raw.actions?.[0]?.actionId ?? raw.channelId, JSON.stringify(raw).includes('channelType')]);
        },
      });
    });
    afterAll(() => h.close());

    it('reads events, interactivity and slash commands as 1.x did', async () => {
      await h.sendAndAck('events_api', fx.eventCallback(fx.message('hi', { channel: fx.ALICE_DM })));
      await h.sendAndAck('interactive', fx.blockActions('go'));
      await h.sendAndAck('slash_commands', fx.slashCommand('/todo', 'x', { channel: fx.PRIVATE }));
      expect(seen).toEqual([
        ['event', 'im', false],
        ['interaction', 'count_button', false],
        ['command', fx.PRIVATE, false],
      ]);
    });
  });
});
