import type { SlackContext } from '@bottender/slack';

import * as fx from './fixtures/events';
import { APP_TOKEN, type SlackSocketHarness, startSlackSocketBot } from './harness';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * The same inputs over Socket Mode: the SDK's client connects through `apps.connections.open` on
 * the configured origin, and every envelope is acknowledged only once its event is committed (or
 * at the deadline), with the handler's answer as the ack's payload.
 */
describe('Slack over Socket Mode', () => {
  let h: SlackSocketHarness;
  let handler: (context: SlackContext<{ count: number }>) => Promise<void>;
  let runs: number;

  const counter = async (context: SlackContext<{ count: number }>) => {
    if (!context.event.isMessage && !context.event.isCommand && !context.event.isPayload) return;
    context.setState({ count: context.state.count + 1 });
    await context.sendText(`Count: ${context.state.count}`);
  };

  beforeEach(async () => {
    runs = 0;
    handler = counter;
    h = await startSlackSocketBot({
      initialState: { count: 0 },
      app: async (context: SlackContext<{ count: number }>) => {
        runs++;
        await handler(context);
      },
    });
  });
  afterEach(() => h.close());

  const stateOf = async (channel: string) => (await h.store.inner.read(`slack:${channel}`))?.state;

  it('connects with the app-level token through apps.connections.open on the configured origin', async () => {
    const [open] = h.api.callsOf('apps.connections.open');
    expect(open.authorization).toBe(`Bearer ${APP_TOKEN}`);
    expect(h.socket.connections).toBe(1);
  });

  it('counts per channel, acknowledging each envelope after its state is written', async () => {
    for (const channel of [fx.GENERAL, fx.RANDOM, fx.GENERAL]) {
      const ack = await h.sendAndAck('events_api', fx.eventCallback(fx.message('hi', { channel })));
      expect(ack).toBeDefined();
      // The ack comes after the commit: the state is there when Slack hears back.
      expect(await stateOf(channel)).toBeDefined();
    }
    expect(await stateOf(fx.GENERAL)).toEqual({ count: 2 });
    expect(await stateOf(fx.RANDOM)).toEqual({ count: 1 });
    await h.bot.drain();
    expect(h.api.textsIn(fx.GENERAL)).toEqual(['Count: 1', 'Count: 2']);
    expect(h.api.textsIn(fx.RANDOM)).toEqual(['Count: 1']);
  });

  it('handles interactivity and slash commands on the same sessions', async () => {
    expect(await h.sendAndAck('slash_commands', fx.slashCommand('/count', ''))).toBeDefined();
    expect(await h.sendAndAck('interactive', fx.blockActions('plus_one'))).toBeDefined();
    expect(await stateOf(fx.GENERAL)).toEqual({ count: 2 });
  });

  it("puts the handler's response_action in the ack payload", async () => {
    handler = async (context) => context.setResponseAction({ response_action: 'errors', errors: { title_block: 'Too short' } });
    const ack = await h.sendAndAck('interactive', fx.viewSubmission(fx.metadataFor(fx.GENERAL)));
    expect(ack?.payload).toEqual({ response_action: 'errors', errors: { title_block: 'Too short' } });
  });

  it('runs a redelivered envelope (retry_attempt) once', async () => {
    const body = fx.eventCallback(fx.message('hi'));
    await h.sendAndAck('events_api', body);
    expect(await h.sendAndAck('events_api', body, { retryAttempt: 1 })).toBeDefined();
    expect(runs).toBe(1);
    expect(await stateOf(fx.GENERAL)).toEqual({ count: 1 });
  });

  it('does not acknowledge when the store cannot be reached; the redelivery is then handled once', async () => {
    h.store.failReads = 1;
    const body = fx.eventCallback(fx.message('hi'));
    expect(await h.sendAndAck('events_api', body, {}, 1_500)).toBeUndefined();
    expect(runs).toBe(0);
    expect(h.warnings.join('\n')).toMatch(/not acknowledged \(store-unavailable\); Slack will send it again/);
    expect(await h.sendAndAck('events_api', body, { retryAttempt: 1 })).toBeDefined();
    expect(runs).toBe(1);
    expect(await stateOf(fx.GENERAL)).toEqual({ count: 1 });
  });

  it("acknowledges bots' messages (this app's own included) without running the handler", async () => {
    expect(await h.sendAndAck('events_api', fx.eventCallback(fx.appBotUserMessage('Count: 1')))).toBeDefined();
    expect(await h.sendAndAck('events_api', fx.eventCallback(fx.botMessage('beep', { ownBot: false })))).toBeDefined();
    expect(runs).toBe(0);
    expect(h.store.reads).toBe(0);
  });

  it('acknowledges and drops an envelope that is not what Slack sends, and keeps going', async () => {
    h.socket.sendRaw('{not json');
    expect(await h.sendAndAck('events_api', { type: 'event_callback', event: 'nope' })).toBeDefined();
    expect(await h.sendAndAck('interactive', ['block_actions'])).toBeDefined();
    expect(await h.sendAndAck('slash_commands', { text: 'no command' })).toBeDefined();
    expect(runs).toBe(0);
    expect(h.warnings.filter((w) => /acknowledged and dropped/.test(w))).toHaveLength(3);
    expect(await h.sendAndAck('events_api', fx.eventCallback(fx.message('still here')))).toBeDefined();
    expect(runs).toBe(1);
  });

  it('reconnects when Slack asks to (disconnect), with a fresh URL, and goes on counting', async () => {
    await h.sendAndAck('events_api', fx.eventCallback(fx.message('one')));
    h.socket.disconnect('refresh_requested');
    while (h.socket.connections < 2) await sleep(20);
    await h.socket.waitForConnection();
    expect(h.api.callsOf('apps.connections.open')).toHaveLength(2);
    expect(await h.sendAndAck('events_api', fx.eventCallback(fx.message('two')))).toBeDefined();
    expect(await stateOf(fx.GENERAL)).toEqual({ count: 2 });
  }, 20_000);

  it('acknowledges a 5-second handler within 3 seconds and still commits it once', async () => {
    handler = async (context) => {
      await sleep(5_000);
      await counter(context);
    };
    const body = fx.eventCallback(fx.message('slow'));
    const ack = await h.sendAndAck('events_api', body);
    expect(ack).toBeDefined();
    expect(ack!.afterMs).toBeLessThan(3_000);
    expect(await stateOf(fx.GENERAL)).toBeUndefined();
    await h.bot.drain();
    expect(runs).toBe(1);
    expect(await stateOf(fx.GENERAL)).toEqual({ count: 1 });
    expect(h.api.textsIn(fx.GENERAL)).toEqual(['Count: 1']);
  }, 20_000);
});

describe('Slack Socket Mode start-up', () => {
  it('fails run() with a clear error when there is no app token', async () => {
    const { createConnector } = await import('@bottender/slack');
    const connector = createConnector({ accessToken: 'xoxb-1', signingSecret: 's' });
    await expect(connector.run({ dispatch: async () => [] }, new AbortController().signal)).rejects.toThrow(/appToken \(xapp-…\) is needed/);
    await connector.close();
  });
});
