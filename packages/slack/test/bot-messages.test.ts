import type { SlackContext } from '@bottender/slack';

import * as fx from './fixtures/events';
import { type SlackBotHarness, startSlackBot } from './harness';

/**
 * Loop protection: a bot that answers every message must not answer its own answers (Slack sends
 * the app's own messages back as events) or another bot's. Edits and deletions reach the handler
 * as what they are, never as new messages.
 */
describe('Slack bot messages, edits and deletions', () => {
  let h: SlackBotHarness;
  let seen: { type: string; kind: string | undefined; isMessage: boolean; text: string | undefined }[];

  async function start(includeBotMessages?: boolean) {
    seen = [];
    h = await startSlackBot({
      initialState: { count: 0 },
      connector: includeBotMessages === undefined ? {} : { includeBotMessages },
      app: async (context: SlackContext<{ count: number }>) => {
        const { event } = context;
        seen.push({ type: event.type, kind: event.messageKind, isMessage: event.isMessage, text: event.text });
        if (!event.isMessage) return;
        context.setState({ count: context.state.count + 1 });
        await context.sendText(`Count: ${context.state.count}`);
      },
    });
  }
  afterEach(() => h.close());

  describe('by default', () => {
    beforeEach(() => start());

    it("never runs the handler for the app's own messages, so an echo bot does not answer itself", async () => {
      await h.postEvent(fx.eventCallback(fx.message('hello')));
      // Slack sends the bot's answer back as an event, in both of its shapes.
      const [answer] = h.api.messages;
      await h.postEvent(fx.eventCallback(fx.appBotUserMessage(answer.text!)));
      await h.postEvent(fx.eventCallback(fx.botMessage(answer.text!)));
      await h.postEvent(fx.eventCallback(fx.messageChanged('Count: 1 (edited)', 'Count: 1', { bot: true })));
      expect(seen).toHaveLength(1);
      expect(h.api.textsIn(fx.GENERAL)).toEqual(['Count: 1']);
      expect((await h.store.inner.read(`slack:${fx.GENERAL}`))?.state).toEqual({ count: 1 });
    });

    it("ignores another bot's messages without reading the session", async () => {
      const reads = h.store.reads;
      expect((await h.postEvent(fx.eventCallback(fx.botMessage('beep', { ownBot: false })))).status).toBe(200);
      expect(seen).toHaveLength(0);
      expect(h.store.reads).toBe(reads);
    });

    it('passes an edit as an edit (not a new message, no text), with the message before and after', async () => {
      let edited: unknown;
      await h.close();
      seen = [];
      h = await startSlackBot({ app: async (context: SlackContext) => void (edited = context.event.edited) });
      await h.postEvent(fx.eventCallback(fx.messageChanged('new text', 'old text')));
      expect(edited).toMatchObject({ message: { text: 'new text' }, previous: { text: 'old text' } });
    });

    it('passes edits and deletions with their kind; the counter counts neither', async () => {
      await h.postEvent(fx.eventCallback(fx.message('one')));
      await h.postEvent(fx.eventCallback(fx.messageChanged('one!', 'one')));
      await h.postEvent(fx.eventCallback(fx.messageDeleted('one!')));
      await h.postEvent(fx.eventCallback(fx.channelJoinMessage()));
      expect(seen).toEqual([
        { type: 'message', kind: 'new', isMessage: true, text: 'one' },
        { type: 'message', kind: 'edited', isMessage: false, text: undefined },
        { type: 'message', kind: 'deleted', isMessage: false, text: undefined },
        { type: 'message', kind: 'other', isMessage: false, text: undefined },
      ]);
      expect((await h.store.inner.read(`slack:${fx.GENERAL}`))?.state).toEqual({ count: 1 });
    });
  });

  describe('with includeBotMessages', () => {
    beforeEach(() => start(true));

    it("runs the handler for bots' messages too", async () => {
      await h.postEvent(fx.eventCallback(fx.botMessage('beep', { ownBot: false })));
      expect(seen).toEqual([{ type: 'message', kind: 'new', isMessage: true, text: 'beep' }]);
    });
  });
});
