import { SessionStoreError } from 'bottender';

import { SlackApiError, type SlackContext } from '@bottender/slack';

import * as fx from './fixtures/events';
import { type SlackBotHarness, startSlackBot } from './harness';

/**
 * Sends whose answer a Bottender 1.x handler acts on: `context.chat.postMessage` (its `ts` and
 * `channel` are how the message is updated or deleted later) and `context.chat.scheduleMessage`
 * (its `scheduled_message_id` is how it is cancelled) are made when called and resolve to Slack's
 * answer, with 1.x's camelCase names too. Everything else a handler sends is queued and goes out
 * after the commit, in order, after those.
 */
describe('Slack sends whose answer the handler uses', () => {
  let h: SlackBotHarness;
  let handler: (context: SlackContext<{ ts?: string; channel?: string; scheduled?: string }>) => Promise<void>;
  let thrown: unknown;
  /** How many Web API calls the fake had received when each state write started (the commits). */
  let callsAtCommit: number[];

  beforeEach(async () => {
    thrown = undefined;
    callsAtCommit = [];
    h = await startSlackBot({
      app: async (context: SlackContext<any>) => {
        try {
          await handler(context);
        } catch (error) {
          thrown = error;
          throw error;
        }
      },
      onError: async () => {},
    });
    const write = h.store.write.bind(h.store);
    h.store.write = (record, options) => {
      callsAtCommit.push(h.api.calls.length);
      return write(record, options);
    };
  });
  afterEach(() => h.close());

  const methods = () => h.api.calls.map((call) => call.method);

  it('posts at once and resolves to { ts, channel, message } under both names; update, delete and sendText go after the commit', async () => {
    let answer: any;
    let json = '';
    let callsWhenPosted = -1;
    handler = async (context) => {
      context.setState({ step: 1 } as never);
      answer = await context.chat.postMessage({ text: 'Working…' });
      callsWhenPosted = h.api.calls.length;
      json = JSON.stringify(answer);
      await context.sendText('queued reply');
      await context.chat.update({ ts: answer.ts, text: 'Done' });
      await context.chat.delete({ ts: answer.ts, channel: answer.channel });
      expect(methods()).toEqual(['chat.postMessage']);
    };
    expect((await h.postEvent(fx.eventCallback(fx.message('start')))).status).toBe(200);
    expect(thrown).toBeUndefined();

    const [posted] = h.api.messages;
    expect(answer).toMatchObject({ ok: true, channel: fx.GENERAL, ts: posted.ts });
    expect(answer.message.bot_id).toBe(fx.BOT_ID);
    expect(answer.message.botId).toBe(fx.BOT_ID);
    // JSON of the answer is Slack's: the 1.x names are not in it.
    expect(JSON.parse(json)).toEqual(h.api.callsOf('chat.postMessage')[0].answer);
    expect(json).not.toContain('botId');

    expect(callsWhenPosted).toBe(1);
    expect(callsAtCommit).toEqual([1]);
    expect(methods()).toEqual(['chat.postMessage', 'chat.postMessage', 'chat.update', 'chat.delete']);
    expect(h.api.calls[1].args).toMatchObject({ channel: fx.GENERAL, text: 'queued reply' });
    expect(h.api.calls[2].args).toMatchObject({ channel: fx.GENERAL, ts: posted.ts, text: 'Done' });
    expect(h.api.calls[3].args).toMatchObject({ channel: fx.GENERAL, ts: posted.ts });
  });

  it("updates a later event's message with the ts an earlier event kept in its state", async () => {
    handler = async (context) => {
      if (context.event.text === 'start') {
        const { ts, channel } = await context.chat.postMessage({ text: 'Step 1 of 2' });
        context.setState({ ts, channel });
      } else {
        await context.chat.update({ ts: context.state.ts!, channel: context.state.channel, text: 'Step 2 of 2' });
      }
    };
    await h.postEvent(fx.eventCallback(fx.message('start')));
    await h.postEvent(fx.eventCallback(fx.message('next')));
    const [posted] = h.api.messages;
    expect(methods()).toEqual(['chat.postMessage', 'chat.update']);
    expect(h.api.callsOf('chat.update')[0].args).toMatchObject({ channel: fx.GENERAL, ts: posted.ts, text: 'Step 2 of 2' });
    // The update went out after the second event's commit.
    expect(callsAtCommit).toEqual([1, 1]);
  });

  it("posts in the event's thread, with 1.x's camelCase arguments", async () => {
    let ts: string | undefined;
    handler = async (context) => {
      ({ ts } = await context.chat.postMessage({ text: 'in thread', unfurlLinks: false } as never));
    };
    await h.postEvent(fx.eventCallback(fx.message('hi', { threadTs: '1700000000.000100' })));
    expect(h.api.callsOf('chat.postMessage')[0].args).toMatchObject({ thread_ts: '1700000000.000100', unfurl_links: false });
    expect(ts).toBe(h.api.messages[0].ts);
  });

  it('schedules at once and resolves with scheduledMessageId / scheduled_message_id, which deleteScheduledMessage takes after the commit', async () => {
    let answer: any;
    handler = async (context) => {
      answer = await context.chat.scheduleMessage({ text: 'Reminder', postAt: 1900000000 } as never);
      expect(methods()).toEqual(['chat.scheduleMessage']);
      await context.chat.deleteScheduledMessage({ scheduledMessageId: answer.scheduledMessageId } as never);
    };
    await h.postEvent(fx.eventCallback(fx.message('remind me')));
    expect(thrown).toBeUndefined();
    expect(h.api.callsOf('chat.scheduleMessage')[0].args).toMatchObject({ channel: fx.GENERAL, text: 'Reminder', post_at: '1900000000' });
    expect(answer.ok).toBe(true);
    expect(answer.scheduled_message_id).toMatch(/^Q/);
    expect(answer.scheduledMessageId).toBe(answer.scheduled_message_id);
    expect([answer.post_at, answer.postAt]).toEqual([1900000000, 1900000000]);
    expect(callsAtCommit).toEqual([1]);
    expect(methods()).toEqual(['chat.scheduleMessage', 'chat.deleteScheduledMessage']);
    expect(h.api.callsOf('chat.deleteScheduledMessage')[0].args).toMatchObject({ channel: fx.GENERAL, scheduled_message_id: answer.scheduled_message_id });
  });

  describe('failures', () => {
    it("reject the handler's await with the SlackApiError; a handler that catches it goes on and its state is saved", async () => {
      h.api.failNext('chat.postMessage', { ok: false, error: 'not_in_channel' });
      let caught: unknown;
      handler = async (context) => {
        try {
          await context.chat.postMessage({ text: 'hello' });
        } catch (error) {
          caught = error;
          context.setState({ channel: 'not joined' });
          await context.sendText('fallback');
        }
      };
      expect((await h.postEvent(fx.eventCallback(fx.message('hi')))).status).toBe(200);
      expect(caught).toBeInstanceOf(SlackApiError);
      expect(caught).toMatchObject({ method: 'chat.postMessage', code: 'not_in_channel' });
      expect((await h.store.inner.read(`slack:${fx.GENERAL}`))?.state).toEqual({ channel: 'not joined' });
      expect(h.api.textsIn(fx.GENERAL)).toEqual(['fallback']);
    });

    it("reject a scheduleMessage Slack refuses with Slack's code", async () => {
      h.api.failNext('chat.scheduleMessage', { ok: false, error: 'time_in_past' });
      handler = async (context) => {
        await context.chat.scheduleMessage({ text: 'too late', post_at: 1 });
      };
      await h.postEvent(fx.eventCallback(fx.message('hi')));
      expect(thrown).toBeInstanceOf(SlackApiError);
      expect(thrown).toMatchObject({ method: 'chat.scheduleMessage', code: 'time_in_past' });
    });

    it('reject arguments that are not an object before anything is sent', async () => {
      handler = async (context) => {
        await context.chat.postMessage(null as never);
      };
      await h.postEvent(fx.eventCallback(fx.message('hi')));
      expect(thrown).toBeInstanceOf(TypeError);
      expect((thrown as Error).message).toMatch(/^context\.chat\.postMessage\(\)/);
      expect(h.api.calls).toHaveLength(0);
    });

    it("reject a message without text or blocks with Slack's no_text", async () => {
      handler = async (context) => {
        await context.chat.postMessage({} as never);
      };
      await h.postEvent(fx.eventCallback(fx.message('hi')));
      expect(thrown).toMatchObject({ name: 'SlackApiError', code: 'no_text' });
    });
  });

  describe('not tied to the commit', () => {
    it('stays posted when the handler throws later, while the queued replies are dropped and the state is not saved', async () => {
      handler = async (context) => {
        context.setState({ ts: 'x' });
        await context.chat.postMessage({ text: 'posted at once' });
        await context.sendText('queued');
        throw new Error('handler failed');
      };
      await h.postEvent(fx.eventCallback(fx.message('hi')));
      expect(h.api.textsIn(fx.GENERAL)).toEqual(['posted at once']);
      expect(await h.store.inner.read(`slack:${fx.GENERAL}`)).toBeUndefined();
    });

    it('is posted again when a refused commit makes Slack deliver the event again; the queued reply goes out once', async () => {
      let refuse = true;
      const write = h.store.write.bind(h.store);
      h.store.write = (record, options) => {
        if (refuse) {
          refuse = false;
          return Promise.reject(new SessionStoreError('store down (test)', record.id));
        }
        return write(record, options);
      };
      handler = async (context) => {
        await context.chat.postMessage({ text: 'at once' });
        await context.sendText('after the commit');
      };
      const body = fx.eventCallback(fx.message('hi'));
      expect((await h.postEvent(body)).status).not.toBe(200);
      expect((await h.postEvent(body, { retryNum: 1 })).status).toBe(200);
      expect(h.api.textsIn(fx.GENERAL)).toEqual(['at once', 'at once', 'after the commit']);
    });
  });
});
