import { Bot, type RunningServer, serve } from 'bottender';

import { createConnector, type TelegramConnector, type TelegramContext } from '@bottender/telegram';

import { type FakeTelegramApi, startFakeTelegramApi } from './fake-telegram-api';
import * as fx from './fixtures/events';
import { BOT_TOKEN, CountingStore, recordingLogger } from './harness';

/**
 * Long polling through the runtime's loop transport: updates are confirmed to Telegram (the
 * offset) only once their delivery is acknowledged, so a restart, clean or not, loses none and
 * runs none twice; a set webhook is deleted only when told to.
 */
describe('Telegram long polling', () => {
  let api: FakeTelegramApi;
  let store: CountingStore;
  let handled: { chat: number | undefined; text: string | undefined; count: number }[];
  const running: { server: RunningServer; connector: TelegramConnector }[] = [];

  const counter = async (context: TelegramContext<{ count?: number }>) => {
    const count = (context.state.count ?? 0) + 1;
    context.setState({ count });
    handled.push({ chat: context.event.chatId, text: context.event.text, count });
    await context.sendText(`Count: ${count}`);
  };

  beforeEach(async () => {
    api = await startFakeTelegramApi(BOT_TOKEN);
    store = new CountingStore();
    handled = [];
  });
  afterEach(async () => {
    for (const r of running.splice(0)) await r.server.close();
    await api.close();
  });

  async function start(options: { polling?: boolean; dev?: boolean; log?: ReturnType<typeof recordingLogger> } = {}) {
    const log = options.log ?? recordingLogger();
    const connector = createConnector({ accessToken: BOT_TOKEN, origin: api.origin, polling: options.polling ?? true }, { logger: log });
    const bot = new Bot({ app: counter, store, logger: log });
    const server = await serve({ bot, channels: [{ path: '/webhooks/telegram', connector }], port: 0, host: '127.0.0.1', dev: options.dev ?? false, logger: log });
    running.push({ server, connector });
    return { server, connector, log };
  }

  async function stop(server: RunningServer) {
    await server.close();
    running.splice(running.findIndex((r) => r.server === server), 1);
  }

  it('handles updates as they come and confirms them to Telegram', async () => {
    await start();
    api.updates.push(fx.textMessage('a', { chat: fx.GROUP }));
    api.updates.push(fx.textMessage('b', { from: fx.BOB }));
    api.updates.push(fx.textMessage('c', { chat: fx.GROUP }));
    await waitFor(() => handled.length === 3 && api.textsTo(fx.GROUP.id).length === 2);
    expect(api.textsTo(fx.GROUP.id)).toEqual(['Count: 1', 'Count: 2']);
    expect(api.textsTo(fx.BOB.id)).toEqual(['Count: 1']);
    // The next poll's offset confirmed them.
    await waitFor(() => api.updates.pending.length === 0);
  });

  it('resumes after a restart without losing or repeating an update', async () => {
    const first = await start();
    for (const text of ['1', '2', '3']) api.updates.push(fx.textMessage(text, { chat: fx.SUPERGROUP }));
    await waitFor(() => handled.length === 3);
    await stop(first.server);
    // Sent while the bot was down: Telegram keeps them.
    for (const text of ['4', '5']) api.updates.push(fx.textMessage(text, { chat: fx.SUPERGROUP }));
    await start();
    await waitFor(() => handled.length === 5);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(handled.map((h) => h.text)).toEqual(['1', '2', '3', '4', '5']);
    expect(api.textsTo(fx.SUPERGROUP.id)).toEqual(['Count: 1', 'Count: 2', 'Count: 3', 'Count: 4', 'Count: 5']);
  });

  it('runs none twice when the process stopped before confirming (Telegram sends them again)', async () => {
    // Every confirmation of the first process is lost, as when it is killed after its commits.
    api.updates.loseConfirmations = true;
    const first = await start();
    for (const text of ['1', '2']) api.updates.push(fx.textMessage(text));
    await waitFor(() => handled.length === 2 && api.textsTo(fx.ALICE.id).length === 2);
    await stop(first.server);
    api.updates.loseConfirmations = false;
    expect(api.updates.pending.map((u) => (u as any).message.text)).toEqual(['1', '2']);
    api.updates.push(fx.textMessage('3'));
    const second = await start();
    await waitFor(() => handled.length === 3);
    await waitFor(() => api.updates.pending.length === 0);
    expect(handled.map((h) => [h.text, h.count])).toEqual([
      ['1', 1],
      ['2', 2],
      ['3', 3],
    ]);
    expect(api.textsTo(fx.ALICE.id)).toEqual(['Count: 1', 'Count: 2', 'Count: 3']);
    expect(second.log.errors).toEqual([]);
  });

  it('does not confirm an update whose state could not be saved; it comes again and runs', async () => {
    let failWrites = 1;
    const write = store.write.bind(store);
    store.write = async (record, options) => {
      if (failWrites-- > 0) throw new Error('store down');
      return write(record, options);
    };
    const { log } = await start();
    api.updates.push(fx.textMessage('saved later'));
    api.updates.push(fx.textMessage('next'));
    await waitFor(() => api.textsTo(fx.ALICE.id).length === 2, 15_000);
    expect(api.textsTo(fx.ALICE.id)).toEqual(['Count: 1', 'Count: 2']);
    // The first run of 'saved later' was discarded with its state; it ran again when it came back.
    // ('next', in the same batch, may run between the two: the runtime does not hold a session's
    // later events of one dispatch back after a refusal.)
    expect(handled.map((h) => h.text).sort()).toEqual(['next', 'saved later', 'saved later']);
    expect((await store.inner.read(`telegram:${fx.ALICE.id}`))?.state).toEqual({ count: 2 });
    expect(log.warnings.some((w) => /was not acknowledged \(store-unavailable\)/.test(w))).toBe(true);
    await waitFor(() => api.updates.pending.length === 0);
  });

  it('waits out a 429 on getUpdates for the retry_after Telegram names', async () => {
    api.failNext('getUpdates', 429, { ok: false, error_code: 429, description: 'Too Many Requests: retry after 1', parameters: { retry_after: 1 } });
    api.updates.push(fx.textMessage('patience'));
    const started = Date.now();
    await start();
    await waitFor(() => handled.length === 1);
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
  });

  it('with polling: true, deletes a set webhook (keeping pending updates) and says so', async () => {
    api.webhook = { url: 'https://bot.example.com/webhooks/telegram/s3cr3t-path' };
    api.updates.push(fx.textMessage('while the webhook was set'));
    const { log } = await start({ polling: true });
    await waitFor(() => handled.length === 1);
    expect(api.webhook).toBeUndefined();
    expect(api.callsOf('deleteWebhook').map((c) => c.params)).toEqual([{ drop_pending_updates: false }]);
    expect(log.warnings).toContain(
      'telegram: deleted the webhook (https://bot.example.com) so long polling can run; pending updates are kept. ' +
        'Set it again with `bottender telegram webhook set --url <https url>`',
    );
    expect(log.warnings.join('\n')).not.toContain('s3cr3t-path');
  });

  it('under bottender dev without polling: true, does not start while a webhook is set, and says what to do', async () => {
    api.webhook = { url: 'https://bot.example.com/webhooks/telegram' };
    const log = recordingLogger();
    const connector = createConnector({ accessToken: BOT_TOKEN, origin: api.origin }, { logger: log });
    const bot = new Bot({ app: counter, store, logger: log });
    await expect(
      serve({ bot, channels: [{ path: '/webhooks/telegram', connector }], port: 0, host: '127.0.0.1', dev: true, logger: log }),
    ).rejects.toThrow(/a webhook is set for this bot \(https:\/\/bot\.example\.com\).*--telegram-polling/);
    expect(api.webhook).toBeDefined();
    expect(api.callsOf('deleteWebhook')).toHaveLength(0);
  });

  it('under bottender dev polls when no webhook is set, with no secret token configured', async () => {
    await start({ polling: undefined, dev: true });
    api.updates.push(fx.textMessage('dev'));
    await waitFor(() => handled.length === 1);
    expect(api.textsTo(fx.ALICE.id)).toEqual(['Count: 1']);
  });
});

async function waitFor(done: () => boolean, timeoutMs = 10_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!done()) {
    if (Date.now() > until) throw new Error('timed out waiting');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('Telegram long polling with a wrong bot token', () => {
  it('does not start, naming the key', async () => {
    const api = await startFakeTelegramApi(BOT_TOKEN);
    try {
      const log = recordingLogger();
      const connector = createConnector({ accessToken: '7000000001:AAwrongwrongwrongwrongwrongwrong', origin: api.origin, polling: true }, { logger: log });
      const bot = new Bot({ app: async () => {}, store: new CountingStore(), logger: log });
      await expect(serve({ bot, channels: [{ path: '/webhooks/telegram', connector }], port: 0, host: '127.0.0.1', logger: log })).rejects.toThrow(
        'channels.telegram.accessToken was refused by Telegram (401 Unauthorized): check the bot token with @BotFather',
      );
    } finally {
      await api.close();
    }
  });
});
