/**
 * The one owner of the lifecycle: start order, init once, loops and webhooks side by side, and a
 * close that drains and stops everything in reverse.
 */
import { Bot, MemorySessionStore, startBot } from '../src';
import { transportOf } from '../src/connector';
import { PollingTestConnector, TestConnector } from '../src/testing';
import { recordingLogger } from './support/bot';
import { createClient } from './support/http';

async function until(condition: () => boolean | Promise<boolean>, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await condition())) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

it('starts the store, then connectors once, then loops and webhooks; closes in reverse after a drain', async () => {
  const order: string[] = [];
  const store = new MemorySessionStore();
  Object.assign(store, {
    init: async () => void order.push('store init'),
    close: async () => void order.push('store close'),
  });
  const polling = new PollingTestConnector();
  const webhook = new TestConnector();
  for (const [name, connector] of [['polling', polling], ['webhook', webhook]] as const) {
    Object.assign(connector, {
      init: async () => void order.push(`${name} init`),
      close: async () => void order.push(`${name} close`),
    });
  }
  const bot = new Bot({
    store,
    logger: recordingLogger(),
    app: async (context: any) => context.setState({ count: (context.state.count ?? 0) + 1 }),
  });
  const channels = [
    { path: '/webhooks/polling', connector: polling },
    { path: '/webhooks/test', connector: webhook },
  ];
  const running = await startBot({ bot, channels, http: { port: 0, host: '127.0.0.1' } });
  expect(running.loopChannels.map((c) => c.connector)).toEqual([polling]);
  expect(running.webhookChannels.map((c) => c.connector)).toEqual([webhook]);
  // A second lifecycle on the same connectors does not init them again.
  const again = await startBot({ bot, channels: [channels[1]] });
  expect(order).toEqual(['store init', 'polling init', 'webhook init']);

  polling.push({ user: 'p', id: 'u1', text: 'hi' }, { user: 'p', id: 'u2', text: 'hi' });
  const client = createClient(running.port!);
  expect((await client.post('/webhooks/test', { events: [{ user: 'w', id: 'w1' }] })).status).toBe(200);
  // A loop channel has no webhook.
  expect((await client.post('/webhooks/polling', { events: [] })).status).toBe(404);
  client.close();
  await until(() => polling.pending === 0);
  expect((await store.read('polling:p'))?.state).toEqual({ count: 2 });
  expect(polling.offset).toBe(3);

  await running.close();
  expect(order.slice(3)).toEqual(['webhook close', 'polling close', 'store close']);
  await again.close();
});

it('a loop advances past an event only once it is committed: a refused one is taken again', async () => {
  const store = new MemorySessionStore();
  const polling = new PollingTestConnector({ retryMs: 5 });
  let failWrites = 2;
  const write = store.write.bind(store);
  store.write = async (record, options) => {
    if (failWrites-- > 0) throw new Error('store down');
    return write(record, options);
  };
  const bot = new Bot({ store, logger: recordingLogger(), app: async (context: any) => context.setState({ ok: true }) });
  const running = await startBot({ bot, channels: [{ path: '/p', connector: polling }] });
  polling.push({ user: 'a', id: 'e1' });
  await until(() => polling.pending === 0);
  expect(polling.batches).toBe(3);
  expect(await store.read('polling:a')).toMatchObject({ version: 1, eventIds: ['e1'] });
  await running.close();
});

it('bottender dev prefers a loop where the connector has one; start keeps webhooks unless the connector says otherwise', () => {
  const both = Object.assign(new TestConnector(), { run: async () => {} });
  expect(transportOf(both, false)).toBe('webhook');
  expect(transportOf(both, true)).toBe('loop');
  expect(transportOf(new PollingTestConnector(), false)).toBe('loop');
  expect(transportOf(new TestConnector(), true)).toBe('webhook');
  const broken = Object.assign(new TestConnector(), { transport: () => 'loop' as const });
  expect(() => transportOf(broken, false)).toThrow(/chose the loop transport but has no run/);
});

it('a failed start closes what it started', async () => {
  const order: string[] = [];
  const store = new MemorySessionStore();
  Object.assign(store, { close: async () => void order.push('store close') });
  const ok = Object.assign(new TestConnector({ platform: 'ok' }), { close: async () => void order.push('ok close') });
  const bad = Object.assign(new TestConnector({ platform: 'bad' }), {
    init: async () => {
      throw new Error('bad credentials');
    },
  });
  const bot = new Bot({ store, logger: recordingLogger(), app: async () => {} });
  await expect(
    startBot({ bot, channels: [{ path: '/ok', connector: ok }, { path: '/bad', connector: bad }] }),
  ).rejects.toThrow('bad credentials');
  expect(order).toEqual(['ok close', 'store close']);
});
