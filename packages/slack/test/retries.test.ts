import type { SlackContext } from '@bottender/slack';

import * as fx from './fixtures/events';
import { type SlackBotHarness, startSlackBot } from './harness';

/**
 * Slack sends an event again when it got no 2xx within 3 seconds (`X-Slack-Retry-Num`), with the
 * same `event_id`; interactivity and slash commands carry a `trigger_id`. Each runs once, also
 * when the retry arrives while the first delivery is still running.
 */
describe('Slack retries', () => {
  let h: SlackBotHarness;
  let runs: string[];
  let release: (() => void) | undefined;
  let gate: Promise<void> | undefined;

  beforeEach(async () => {
    runs = [];
    gate = undefined;
    h = await startSlackBot({
      initialState: { count: 0 },
      app: async (context: SlackContext<{ count: number }>) => {
        runs.push(context.event.id!);
        if (gate) await gate;
        context.setState({ count: context.state.count + 1 });
        await context.sendText(`Count: ${context.state.count}`);
      },
    });
  });
  afterEach(() => h.close());

  const count = async () => (await h.store.inner.read(`slack:${fx.GENERAL}`))?.state;

  it('runs a retry that arrives after the first delivery was committed once', async () => {
    const body = fx.eventCallback(fx.message('hi'));
    expect((await h.postEvent(body)).status).toBe(200);
    expect((await h.postEvent(body, { retryNum: 1 })).status).toBe(200);
    expect((await h.postEvent(body, { retryNum: 2 })).status).toBe(200);
    expect(runs).toEqual([body.event_id]);
    expect(await count()).toEqual({ count: 1 });
    expect(h.api.textsIn(fx.GENERAL)).toEqual(['Count: 1']);
  });

  it('runs a retry that arrives while the first delivery is still running once', async () => {
    gate = new Promise((resolve) => (release = resolve));
    const body = fx.eventCallback(fx.message('hi'));
    const first = h.postEvent(body);
    while (runs.length === 0) await new Promise((r) => setTimeout(r, 5));
    const retry = h.postEvent(body, { retryNum: 1 });
    // The retry waits behind the first (same session); give it time to get there.
    await new Promise((r) => setTimeout(r, 50));
    release!();
    expect((await first).status).toBe(200);
    expect((await retry).status).toBe(200);
    expect(runs).toEqual([body.event_id]);
    expect(await count()).toEqual({ count: 1 });
    expect(h.api.textsIn(fx.GENERAL)).toEqual(['Count: 1']);
  });

  it('runs a retry whose first delivery never got through', async () => {
    const body = fx.eventCallback(fx.message('hi'));
    await h.postEvent(body, { retryNum: 1 });
    expect(runs).toEqual([body.event_id]);
  });

  it('tells a retry apart on the event', async () => {
    let flags: [boolean, number | undefined, string | undefined] | undefined;
    await h.close();
    h = await startSlackBot({
      app: async (context: SlackContext) => void (flags = [context.event.isRetry, context.event.origin.retryNum, context.event.origin.retryReason]),
    });
    await h.postEvent(fx.eventCallback(fx.message('hi')), { retryNum: 2 });
    expect(flags).toEqual([true, 2, 'http_timeout']);
  });

  it('runs the same interactivity payload (same trigger_id) once', async () => {
    const payload = fx.blockActions('count');
    await h.postPayload(payload);
    await h.postPayload(payload);
    expect(runs).toEqual([payload.trigger_id]);
  });

  it('runs the same slash command (same trigger_id) once', async () => {
    const fields = fx.slashCommand('/count', '');
    await h.postCommand(fields);
    await h.postCommand(fields);
    expect(runs).toEqual([fields.trigger_id]);
  });

  it('runs different events of one channel each once, in order', async () => {
    const bodies = [1, 2, 3].map((i) => fx.eventCallback(fx.message(`m${i}`)));
    for (const body of bodies) await h.postEvent(body);
    expect(runs).toEqual(bodies.map((b) => b.event_id));
    expect(h.api.textsIn(fx.GENERAL)).toEqual(['Count: 1', 'Count: 2', 'Count: 3']);
  });
});
