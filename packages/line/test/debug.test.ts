import { format } from 'node:util';

import createDebug from 'debug';

import { type LineBotHarness, startLineBot } from './harness';

/** DEBUG=bottender:line shows each Messaging API call with its status and time (docs/configuration.md, Logs). */
describe('DEBUG=bottender:line', () => {
  let bot: LineBotHarness;
  const lines: string[] = [];
  const originalLog = createDebug.log;

  beforeAll(async () => {
    createDebug.enable('bottender:line');
    createDebug.log = (...args: unknown[]) => void lines.push(format(...args));
    bot = await startLineBot({ app: async (context) => context.sendText('hi') });
  });
  afterAll(async () => {
    createDebug.disable();
    createDebug.log = originalLog;
    await bot.close();
  });

  it('logs the reply call', async () => {
    const userId = 'U1234567890abcdef1234567890abcdef';
    const replyToken = bot.api.issueReplyToken(userId);
    const answer = await bot.post({
      destination: 'U0',
      events: [
        {
          type: 'message',
          mode: 'active',
          timestamp: Date.now(),
          webhookEventId: '01HDEBUGDEBUGDEBUGDEBUGDEB',
          deliveryContext: { isRedelivery: false },
          replyToken,
          source: { type: 'user', userId },
          message: { id: '1', type: 'text', quoteToken: 'q', text: 'hello' },
        },
      ],
    });
    expect(answer.status).toBe(200);
    expect(lines.join('\n')).toMatch(/bottender:line POST \/v2\/bot\/message\/reply ok \d+ms/);
  });
});
