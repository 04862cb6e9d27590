import { runAction } from '../runtime/action';
import { line, slack, telegram } from './platforms';
import { router, text } from './router';

/** Which action a 1.x-style router picks for a context of a platform with these event getters. */
async function picked(routes: Parameters<typeof router>[0], platform: string, event: Record<string, unknown>): Promise<string> {
  let chosen = 'none';
  const named = (name: string) => async () => void (chosen = name);
  const withNames = routes.map((r, i) => ({ ...r, action: named(String(i)) }));
  await runAction(router(withNames) as never, { platform, event } as never);
  return chosen;
}

describe("1.x's platform routes", () => {
  it('match their platform and event getter only', async () => {
    const routes = [telegram.callbackQuery(async () => {}), line.follow(async () => {}), line.postback(async () => {}), line(async () => {})];
    expect(await picked(routes, 'telegram', { isCallbackQuery: true })).toBe('0');
    expect(await picked(routes, 'line', { isCallbackQuery: true })).toBe('3'); // line(Action): any LINE event
    expect(await picked(routes, 'line', { isFollow: true })).toBe('1');
    expect(await picked(routes, 'line', { isPostback: true })).toBe('2');
    expect(await picked(routes, 'slack', { isFollow: true })).toBe('none');
  });

  it('have every helper 1.x had for LINE, Telegram and Slack', () => {
    for (const name of ['any', 'message', 'follow', 'unfollow', 'join', 'leave', 'memberJoined', 'memberLeft', 'postback', 'beacon', 'accountLink']) {
      expect(typeof (line as any)[name]).toBe('function');
    }
    for (const kind of ['enter', 'banner', 'stay']) expect(typeof (line.beacon as any)[kind]).toBe('function');
    for (const name of ['any', 'message', 'editedMessage', 'channelPost', 'editedChannelPost', 'inlineQuery', 'chosenInlineResult', 'callbackQuery', 'shippingQuery', 'preCheckoutQuery', 'poll', 'pollAnswer']) {
      expect(typeof (telegram as any)[name]).toBe('function');
    }
    for (const name of ['any', 'message', 'event', 'command']) expect(typeof (slack as any)[name]).toBe('function');
  });

  it('match LINE beacons by type', async () => {
    const routes = [line.beacon.enter(async () => {}), line.beacon(async () => {})];
    expect(await picked(routes, 'line', { isBeacon: true, beacon: { type: 'enter' } })).toBe('0');
    expect(await picked(routes, 'line', { isBeacon: true, beacon: { type: 'stay' } })).toBe('1');
  });

  it('match Slack events by type and slash commands by text, "*" for any', async () => {
    const routes = [slack.command('/todo', async () => {}), slack.event('app_mention', async () => {}), slack.command('*', async () => {}), slack.event('*', async () => {})];
    expect(await picked(routes, 'slack', { command: '/todo', rawEvent: { command: '/todo' } })).toBe('0');
    expect(await picked(routes, 'slack', { command: '/other' })).toBe('2');
    expect(await picked(routes, 'slack', { data: { type: 'app_mention' }, rawEvent: { type: 'event_callback' } })).toBe('1');
    expect(await picked(routes, 'slack', { data: { type: 'reaction_added' } })).toBe('3');
    expect(await picked(routes, 'slack', {})).toBe('none');
  });

  it('mix with text routes as in 1.x bots', async () => {
    const routes = [text('hi', async () => {}), telegram.message(async () => {})];
    expect(await picked(routes, 'telegram', { isText: true, text: 'hi', isMessage: true })).toBe('0');
    expect(await picked(routes, 'telegram', { isText: true, text: 'yo', isMessage: true })).toBe('1');
  });
});
