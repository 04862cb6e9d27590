import { Bot, MemorySessionStore, silentLogger } from 'bottender';
import { TestConnector } from 'bottender/testing';

import config from './bottender.config';
import App from './index';

describe('the counter example', () => {
  it('answers Count: N per session, starting from the config initialState', async () => {
    const connector = new TestConnector();
    const bot = new Bot({ app: App, store: new MemorySessionStore(), initialState: config.initialState, logger: silentLogger });
    const { events } = connector.receive(webhook([{ user: 'a', text: 'hi' }, { user: 'a', text: 'hi' }, { user: 'b', text: 'yo' }]));
    await bot.handleEvents(connector, events);
    expect(connector.repliesTo('a')).toEqual(['Count: 1', 'Count: 2']);
    expect(connector.repliesTo('b')).toEqual(['Count: 1']);
    expect((await bot.store.read('test:a'))?.state).toEqual({ count: 2 });
  });
});

function webhook(events: object[]) {
  return { method: 'POST', path: '/', query: new URLSearchParams(), headers: {}, rawBody: Buffer.from(JSON.stringify({ events })) };
}
