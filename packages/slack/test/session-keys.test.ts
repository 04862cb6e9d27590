import type { SlackContext } from '@bottender/slack';

import * as fx from './fixtures/events';
import { type SlackBotHarness, startSlackBot } from './harness';

/**
 * The session table of docs/platforms/slack.md, one row per input kind: every input reaches the
 * handler with the session of the channel it belongs to (or the user's DM with the app).
 */
describe('Slack session keys', () => {
  let h: SlackBotHarness;
  let seen: { type: string; session: string | undefined }[];

  async function start(connector: Parameters<typeof startSlackBot>[0]['connector'] = {}) {
    seen = [];
    h = await startSlackBot({
      connector,
      app: async (context: SlackContext) => {
        seen.push({ type: context.event.type, session: context.session?.id });
      },
    });
  }
  afterEach(() => h.close());

  describe('channel scope (default)', () => {
    beforeEach(() => start());

    it.each([
      ['a channel message', () => fx.eventCallback(fx.message('hi')), `slack:${fx.GENERAL}`],
      ['a private channel message', () => fx.eventCallback(fx.message('hi', { channel: fx.PRIVATE })), `slack:${fx.PRIVATE}`],
      ['a direct message', () => fx.eventCallback(fx.message('hi', { channel: fx.ALICE_DM })), `slack:${fx.ALICE_DM}`],
      ['a threaded message', () => fx.eventCallback(fx.message('hi', { threadTs: '1700000000.000100' })), `slack:${fx.GENERAL}`],
      ['an app mention', () => fx.eventCallback(fx.appMention('hi', { channel: fx.RANDOM })), `slack:${fx.RANDOM}`],
      ['a reaction (item.channel)', () => fx.eventCallback(fx.reactionAdded({ channel: fx.RANDOM })), `slack:${fx.RANDOM}`],
      ['a pin (channel_id)', () => fx.eventCallback(fx.pinAdded({ channel: fx.PRIVATE })), `slack:${fx.PRIVATE}`],
      ['a channel created (channel.id)', () => fx.eventCallback(fx.channelCreated({ channel: fx.RANDOM })), `slack:${fx.RANDOM}`],
      ['the app home (the DM channel)', () => fx.eventCallback(fx.appHomeOpened()), `slack:${fx.ALICE_DM}`],
      ['an edit', () => fx.eventCallback(fx.messageChanged('new', 'old')), `slack:${fx.GENERAL}`],
      ['a deletion', () => fx.eventCallback(fx.messageDeleted('old')), `slack:${fx.GENERAL}`],
    ])('keys %s by its channel', async (_name, body, session) => {
      expect((await h.postEvent(body())).status).toBe(200);
      expect(seen.map((s) => s.session)).toEqual([session]);
    });

    it.each([
      ['a block action in a message (channel.id)', () => fx.blockActions('go', { channel: fx.RANDOM }), `slack:${fx.RANDOM}`],
      ['a select in a message', () => fx.staticSelect('b', { channel: fx.PRIVATE }), `slack:${fx.PRIVATE}`],
      ['a message shortcut (channel.id)', () => fx.messageAction('remember', { channel: fx.RANDOM }), `slack:${fx.RANDOM}`],
      ['a legacy interactive message', () => fx.interactiveMessage('chess', { channel: fx.RANDOM }), `slack:${fx.RANDOM}`],
      ['a view submission (private_metadata channel)', () => fx.viewSubmission(fx.metadataFor(fx.RANDOM, 'x')), `slack:${fx.RANDOM}`],
      ['a view closed (private_metadata channel)', () => fx.viewClosed(fx.metadataFor(fx.PRIVATE)), `slack:${fx.PRIVATE}`],
      ['a block action in a modal (private_metadata channel)', () => fx.blockActionsInModal(fx.metadataFor(fx.RANDOM)), `slack:${fx.RANDOM}`],
    ])('keys %s', async (_name, payload, session) => {
      expect((await h.postPayload(payload())).status).toBe(200);
      expect(seen.map((s) => s.session)).toEqual([session]);
    });

    it('keys a slash command by its channel_id', async () => {
      expect((await h.postCommand(fx.slashCommand('/count', '', { channel: fx.PRIVATE }))).status).toBe(200);
      expect(seen).toEqual([{ type: 'slash_command', session: `slack:${fx.PRIVATE}` }]);
    });

    it.each([
      ['a global shortcut', () => fx.globalShortcut('new_item')],
      ['a modal opened without a channel', () => fx.viewSubmission(fx.metadataFor(undefined, 'x'))],
      ['a modal with no private_metadata', () => fx.viewSubmission(undefined)],
    ])("keys %s by the user's DM with the app, found once with conversations.open", async (_name, payload) => {
      expect((await h.postPayload(payload())).status).toBe(200);
      expect((await h.postPayload(payload())).status).toBe(200);
      // The fake answers D + the user id without its U.
      expect(seen.map((s) => s.session)).toEqual([`slack:D${fx.ALICE.slice(1)}`, `slack:D${fx.ALICE.slice(1)}`]);
      expect(h.api.callsOf('conversations.open').map((c) => c.args.users)).toEqual([fx.ALICE]);
    });

    it('answers 503 (Slack retries) when the DM channel cannot be found, without reading a session', async () => {
      h.api.failNext('conversations.open', { ok: false, error: 'missing_scope', needed: 'im:write', provided: 'chat:write' });
      const answer = await h.postPayload(fx.globalShortcut('new_item'));
      expect(answer.status).toBe(503);
      expect(seen).toEqual([]);
      expect(h.store.reads).toBe(0);
    });

    it('runs an input that names neither channel nor user without a session', async () => {
      const body = fx.eventCallback({ type: 'emoji_changed', subtype: 'add', name: 'party', value: 'https://e/x.png', event_ts: fx.newTs() });
      expect((await h.postEvent(body)).status).toBe(200);
      expect(seen).toEqual([{ type: 'emoji_changed', session: undefined }]);
      expect(h.store.reads).toBe(0);
    });

    it('keys a team_join by the new user\'s DM (user.id)', async () => {
      await h.postEvent(fx.eventCallback(fx.teamJoin({ user: fx.BOB })));
      expect(seen).toEqual([{ type: 'team_join', session: `slack:D${fx.BOB.slice(1)}` }]);
    });
  });

  describe("sessionScope: 'thread'", () => {
    beforeEach(() => start({ sessionScope: 'thread' }));

    it('keys a threaded message by channel and thread, a top-level one by channel', async () => {
      await h.postEvent(fx.eventCallback(fx.message('in thread', { threadTs: '1700000000.000100' })));
      await h.postEvent(fx.eventCallback(fx.message('top level')));
      await h.postEvent(fx.eventCallback(fx.appMention('in thread', { threadTs: '1700000000.000200' })));
      expect(seen.map((s) => s.session)).toEqual([
        `slack:${fx.GENERAL}:1700000000.000100`,
        `slack:${fx.GENERAL}`,
        `slack:${fx.GENERAL}:1700000000.000200`,
      ]);
    });

    it('keys a button in a threaded message by its thread', async () => {
      await h.postPayload(fx.blockActions('go', { threadTs: '1700000000.000300' }));
      expect(seen.map((s) => s.session)).toEqual([`slack:${fx.GENERAL}:1700000000.000300`]);
    });
  });
});
