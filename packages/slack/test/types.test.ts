/**
 * Type-level promises of the public types, checked by `npm run typecheck` (tsc over test files):
 * a line that stops compiling, or an `@ts-expect-error` that stops erroring, fails the build.
 * The runtime assertions keep Jest honest about the same values.
 */
import type { BotContext, SlackContext as OneXSlackContext } from 'bottender';

import type { SlackContext, SlackEvent, SlackRawEventMap } from '@bottender/slack';

type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
const assertType = <T extends true>(): T => true as T;

describe('public types', () => {
  it('narrows rawEvent and data with event.is(type)', () => {
    const narrow = (event: SlackEvent) => {
      if (event.is('view_submission')) {
        assertType<Equal<typeof event.rawEvent, SlackRawEventMap['view_submission']>>();
        return event.rawEvent.view.callback_id;
      }
      if (event.is('slash_command')) {
        const command: string = event.rawEvent.command;
        return command;
      }
      if (event.is('block_actions')) return event.rawEvent.actions[0]?.action_id;
      if (event.is('message')) {
        const id: string = event.rawEvent.event_id;
        // A message event is a union of subtypes; `subtype` narrows further.
        if (event.data.subtype === undefined) return event.data.user + id;
        // @ts-expect-error an edit has no user of its own (it is on `message`)
        return event.data.user;
      }
      if (event.is('reaction_added')) {
        const channel: string = event.data.item.channel;
        return channel;
      }
      if (event.is('app_home_opened')) return event.data.tab;
      // @ts-expect-error an event type Slack does not have
      event.is('not_an_event');
      // @ts-expect-error rawEvent is a union until narrowed: not every input has `view`
      return event.rawEvent.view;
    };
    expect(typeof narrow).toBe('function');
  });

  it('types the context: state, chat and views arguments, answers', () => {
    const handler = async (context: SlackContext<{ count: number }>) => {
      const count: number = context.state.count;
      context.setState({ count: count + 1 });
      // @ts-expect-error state keys are typed
      context.setState({ cont: 1 });
      await context.sendText('hi', { unfurl_links: false });
      // @ts-expect-error sendText takes a string
      await context.sendText({ text: 'hi' });
      await context.chat.update({ ts: '1.2', text: 'edited' });
      // chat.postMessage and chat.scheduleMessage resolve to Slack's answer, with 1.x's names typed too.
      const posted = await context.chat.postMessage({ text: 'working' });
      const ts: string | undefined = posted.ts;
      const botId: string | undefined = posted.message?.botId;
      const scheduled = await context.chat.scheduleMessage({ text: 'later', post_at: 1900000000 });
      const scheduledId: string | undefined = scheduled.scheduledMessageId ?? scheduled.scheduled_message_id;
      // @ts-expect-error a name neither Slack nor 1.x has
      void posted.messageTs;
      await context.chat.update({ ts: ts!, text: `${botId}${scheduledId}` });
      const user: string | number | undefined = context.session?.user?.id;
      void user;
      await context.views.open({ view: { type: 'modal', title: { type: 'plain_text', text: 't' }, blocks: [] } });
      context.setResponseAction({ response_action: 'errors', errors: { title_block: 'Too short' } });
      // @ts-expect-error response_action must be one of Slack's four
      context.setResponseAction({ response_action: 'close' });
      const payload: string | undefined = context.event.payload;
      return payload;
    };
    expect(typeof handler).toBe('function');
  });
});

describe("the types of 1.x's Slack examples", () => {
  it('takes a plain string in chat.postEphemeral and chat.postMessage (slack-post-ephemeral)', () => {
    const handler = async (context: SlackContext) => {
      await context.chat.postEphemeral('only you');
      const { ts } = await context.chat.postMessage('everyone');
      // @ts-expect-error a number is neither a text nor options
      await context.chat.postEphemeral(42);
      return ts;
    };
    expect(typeof handler).toBe('function');
  });

  it("types 1.x's `SlackContext` imported from 'bottender' (custom-server-express-typescript)", () => {
    const App = async (context: OneXSlackContext): Promise<void> => {
      await context.sendText('Hello World');
    };
    const sameAsThePackages: SlackContext = {} as OneXSlackContext;
    expect([typeof App, typeof sameAsThePackages]).toEqual(['function', 'object']);
  });
});

describe('BotContext', () => {
  it('narrows to SlackContext by context.platform (checked by the type checker)', () => {
    const handler = async (context: BotContext<{ count: number }>) => {
      // @ts-expect-error postEphemeral is Slack's: not on every platform's context
      void context.postEphemeral;
      if (context.platform === 'slack') {
        assertType<Equal<typeof context, SlackContext<{ count: number }>>>();
        await context.postEphemeral('only you');
        return context.event.channelId;
      }
      return undefined;
    };
    expect(typeof handler).toBe('function');
  });
});
