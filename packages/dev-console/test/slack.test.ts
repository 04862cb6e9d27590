import { Bot, type Logger, MemorySessionStore } from 'bottender';

import * as slack from '@bottender/slack';
import { startDevConsole } from '@bottender/dev-console';

async function start(app: (context: any) => Promise<void>, channel: Record<string, unknown> = {}) {
  const errors: unknown[] = [];
  const logger: Logger = { info() {}, warn() {}, error: (message, error) => errors.push([message, error]) };
  const bot = new Bot({ app, store: new MemorySessionStore(), initialState: { count: 0 }, logger });
  const devConsole = await startDevConsole({
    bot,
    channels: { slack: { enabled: true, ...channel } },
    initialState: { count: 0 },
    loadPackage: (id) => (id === '@bottender/slack' ? slack : undefined),
    logger,
  });
  const api = async (method: string, path: string, body?: unknown) => {
    const response = await fetch(`${devConsole.url}api/${path}`, { method, body: body === undefined ? undefined : JSON.stringify(body) });
    return { status: response.status, json: (await response.json()) as any };
  };
  return { bot, devConsole, api, errors, close: async () => { await devConsole.close(); await bot.close(); } };
}

const counter = async (context: any) => {
  if (context.event.isCommand) {
    await context.respond({ response_type: 'ephemeral', text: `command ${context.event.command} ${context.event.text ?? ''}`.trim() });
    return;
  }
  if (context.event.isBlockAction) {
    const action = context.event.rawEvent.actions[0];
    context.setState({ approved: action.value });
    await context.sendText(`pressed ${action.action_id}=${action.value}`);
    return;
  }
  const count = context.state.count + 1;
  context.setState({ count });
  await context.postMessage({
    text: `Count: ${count}`,
    blocks: [
      { type: 'section', text: { type: 'mrkdwn', text: `*Count:* ${count}` } },
      { type: 'actions', block_id: 'b1', elements: [{ type: 'button', action_id: 'approve', value: 'yes', text: { type: 'plain_text', text: 'Approve' } }] },
    ],
  });
};

describe('the dev console speaks Slack, with no credentials configured', () => {
  test('channel, thread and DM; messages, slash commands through response_url, button presses; signed', async () => {
    const h = await start(counter);
    try {
      expect(h.devConsole.platforms).toEqual(['slack']);
      const send = (source: object, input: object, mode?: unknown) => h.api('POST', 'send', { platform: 'slack', source, input, mode });
      const inChannel = await send({ kind: 'channel', user: 'alice', conversation: 'general' }, { kind: 'text', values: { text: 'hi' } });
      expect(inChannel.json.sessionId).toMatch(/^slack:C[0-9A-Z]{10}$/);
      expect(inChannel.json.entries[0]).toMatchObject({ outcome: 'handled', status: 200 });
      expect(inChannel.json.entries[0].messages[0]).toMatchObject({ via: 'chat.postMessage', messages: [{ text: 'Count: 1', blocks: expect.any(Array) }] });
      // Threads share the channel's session unless sessionScope is 'thread'.
      const inThread = await send({ kind: 'thread', user: 'bob', conversation: 'general#plans' }, { kind: 'text', values: { text: 'hi' } });
      expect(inThread.json.sessionId).toBe(inChannel.json.sessionId);
      expect(inThread.json.entries[0].messages[0].messages[0].text).toBe('Count: 2');
      const dm = await send({ kind: 'dm', user: 'alice' }, { kind: 'text', values: { text: 'hi' } });
      expect(dm.json.sessionId).toMatch(/^slack:D[0-9A-Z]{10}$/);
      expect(dm.json.entries[0].messages[0].messages[0].text).toBe('Count: 1');

      const command = await send({ kind: 'channel', user: 'alice', conversation: 'general' }, { kind: 'command', values: { command: '/order', text: 'latte' } });
      expect(command.json.entries[0]).toMatchObject({ outcome: 'handled', messages: [{ via: 'response_url', messages: [{ response_type: 'ephemeral', text: 'command /order latte' }] }] });

      const press = await send({ kind: 'channel', user: 'alice', conversation: 'general' }, { kind: 'button', values: { actionId: 'approve', value: 'yes' } });
      expect(press.json.entries[0].messages[0].messages[0].text).toBe('pressed approve=yes');
      expect((await h.api('GET', `session?id=${inChannel.json.sessionId}`)).json.state).toEqual({ count: 2, approved: 'yes' });

      const twice = await send({ kind: 'channel', user: 'alice', conversation: 'general' }, { kind: 'text', values: { text: 'hi' } }, 'twice');
      expect(twice.json.entries.map((e: { outcome: string }) => e.outcome).sort()).toEqual(['duplicate', 'handled']);
      const refused = await send({ kind: 'dm', user: 'alice' }, { kind: 'text', values: { text: 'hi' } }, 'bad-signature');
      expect(refused.json.entries[0]).toMatchObject({ outcome: 'refused', status: 401 });
    } finally {
      await h.close();
    }
  });

  test("sessionScope 'thread': a thread is its own session", async () => {
    const h = await start(counter, { sessionScope: 'thread' });
    try {
      const send = (source: object) => h.api('POST', 'send', { platform: 'slack', source, input: { kind: 'text', values: { text: 'hi' } } });
      const channel = await send({ kind: 'channel', user: 'alice', conversation: 'general' });
      const thread = await send({ kind: 'thread', user: 'alice', conversation: 'general#plans' });
      expect(thread.json.sessionId).toMatch(new RegExp(`^${channel.json.sessionId}:\\d+\\.\\d{6}$`));
      expect(thread.json.entries[0].messages[0].messages[0]).toMatchObject({ text: 'Count: 1' });
    } finally {
      await h.close();
    }
  });
});
