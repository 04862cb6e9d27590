import { Bot, MemorySessionStore, serve, silentLogger } from 'bottender';

import { createConnector } from '@bottender/line';
import { lineWebhookRequest, signedLineRequest, startFakeLineApi } from '@bottender/line/testing';

/** What a bot author's own project does with @bottender/line/testing (docs/testing.md). */
describe('@bottender/line/testing', () => {
  const SECRET = 'a-channel-secret';
  const TOKEN = 'a-channel-access-token';

  it('tests a bot end to end: a signed webhook in, the replies LINE got out', async () => {
    const api = await startFakeLineApi(TOKEN);
    const connector = createConnector({ accessToken: TOKEN, channelSecret: SECRET, origin: api.origin });
    const bot = new Bot({
      app: async (context) => {
        await context.sendText(`Echo: ${context.event.text}`);
      },
      store: new MemorySessionStore(),
      logger: silentLogger,
    });
    const server = await serve({ bot, channels: [{ path: '/webhooks/line', connector }], port: 0, host: '127.0.0.1' });
    try {
      const replyToken = api.issueReplyToken('U1234567890abcdef1234567890abcdef');
      const event = {
        type: 'message',
        mode: 'active',
        timestamp: Date.now(),
        webhookEventId: '01HZZZZZZZZZZZZZZZZZZZZZZZ',
        deliveryContext: { isRedelivery: false },
        replyToken,
        source: { type: 'user', userId: 'U1234567890abcdef1234567890abcdef' },
        message: { id: '1', type: 'text', quoteToken: 'q', text: 'hello' },
      };
      const response = await fetch(`http://127.0.0.1:${server.port}/webhooks/line`, { method: 'POST', ...signedLineRequest([event], SECRET) });
      expect(response.status).toBe(200);
      expect(api.textsTo('U1234567890abcdef1234567890abcdef')).toEqual(['Echo: hello']);

      const forged = signedLineRequest([event], 'another-secret');
      expect((await fetch(`http://127.0.0.1:${server.port}/webhooks/line`, { method: 'POST', ...forged })).status).toBe(401);
    } finally {
      await server.close();
      await api.close();
    }
  });

  it('makes a signed WebhookRequest for connector.receive() without a server', async () => {
    const connector = createConnector({ accessToken: TOKEN, channelSecret: SECRET });
    const received = await connector.receive(lineWebhookRequest([], SECRET));
    expect(received.events).toEqual([]);
    await expect(async () => connector.receive(lineWebhookRequest([], 'wrong'))).rejects.toMatchObject({ status: 401 });
    await connector.close?.();
  });
});
