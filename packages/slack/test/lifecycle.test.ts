import { Bot, MemorySessionStore, serve, silentLogger } from 'bottender';

import { createConnector, type SlackContext } from '@bottender/slack';

import { startFakeSlackApi } from '@bottender/slack/testing';
import { FakeSocketMode } from './fake-socket-mode';
import * as fx from './fixtures/events';
import { APP_TOKEN, BOT_TOKEN, SIGNING_SECRET } from './harness';

/**
 * The connector in the runtime's lifecycle: under `bottender dev` (serve with dev: true) an app
 * token means Socket Mode, so the bot needs no public URL; closing the server ends the loop.
 */
describe('Slack in the lifecycle', () => {
  it('receives over Socket Mode under dev when an app token is set, and stops with the server', async () => {
    const api = await startFakeSlackApi(BOT_TOKEN, APP_TOKEN);
    const socket = await new FakeSocketMode().start(api);
    const connector = createConnector({ accessToken: BOT_TOKEN, signingSecret: SIGNING_SECRET, appToken: APP_TOKEN, origin: api.origin });
    const bot = new Bot({
      app: async (context: SlackContext<{ count: number }>) => {
        context.setState({ count: context.state.count + 1 });
        await context.sendText(`Count: ${context.state.count}`);
      },
      store: new MemorySessionStore(),
      initialState: { count: 0 },
      logger: silentLogger,
    });
    const server = await serve({ bot, channels: [{ path: '/webhooks/slack', connector }], port: 0, host: '127.0.0.1', dev: true, logger: silentLogger });
    try {
      await socket.waitForConnection();
      await socket.waitForAck(socket.send('events_api', fx.eventCallback(fx.message('hi'))));
      await socket.waitForAck(socket.send('events_api', fx.eventCallback(fx.message('again'))));
      await bot.drain();
      expect(api.textsIn(fx.GENERAL)).toEqual(['Count: 1', 'Count: 2']);
      // The webhook path is not served for a channel on its loop.
      const answer = await fetch(`http://127.0.0.1:${server.port}/webhooks/slack`, { method: 'POST', body: '{}' });
      expect(answer.status).toBe(404);
      await server.close();
      // The loop ended with the server: the client closed its WebSocket.
      for (let i = 0; i < 100 && socket.connected; i++) await new Promise((resolve) => setTimeout(resolve, 20));
      expect(socket.connected).toBe(false);
    } finally {
      await server.close();
      await socket.close();
      await api.close();
    }
  });
});
