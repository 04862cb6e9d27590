import { SlackApiError, type SlackContext } from '@bottender/slack';

import * as fx from './fixtures/events';
import { type SlackBotHarness, startSlackBot } from './harness';

/** What the context's methods send, checked on what the fake Slack API received. */
describe('SlackContext calls', () => {
  let h: SlackBotHarness;
  let handler: (context: SlackContext) => Promise<void>;
  let thrown: unknown;

  beforeEach(async () => {
    thrown = undefined;
    h = await startSlackBot({
      app: async (context: SlackContext) => {
        try {
          await handler(context);
        } catch (error) {
          thrown = error;
          throw error;
        }
      },
      onError: async () => {},
    });
  });
  afterEach(() => h.close());

  describe('sendText', () => {
    it('posts to the channel with chat.postMessage and the bot token, after the commit', async () => {
      let writesWhenQueued = -1;
      handler = async (context) => {
        context.setState({ n: 1 });
        await context.sendText('hello');
        writesWhenQueued = h.store.writes;
        expect(h.api.calls).toHaveLength(0);
      };
      await h.postEvent(fx.eventCallback(fx.message('hi')));
      expect(writesWhenQueued).toBe(0);
      const [call] = h.api.callsOf('chat.postMessage');
      expect(call.authorization).toBe(`Bearer ${h.api.botToken}`);
      expect(call.contentType).toBe('application/json; charset=utf-8');
      expect(call.args).toMatchObject({ channel: fx.GENERAL, text: 'hello' });
      expect(call.args.thread_ts).toBeUndefined();
    });

    it('posts in the thread when the event is threaded', async () => {
      handler = (context) => context.sendText('in thread');
      await h.postEvent(fx.eventCallback(fx.message('hi', { threadTs: '1700000000.000100' })));
      expect(h.api.messages[0]).toMatchObject({ channel: fx.GENERAL, text: 'in thread', threadTs: '1700000000.000100' });
    });

    it('posts in the thread of a button pressed in a threaded message', async () => {
      handler = (context) => context.sendText('thanks');
      await h.postPayload(fx.blockActions('go', { threadTs: '1700000000.000200' }));
      expect(h.api.messages[0]).toMatchObject({ channel: fx.GENERAL, threadTs: '1700000000.000200' });
    });

    it("posts to the user's DM for a global shortcut", async () => {
      handler = (context) => context.sendText('noted');
      await h.postPayload(fx.globalShortcut('note'));
      expect(h.api.messages[0]).toMatchObject({ channel: `D${fx.ALICE.slice(1)}`, text: 'noted' });
    });

    it('sends extra fields (blocks, unfurl_links) along', async () => {
      handler = (context) => context.sendText('fallback', { blocks: [{ type: 'divider' }], unfurl_links: false });
      await h.postEvent(fx.eventCallback(fx.message('hi')));
      expect(h.api.callsOf('chat.postMessage')[0].args).toMatchObject({ text: 'fallback', blocks: [{ type: 'divider' }], unfurl_links: false });
    });

    it.each([
      ['an empty string', ''],
      ['a number', 42],
      ['too long a text', 'x'.repeat(40_001)],
    ])('throws in the handler for %s, and nothing is sent', async (_name, text) => {
      handler = (context) => context.sendText(text as string);
      await h.postEvent(fx.eventCallback(fx.message('hi')));
      expect(thrown).toBeInstanceOf(TypeError);
      expect((thrown as Error).message).toMatch(/^context\.sendText\(\)/);
      expect(h.api.calls).toHaveLength(0);
    });

    it('sends nothing queued before the handler threw', async () => {
      handler = async (context) => {
        await context.sendText('you will not see this');
        throw new Error('boom');
      };
      await h.postEvent(fx.eventCallback(fx.message('hi')));
      expect(h.api.calls).toHaveLength(0);
    });

    it('keeps the order of several messages', async () => {
      handler = async (context) => {
        for (const text of ['one', 'two', 'three']) await context.sendText(text);
      };
      await h.postEvent(fx.eventCallback(fx.message('hi')));
      expect(h.api.textsIn(fx.GENERAL)).toEqual(['one', 'two', 'three']);
    });
  });

  describe('postEphemeral and respond', () => {
    it('posts an ephemeral message to the event user in the channel', async () => {
      handler = (context) => context.postEphemeral('only you');
      await h.postEvent(fx.eventCallback(fx.message('hi', { user: fx.BOB })));
      expect(h.api.messages[0]).toMatchObject({ via: 'chat.postEphemeral', channel: fx.GENERAL, user: fx.BOB, text: 'only you' });
    });

    it('responds through the response_url of a slash command', async () => {
      handler = (context) => context.respond({ text: 'done', response_type: 'in_channel' });
      const responseUrl = h.api.responseUrl();
      await h.postCommand(fx.slashCommand('/todo', 'buy milk', { responseUrl }));
      expect(h.api.responses).toHaveLength(1);
      expect(h.api.responses[0].body).toEqual({ text: 'done', response_type: 'in_channel' });
    });

    it('responds with a plain text, ephemeral by default', async () => {
      handler = (context) => context.respond('only you');
      await h.postPayload(fx.blockActions('go', { responseUrl: h.api.responseUrl() }));
      expect(h.api.responses[0].body).toEqual({ text: 'only you' });
    });

    it('refuses a response_url that is not https and not on the configured origin', async () => {
      handler = (context) => context.respond('x');
      await h.postCommand(fx.slashCommand('/todo', '', { responseUrl: 'http://169.254.169.254/latest/meta-data' }));
      expect(h.api.responses).toHaveLength(0);
      expect(h.errors.map((e) => (e.error as Error).message).join()).toMatch(/invalid_response_url/);
    });

    it('throws in the handler when the input has no response_url', async () => {
      handler = (context) => context.respond('x');
      await h.postEvent(fx.eventCallback(fx.message('hi')));
      expect((thrown as Error).message).toMatch(/needs a response_url/);
    });
  });

  describe('views', () => {
    it("opens a modal now with the event's trigger_id, keeping the channel in private_metadata", async () => {
      let opened: unknown;
      handler = async (context) => {
        const answer = await context.views.open({ view: { type: 'modal', title: { type: 'plain_text', text: 'New' }, blocks: [], private_metadata: 'mine' } });
        opened = answer.view?.id;
      };
      const triggerId = h.api.issueTrigger();
      await h.postCommand(fx.slashCommand('/new', '', { triggerId, channel: fx.RANDOM }));
      expect(opened).toMatch(/^V/);
      const [call] = h.api.callsOf('views.open');
      expect(call.args.trigger_id).toBe(triggerId);
      expect(JSON.parse(call.args.view.private_metadata)).toEqual({ channelId: fx.RANDOM, original: 'mine' });
    });

    it("brings the submission of that modal back to the channel's session, with the handler's metadata", async () => {
      let seen: [string | undefined, string | undefined] | undefined;
      handler = async (context) => {
        if (context.event.isCommand) {
          await context.views.open({ view: { type: 'modal', title: { type: 'plain_text', text: 'New' }, blocks: [], private_metadata: 'mine' } });
        } else {
          seen = [context.session?.id, context.event.privateMetadata];
        }
      };
      await h.postCommand(fx.slashCommand('/new', '', { triggerId: h.api.issueTrigger(), channel: fx.RANDOM }));
      const metadata = h.api.callsOf('views.open')[0].args.view.private_metadata;
      await h.postPayload(fx.viewSubmission(metadata));
      expect(seen).toEqual([`slack:${fx.RANDOM}`, 'mine']);
    });

    it('reports an expired trigger_id as a SlackApiError with its code, in the handler', async () => {
      handler = async (context) => {
        await context.views.open({ view: { type: 'modal', title: { type: 'plain_text', text: 'x' }, blocks: [] } });
      };
      const triggerId = h.api.issueTrigger();
      h.api.expireTrigger(triggerId);
      await h.postPayload(fx.blockActions('go', { triggerId }));
      expect(thrown).toBeInstanceOf(SlackApiError);
      expect(thrown).toMatchObject({ method: 'views.open', code: 'expired_trigger_id' });
      expect((thrown as Error).message).toBe('Slack API views.open failed: expired_trigger_id');
    });

    it('pushes a modal now and updates one after the commit', async () => {
      handler = async (context) => {
        await context.views.push({ view: { type: 'modal', title: { type: 'plain_text', text: 'Step 2' }, blocks: [] } });
        await context.views.update({ view_id: 'V0MODAL001', view: { type: 'modal', title: { type: 'plain_text', text: 'Updated' }, blocks: [] } });
        expect(h.api.callsOf('views.update')).toHaveLength(0);
      };
      await h.postPayload(fx.blockActionsInModal(fx.metadataFor(fx.RANDOM), { triggerId: h.api.issueTrigger() }));
      expect(h.api.callsOf('views.push')).toHaveLength(1);
      const [update] = h.api.callsOf('views.update');
      expect(JSON.parse(update.args.view.private_metadata)).toEqual({ channelId: fx.RANDOM });
    });

    it("publishes the user's app home after the commit", async () => {
      handler = (context) => context.views.publish({ view: { type: 'home', blocks: [] } });
      await h.postEvent(fx.eventCallback(fx.appHomeOpened()));
      expect(h.api.callsOf('views.publish')[0].args).toMatchObject({ user_id: fx.ALICE, view: { type: 'home' } });
    });
  });

  describe("Bottender 1.x's methods", () => {
    it('runs chat.* with camelCase options as 1.x did', async () => {
      handler = async (context) => {
        await context.chat.postMessage({ text: 'hi', threadTs: '1700000000.000100', unfurlLinks: false } as never);
        await context.chat.update({ ts: '1700000000.000200', text: 'edited' });
        await context.chat.delete({ ts: '1700000000.000300' });
        await context.chat.meMessage({ text: 'waves' });
        await context.chat.scheduleMessage({ text: 'later', post_at: 1900000000 });
        await context.postMessage('legacy');
      };
      await h.postEvent(fx.eventCallback(fx.message('hi')));
      // postMessage and scheduleMessage are made when called (their answers are for the handler);
      // the rest are queued and made after the commit, in order.
      expect(h.api.calls.map((c) => c.method)).toEqual([
        'chat.postMessage',
        'chat.scheduleMessage',
        'chat.update',
        'chat.delete',
        'chat.meMessage',
        'chat.postMessage',
      ]);
      expect(h.api.calls[0].args).toMatchObject({ channel: fx.GENERAL, text: 'hi', thread_ts: '1700000000.000100', unfurl_links: false });
      expect(h.api.calls[2].args).toMatchObject({ channel: fx.GENERAL, ts: '1700000000.000200', text: 'edited' });
    });

    it("opens a modal with 1.x's camelCase arguments (triggerId, privateMetadata, callbackId)", async () => {
      const triggerId = h.api.issueTrigger();
      handler = async (context) => {
        await context.views.open({
          triggerId,
          view: { type: 'modal', callbackId: 'new_item', privateMetadata: 'order-42', title: { type: 'plain_text', text: 'New' }, blocks: [] },
        } as never);
      };
      await h.postPayload(fx.blockActions('open', { channel: fx.RANDOM }));
      const [call] = h.api.callsOf('views.open');
      expect(call.args.trigger_id).toBe(triggerId);
      expect(call.args.view.callback_id).toBe('new_item');
      // 1.x's wrapping: the channel and the handler's own metadata.
      expect(JSON.parse(call.args.view.private_metadata)).toEqual({ channelId: fx.RANDOM, original: 'order-42' });
    });

    it("reads 1.x's event getters on a slash command and a button", async () => {
      const seen: unknown[] = [];
      handler = async (context) => {
        const { event } = context;
        seen.push([event.isCommand, event.command, event.text, event.isBlockAction, event.action?.value, event.callbackId]);
      };
      await h.postCommand(fx.slashCommand('/todo', 'buy milk'));
      await h.postPayload(fx.blockActions('done'));
      expect(seen).toEqual([
        [true, '/todo', 'buy milk', false, undefined, undefined],
        [false, undefined, undefined, true, 'done', undefined],
      ]);
    });

    it('asks getPermalink and scheduledMessages.list now', async () => {
      let link: string | undefined;
      handler = async (context) => {
        link = (await context.chat.getPermalink({ message_ts: '1700000000.000100' })).permalink;
        await context.chat.scheduledMessages.list();
      };
      await h.postEvent(fx.eventCallback(fx.message('hi')));
      expect(link).toBe(`https://fake.slack.com/archives/${fx.GENERAL}/p1700000000000100`);
    });
  });

  describe('Web API errors', () => {
    it('reports { ok: false, error } after the commit with the method and code, and keeps the state', async () => {
      h.api.failNext('chat.postMessage', { ok: false, error: 'not_in_channel' });
      handler = async (context) => {
        context.setState({ n: 1 });
        await context.sendText('hello');
      };
      expect((await h.postEvent(fx.eventCallback(fx.message('hi')))).status).toBe(200);
      expect((await h.store.inner.read(`slack:${fx.GENERAL}`))?.state).toEqual({ n: 1 });
      expect(h.errors).toHaveLength(1);
      expect(h.errors[0].error).toBeInstanceOf(SlackApiError);
      expect((h.errors[0].error as Error).message).toBe('Slack API chat.postMessage failed: not_in_channel');
    });

    it("keeps Slack's response_metadata messages", async () => {
      h.api.failNext('chat.postMessage', { ok: false, error: 'invalid_blocks', response_metadata: { messages: ['[ERROR] missing required field: text [json-pointer:/blocks/0/text]'] } });
      handler = (context) => context.sendText('x', { blocks: [{ type: 'section' }] });
      await h.postEvent(fx.eventCallback(fx.message('hi')));
      expect((h.errors[0].error as SlackApiError).messages).toEqual(['[ERROR] missing required field: text [json-pointer:/blocks/0/text]']);
    });

    it('stops at the first failed call and says how many were not made', async () => {
      h.api.failNext('chat.postMessage', { ok: false, error: 'channel_not_found' });
      handler = async (context) => {
        await context.sendText('one');
        await context.sendText('two');
        await context.sendText('three');
      };
      await h.postEvent(fx.eventCallback(fx.message('hi')));
      expect(h.api.callsOf('chat.postMessage')).toHaveLength(1);
      expect((h.errors[0].error as Error).message).toMatch(/call 1 of 3; the 2 queued after it were not made\): Slack API chat.postMessage failed: channel_not_found/);
    });

    it('waits out a 429 for as long as Retry-After says and sends again', async () => {
      h.api.failNext('chat.postMessage', { ok: false, error: 'ratelimited' }, 429, { 'retry-after': '1' });
      handler = (context) => context.sendText('eventually');
      const started = Date.now();
      await h.postEvent(fx.eventCallback(fx.message('hi')));
      const posts = h.api.callsOf('chat.postMessage');
      expect(posts.map((c) => c.status)).toEqual([429, 200]);
      expect(Date.now() - started).toBeGreaterThanOrEqual(950);
      expect(h.api.textsIn(fx.GENERAL)).toEqual(['eventually']);
      expect(h.errors).toEqual([]);
    });

    it('does not post again after an answer that was not Slack\'s (it may have been posted)', async () => {
      h.api.failNext('chat.postMessage', '<html>502 Bad Gateway</html>', 502);
      handler = (context) => context.sendText('once');
      await h.postEvent(fx.eventCallback(fx.message('hi')));
      expect(h.api.callsOf('chat.postMessage')).toHaveLength(1);
      expect(h.errors[0].error).toMatchObject({ method: 'chat.postMessage', code: 'http_502', status: 502 });
    });

    it('reports a wrong token as invalid_auth', async () => {
      await h.close();
      h = await startSlackBot({ connector: { accessToken: 'xoxb-wrong' }, app: async (context: SlackContext) => context.sendText('x') });
      await h.postEvent(fx.eventCallback(fx.message('hi')));
      expect(h.errors[0].error).toMatchObject({ code: 'invalid_auth' });
    });
  });
});
