import { signedSlackRequest, slackWebhookRequest } from '@bottender/slack/testing';
import { createConnector } from '@bottender/slack';

import * as fx from './fixtures/events';

/** `@bottender/slack/testing` makes requests the connector accepts, of every kind. */
describe('@bottender/slack/testing', () => {
  const connector = createConnector({ accessToken: 'xoxb-1', signingSecret: 'test-signing-secret' });
  afterAll(() => connector.close());

  it.each([
    ['event', fx.eventCallback(fx.message('hi')), 'message'],
    ['interaction', fx.blockActions('go'), 'block_actions'],
    ['command', fx.slashCommand('/count', ''), 'slash_command'],
  ] as const)('signs a %s request the connector accepts', async (kind, input, type) => {
    const received = await connector.receive(slackWebhookRequest(kind, input, 'test-signing-secret'));
    expect(received.events.map((event) => event.type)).toEqual([type]);
  });

  it('signs with the given timestamp, so a stale one can be tested', async () => {
    const { headers } = signedSlackRequest('event', fx.eventCallback(fx.message('hi')), 's', { timestampSeconds: 1 });
    expect(headers['x-slack-request-timestamp']).toBe('1');
    await expect(connector.receive(slackWebhookRequest('event', fx.eventCallback(fx.message('hi')), 'test-signing-secret', { timestampSeconds: 1 }))).rejects.toMatchObject({ status: 401 });
  });
});
