import type { Action } from '../runtime/action';
import { type Route, route } from './router';

/**
 * Bottender 1.x's platform routes: `line.follow(Action)`, `telegram.callbackQuery(Action)`,
 * `slack.command('/todo', Action)`, ... Each matches when the event comes from that platform and
 * its `is…` getter is true; `line(Action)` (or `line.any`) matches any event of the platform.
 * They only read `context.platform` and the event's getters, so the router needs no platform
 * package: a route of a platform that is not installed never matches.
 */

type AnyContext = any;
type Helper = (action: Action<AnyContext>) => Route<AnyContext>;
type PlatformRoutes<Names extends string> = Helper & { any: Helper } & Record<Names, Helper>;

function onPlatform(platform: string, test: (event: any) => unknown = () => true) {
  return (context: AnyContext) => context.platform === platform && Boolean(test(context.event));
}

/** The routes of `platform`, one per `name: getter` pair (`follow: 'isFollow'`). */
function platformRoutes<Names extends string>(platform: string, getters: Record<Names, string>): PlatformRoutes<Names> {
  const all: Helper = (action) => route(onPlatform(platform), action);
  const routes = Object.assign(all, { any: all }) as PlatformRoutes<Names>;
  for (const [name, getter] of Object.entries(getters) as [Names, string][]) {
    (routes as Record<string, Helper>)[name] = (action) => route(onPlatform(platform, (event) => event?.[getter] === true), action);
  }
  return routes;
}

const beaconOf = (type: string) => (action: Action<AnyContext>) =>
  route(onPlatform('line', (event) => event.isBeacon && event.beacon?.type === type), action);

/** LINE routes: `line.message`, `line.follow`, `line.postback`, `line.beacon.enter`, ... */
export const line = Object.assign(
  platformRoutes('line', {
    message: 'isMessage',
    follow: 'isFollow',
    unfollow: 'isUnfollow',
    join: 'isJoin',
    leave: 'isLeave',
    memberJoined: 'isMemberJoined',
    memberLeft: 'isMemberLeft',
    postback: 'isPostback',
    accountLink: 'isAccountLink',
  }),
  {
    beacon: Object.assign((action: Action<AnyContext>) => route(onPlatform('line', (event) => event.isBeacon), action), {
      enter: beaconOf('enter'),
      banner: beaconOf('banner'),
      stay: beaconOf('stay'),
    }),
  },
);

/** Telegram routes: `telegram.message`, `telegram.callbackQuery`, `telegram.poll`, ... */
export const telegram = platformRoutes('telegram', {
  message: 'isMessage',
  editedMessage: 'isEditedMessage',
  channelPost: 'isChannelPost',
  editedChannelPost: 'isEditedChannelPost',
  inlineQuery: 'isInlineQuery',
  chosenInlineResult: 'isChosenInlineResult',
  callbackQuery: 'isCallbackQuery',
  shippingQuery: 'isShippingQuery',
  preCheckoutQuery: 'isPreCheckoutQuery',
  poll: 'isPoll',
  pollAnswer: 'isPollAnswer',
});

/**
 * Slack routes: `slack.message`, `slack.event(type, Action)` (an Events API event of that `type`,
 * `'*'` for any) and `slack.command(text, Action)` (a slash command, `'*'` for any).
 */
export const slack = Object.assign(platformRoutes('slack', { message: 'isMessage' }), {
  event: (type: string, action: Action<AnyContext>) =>
    route(
      onPlatform('slack', (event) => {
        const found = (event.data ?? event.rawEvent)?.type;
        return typeof found === 'string' && (type === '*' || found === type);
      }),
      action,
    ),
  command: (command: string, action: Action<AnyContext>) =>
    route(
      onPlatform('slack', (event) => typeof event.command === 'string' && event.command !== '' && (command === '*' || event.command === command)),
      action,
    ),
});
