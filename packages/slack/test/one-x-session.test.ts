import { existsSync } from 'node:fs';
import { join } from 'node:path';

import type { SlackContext } from '@bottender/slack';
import type { SlackRequestKind } from '@bottender/slack/testing';

import * as fx from './fixtures/events';
import { type SlackBotHarness, startSlackBot } from './harness';

/**
 * `context.session.user` and `context.session.channel` as Bottender 1.x's SlackConnector named
 * them with its default `skipLegacyProfile` (`{ id, _updatedAt }`, ids only), per input kind.
 * Checked against 1.5.5's own `updateSession` when bench/bottender-1.5.5 is installed, and
 * against the ids written out here always.
 */
const V1_MODULES = join(__dirname, '..', '..', '..', 'bench', 'bottender-1.5.5', 'node_modules');
const V1_CONNECTOR = join(V1_MODULES, 'bottender', 'dist', 'slack', 'SlackConnector.js');

type Party = { id?: unknown } | undefined;

/** The session.user and session.channel 1.5.5 gave a new session for this request body. */
const oneXSessionOf: ((kind: SlackRequestKind, input: object) => Promise<{ user: Party; channel: Party }>) | undefined = existsSync(V1_CONNECTOR)
  ? (() => {
      /* eslint-disable @typescript-eslint/no-require-imports */
      const { camelcaseKeysDeep } = require(join(V1_MODULES, 'messaging-api-common'));
      const OneXConnector = require(V1_CONNECTOR).default;
      /* eslint-enable @typescript-eslint/no-require-imports */
      const connector = new OneXConnector({ accessToken: 'xoxb-1x', signingSecret: 'secret' });
      return async (kind: SlackRequestKind, input: object) => {
        const body = kind === 'interaction' ? { payload: JSON.stringify(input) } : JSON.parse(JSON.stringify(input));
        const session = Object.create(null);
        await connector.updateSession(session, camelcaseKeysDeep(body));
        return { user: session.user, channel: session.channel };
      };
    })()
  : undefined;

const BOB_DM = `D${fx.BOB.slice(1)}`;

/** Input, and the user and channel ids this version names (undefined: the field is absent). */
const SAMPLES: [string, SlackRequestKind, () => object, string | undefined, string | undefined][] = [
  ['a message', 'event', () => fx.eventCallback(fx.message('hi')), fx.ALICE, fx.GENERAL],
  ['a threaded message', 'event', () => fx.eventCallback(fx.message('hi', { threadTs: '1700000000.000100' })), fx.ALICE, fx.GENERAL],
  ['a direct message', 'event', () => fx.eventCallback(fx.message('hi', { channel: fx.ALICE_DM })), fx.ALICE, fx.ALICE_DM],
  ['a private channel message', 'event', () => fx.eventCallback(fx.message('hi', { channel: fx.PRIVATE, user: fx.BOB })), fx.BOB, fx.PRIVATE],
  ["another bot's message", 'event', () => fx.eventCallback(fx.botMessage('beep', { ownBot: false })), undefined, fx.GENERAL],
  ["a message of the app's bot user", 'event', () => fx.eventCallback(fx.appBotUserMessage('beep')), undefined, fx.GENERAL],
  ['an edit', 'event', () => fx.eventCallback(fx.messageChanged('new', 'old')), undefined, fx.GENERAL],
  ['a deletion', 'event', () => fx.eventCallback(fx.messageDeleted('old')), undefined, fx.GENERAL],
  ['a channel join', 'event', () => fx.eventCallback(fx.channelJoinMessage()), fx.BOB, fx.GENERAL],
  ['an app mention', 'event', () => fx.eventCallback(fx.appMention('hi', { channel: fx.RANDOM })), fx.ALICE, fx.RANDOM],
  ['a reaction', 'event', () => fx.eventCallback(fx.reactionAdded({ channel: fx.RANDOM, user: fx.BOB })), fx.BOB, fx.RANDOM],
  ['the app home opened', 'event', () => fx.eventCallback(fx.appHomeOpened()), fx.ALICE, fx.ALICE_DM],
  ['a pin', 'event', () => fx.eventCallback(fx.pinAdded({ channel: fx.PRIVATE })), fx.ALICE, fx.PRIVATE],
  ['a channel created', 'event', () => fx.eventCallback(fx.channelCreated()), undefined, fx.RANDOM],
  ['a team join', 'event', () => fx.eventCallback(fx.teamJoin()), fx.BOB, BOB_DM],
  ['a block action in a message', 'interaction', () => fx.blockActions('go', { channel: fx.RANDOM, user: fx.BOB }), fx.BOB, fx.RANDOM],
  ['a static select', 'interaction', () => fx.staticSelect('b'), fx.ALICE, fx.GENERAL],
  ['a block action in a modal', 'interaction', () => fx.blockActionsInModal(fx.metadataFor(fx.RANDOM)), fx.ALICE, fx.RANDOM],
  ['a view submission', 'interaction', () => fx.viewSubmission(fx.metadataFor(fx.PRIVATE, 'x')), fx.ALICE, fx.PRIVATE],
  ['a view closed', 'interaction', () => fx.viewClosed(fx.metadataFor(fx.RANDOM)), fx.ALICE, fx.RANDOM],
  ['a global shortcut', 'interaction', () => fx.globalShortcut('note'), fx.ALICE, fx.ALICE_DM],
  ['a message shortcut', 'interaction', () => fx.messageAction('remember', { channel: fx.RANDOM }), fx.ALICE, fx.RANDOM],
  ['a legacy interactive message', 'interaction', () => fx.interactiveMessage('chess'), fx.ALICE, fx.GENERAL],
  ['a slash command', 'command', () => fx.slashCommand('/todo', 'x', { channel: fx.PRIVATE, user: fx.BOB }), fx.BOB, fx.PRIVATE],
];

describe("session.user and session.channel as Bottender 1.x's", () => {
  let h: SlackBotHarness;
  let seen: { user: any; channel: any; frozen: boolean }[];

  beforeAll(async () => {
    h = await startSlackBot({
      connector: { includeBotMessages: true },
      app: async (context: SlackContext) => {
        const session = context.session!;
        seen.push({ user: session.user, channel: session.channel, frozen: [session.user, session.channel].every((party) => party === undefined || Object.isFrozen(party)) });
      },
    });
  });
  afterAll(() => h.close());
  beforeEach(() => {
    seen = [];
  });

  async function post(kind: SlackRequestKind, input: object) {
    const answer = kind === 'event' ? await h.postEvent(input) : kind === 'interaction' ? await h.postPayload(input) : await h.postCommand(input as Record<string, string>);
    expect(answer.status).toBe(200);
    expect(seen).toHaveLength(1);
    return seen[0];
  }

  it.each(SAMPLES)('names them for %s', async (_name, kind, sample, user, channel) => {
    const started = Date.now();
    const session = await post(kind, sample());
    expect(session.user?.id).toBe(user);
    expect(session.channel?.id).toBe(channel);
    if (user === undefined) expect(session.user).toBeUndefined();
    for (const party of [session.user, session.channel].filter(Boolean)) {
      expect(Object.keys(party)).toEqual(['id', '_updatedAt']);
      expect(Date.parse(party._updatedAt)).toBeGreaterThanOrEqual(started - 1000);
    }
    expect(session.frozen).toBe(true);
  });

  const compare = oneXSessionOf ? it.each(SAMPLES) : it.skip.each(SAMPLES);
  compare('names the ids 1.5.5 named, for %s', async (_name, kind, sample) => {
    const input = sample();
    const oneX = await oneXSessionOf!(kind, input);
    const session = await post(kind, input);
    // 1.5.5 stored a shortcut's or a team join's whole user object as the id; the id is its id.
    const oneXUser = typeof oneX.user?.id === 'object' ? (oneX.user.id as { id?: unknown }).id : oneX.user?.id;
    expect(session.user?.id).toBe(oneXUser);
    // 1.5.5 left the channel out where it named no user, and gave { id: undefined } where the input
    // names no channel; here the channel is the one the session belongs to (the user's DM then).
    if (typeof oneX.channel?.id === 'string') expect(session.channel?.id).toBe(oneX.channel.id);
  });

  it("names no user for a bot's message (1.x never made a bot session.user), but the channel", async () => {
    const session = await post('event', fx.eventCallback(fx.botMessage('beep', { ownBot: false })));
    expect(session).toMatchObject({ user: undefined, channel: { id: fx.GENERAL } });
  });
});
