import { AnswerTooLateError } from 'bottender/connector';

import type { SlackContext } from '@bottender/slack';

import * as fx from './fixtures/events';
import { type SlackBotHarness, startSlackBot } from './harness';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Slack's 3 seconds: a slow handler is acknowledged in time and still runs to its commit, once;
 * a handler that finishes in time answers a modal with its `response_action`.
 */
describe('Slack deadline and answers over HTTP', () => {
  let h: SlackBotHarness;
  afterEach(() => h.close());

  describe('a 5-second handler', () => {
    let runs: string[];
    let lateAnswer: unknown;
    let finished: Promise<void>;
    let finish: () => void;

    beforeEach(async () => {
      runs = [];
      lateAnswer = undefined;
      finished = new Promise((resolve) => (finish = resolve));
      h = await startSlackBot({
        initialState: { count: 0 },
        app: async (context: SlackContext<{ count: number }>) => {
          runs.push(context.event.id!);
          await sleep(5_000);
          context.setState({ count: context.state.count + 1 });
          await context.sendText(`Count: ${context.state.count}`);
          if (context.event.isViewSubmission) {
            try {
              context.setResponseAction({ response_action: 'clear' });
            } catch (error) {
              lateAnswer = error;
            }
          }
          finish();
        },
      });
    });

    it('is acknowledged within 3 seconds, then still writes its state and sends its message, once', async () => {
      const body = fx.eventCallback(fx.message('slow'));
      const started = Date.now();
      const answer = await h.postEvent(body);
      const answeredAfter = Date.now() - started;
      expect(answer.status).toBe(200);
      expect(answeredAfter).toBeLessThan(3_000);
      expect(await h.store.inner.read(`slack:${fx.GENERAL}`)).toBeUndefined();
      expect(h.store.held).toBe(1);
      // Slack did get its 200, but a retry may still cross it: it must not run the handler again.
      const retry = h.postEvent(body, { retryNum: 1 });
      await finished;
      expect((await retry).status).toBe(200);
      await h.bot.drain();
      expect(runs).toEqual([body.event_id]);
      expect((await h.store.inner.read(`slack:${fx.GENERAL}`))?.state).toEqual({ count: 1 });
      expect(h.api.textsIn(fx.GENERAL)).toEqual(['Count: 1']);
    }, 20_000);

    it('acknowledges a slow view submission without an answer; the late response_action throws AnswerTooLateError', async () => {
      const started = Date.now();
      const answer = await h.postPayload(fx.viewSubmission(fx.metadataFor(fx.GENERAL)));
      expect(Date.now() - started).toBeLessThan(3_000);
      expect(answer.status).toBe(200);
      expect(answer.json).toEqual({});
      await finished;
      await h.bot.drain();
      expect(lateAnswer).toBeInstanceOf(AnswerTooLateError);
      expect((await h.store.inner.read(`slack:${fx.GENERAL}`))?.state).toEqual({ count: 1 });
    }, 20_000);
  });

  describe('answers set in time', () => {
    let respond: (context: SlackContext) => void | Promise<void>;

    beforeEach(async () => {
      h = await startSlackBot({
        initialState: { submissions: 0 },
        app: async (context: SlackContext<{ submissions: number }>) => {
          context.setState({ submissions: context.state.submissions + 1 });
          await respond(context);
        },
      });
    });

    const view = { type: 'modal' as const, title: { type: 'plain_text' as const, text: 'Next' }, blocks: [] };

    it.each([
      ['errors', { response_action: 'errors' as const, errors: { title_block: 'Too short' } }],
      ['update', { response_action: 'update' as const, view }],
      ['push', { response_action: 'push' as const, view }],
      ['clear', { response_action: 'clear' as const }],
    ])('answers a view submission with response_action %s, after its state is written', async (_name, action) => {
      respond = (context) => context.setResponseAction(action);
      const answer = await h.postPayload(fx.viewSubmission(fx.metadataFor(fx.GENERAL)));
      expect(answer.status).toBe(200);
      expect(answer.contentType).toMatch(/^application\/json/);
      expect(answer.json).toEqual(action);
      expect((await h.store.inner.read(`slack:${fx.GENERAL}`))?.state).toEqual({ submissions: 1 });
    });

    it('takes 1.x-style camelCase for the answer too', async () => {
      respond = (context) => context.setResponseAction({ responseAction: 'errors', errors: { title_block: 'No' } } as never);
      const answer = await h.postPayload(fx.viewSubmission(fx.metadataFor(fx.GENERAL)));
      expect(answer.json).toEqual({ response_action: 'errors', errors: { title_block: 'No' } });
    });

    it("answers a slash command with the handler's message", async () => {
      respond = (context) => context.setAnswer({ response_type: 'in_channel', text: 'Counted' });
      const answer = await h.postCommand(fx.slashCommand('/count', ''));
      expect(answer.json).toEqual({ response_type: 'in_channel', text: 'Counted' });
    });

    it('answers 200 with an empty body when the handler sets nothing (the modal closes)', async () => {
      respond = () => {};
      const answer = await h.postPayload(fx.viewSubmission(fx.metadataFor(fx.GENERAL)));
      expect(answer.status).toBe(200);
      expect(answer.json).toEqual({});
    });

    it.each([
      ['a response_action Slack does not have', { response_action: 'close' }, /"errors", "update", "push" or "clear"/],
      ['errors without errors', { response_action: 'errors' }, /errors as an object/],
      ['update without a view', { response_action: 'update' }, /needs a view/],
    ])('refuses %s in the handler', async (_name, action, message) => {
      let thrown: unknown;
      respond = (context) => {
        try {
          context.setResponseAction(action as never);
        } catch (error) {
          thrown = error;
        }
      };
      await h.postPayload(fx.viewSubmission(fx.metadataFor(fx.GENERAL)));
      expect((thrown as Error).message).toMatch(message);
    });

    it('refuses a response_action for an input that is not a view submission', async () => {
      let thrown: unknown;
      respond = (context) => {
        try {
          context.setResponseAction({ response_action: 'clear' });
        } catch (error) {
          thrown = error;
        }
      };
      await h.postPayload(fx.blockActions('go'));
      expect((thrown as Error).message).toMatch(/only answers a view_submission; this Slack input is "block_actions"/);
    });

    it('answers a modal whose private_metadata is not JSON without a session, never crashing', async () => {
      let session: unknown = 'unset';
      respond = (context) => {
        session = context.session;
        context.setResponseAction({ response_action: 'errors', errors: { title_block: 'Please start again' } });
      };
      await h.close();
      h = await startSlackBot({ app: async (context: SlackContext) => respond(context) });
      const answer = await h.postPayload(fx.viewSubmission('not json {'));
      expect(answer.status).toBe(200);
      expect(session).toBeNull();
      expect(answer.json).toEqual({ response_action: 'errors', errors: { title_block: 'Please start again' } });
      expect(h.store.reads).toBe(0);
    });
  });
});
