import { createConnector, SlackEvent } from '@bottender/slack';

import * as fx from './fixtures/events';

/**
 * An event acknowledged at its deadline is held in the store as JSON (`rawEvent`) and rebuilt
 * with `restoreEvent` after a restart: it must come back with the same id and session.
 */
describe('SlackConnector.restoreEvent', () => {
  const connector = createConnector({ accessToken: 'xoxb-1', signingSecret: 's' });
  afterAll(() => connector.close());

  it.each([
    ['an Events API event', new SlackEvent('event', fx.eventCallback(fx.message('hi', { channel: fx.RANDOM })) as never)],
    ['a slash command', new SlackEvent('command', fx.slashCommand('/count', 'x') as never)],
    ['a block action', new SlackEvent('interaction', fx.blockActions('go') as never)],
    ['a view submission', new SlackEvent('interaction', fx.viewSubmission(fx.metadataFor(fx.PRIVATE)) as never)],
    ['a view closed', new SlackEvent('interaction', fx.viewClosed(fx.metadataFor(fx.PRIVATE)) as never)],
  ])('rebuilds %s with its id, kind and session', (_name, event) => {
    const restored = connector.restoreEvent(JSON.parse(JSON.stringify(event.rawEvent)));
    expect(restored.kind).toBe(event.kind);
    expect(restored.type).toBe(event.type);
    expect(connector.eventId(restored)).toBe(connector.eventId(event));
    expect(connector.eventId(restored)).toBeDefined();
    expect(connector.sessionKey(restored)).toBe(connector.sessionKey(event));
    expect(connector.sessionKey(restored)).toBeDefined();
  });

  it('refuses what is not a Slack input with an error, never a crash of the process', () => {
    expect(() => connector.restoreEvent(null)).toThrow(/not a Slack interactivity payload/);
    expect(() => connector.restoreEvent({ type: 'event_callback' })).toThrow(/"event" must be an object/);
  });
});
