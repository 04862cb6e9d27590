import {
  apiOriginOption,
  booleanOption,
  describeOption as kindOf,
  describeValue,
  requireSecretOption,
  unknownKeyMessage,
  unknownKeys,
} from 'bottender/connector';

/** Slack's origin, used when `channels.slack.origin` is not set. The Web API is under `/api/`. */
export const DEFAULT_SLACK_ORIGIN = 'https://slack.com';

/** What a session is: a channel, or (for threaded messages) a thread in a channel. */
export type SlackSessionScope = 'channel' | 'thread';

/**
 * The `channels.slack` object of `bottender.config.ts`.
 *
 * `path` and `enabled` belong to the core (which path the webhook answers at, and whether the
 * channel runs at all); the connector accepts and ignores them so the whole object can be passed.
 */
export interface SlackChannelOptions {
  /** The bot token (`xoxb-…`, "OAuth & Permissions" page of the app): sent with every Web API call. */
  accessToken: string;
  /** The signing secret ("Basic Information" page): the key of the `X-Slack-Signature` check. */
  signingSecret: string;
  /**
   * The app-level token (`xapp-…`, with the `connections:write` scope) for Socket Mode. With it,
   * `bottender dev` receives events over a WebSocket, so no public URL is needed.
   */
  appToken?: string;
  /**
   * Whether to use Socket Mode: `true` always (also under `bottender start`), `false` never.
   * Default: under `bottender dev` when `appToken` is set, otherwise webhooks.
   */
  socketMode?: boolean;
  /**
   * Where Slack lives, as an origin (`https://host[:port]`, no path). Default `https://slack.com`;
   * the Web API is `<origin>/api/<method>`, Socket Mode's `apps.connections.open` included.
   * Tests point it at a fake API; deployments may point it at a proxy.
   */
  origin?: string;
  /**
   * `'channel'` (default): one session per channel, DM or group DM. `'thread'`: a message in a
   * thread gets the session of that thread (`<channel>:<thread_ts>`); everything else stays per channel.
   */
  sessionScope?: SlackSessionScope;
  /**
   * Run the handler for messages from bots too (default false). Off, a bot never sees its own
   * messages or another bot's, so two bots cannot answer each other forever.
   */
  includeBotMessages?: boolean;
  /** Bottender 1.x's legacy token check. Accepted and ignored when `signingSecret` is set. */
  verificationToken?: string;
  /** Bottender 1.x's profile switch. Accepted and ignored: profiles are never fetched per event. */
  skipLegacyProfile?: boolean;
  /** Used by the core: the webhook path. */
  path?: string;
  /** Used by the core: whether the channel is on. */
  enabled?: boolean;
}

/** The keys of `channels.slack`. */
export const SLACK_OPTION_KEYS = [
  'accessToken',
  'signingSecret',
  'appToken',
  'socketMode',
  'origin',
  'sessionScope',
  'includeBotMessages',
  'path',
  'enabled',
] as const;

/**
 * Keys of Bottender 1.x's Slack channel that this package accepts and ignores (see the Slack page,
 * "Coming from Bottender 1.x"), so a 1.x config runs unchanged.
 */
const LEGACY_KEYS = ['verificationToken', 'skipLegacyProfile', 'sync', 'onRequest', 'getSessionKeyPrefix'];

/** Options after validation, with defaults applied. */
export interface ResolvedSlackOptions {
  accessToken: string;
  signingSecret: string;
  appToken: string | undefined;
  socketMode: boolean | undefined;
  origin: string;
  sessionScope: SlackSessionScope;
  includeBotMessages: boolean;
}

/**
 * Checks `channels.slack` and applies defaults. Errors name the key and the kind of value found,
 * never the value itself: these are secrets, and error messages end up in logs. An unknown key is
 * reported first, with the nearest known one: `signingSecert` would otherwise surface as a missing
 * `signingSecret`, and `includeBotMessage` would be ignored without a word.
 */
export function resolveSlackOptions(options: SlackChannelOptions): ResolvedSlackOptions {
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw new TypeError(`channels.slack must be an object with accessToken and signingSecret, got ${kindOf(options)}`);
  }
  const unknown = unknownKeys(options, [...SLACK_OPTION_KEYS, ...LEGACY_KEYS]);
  if (unknown.length > 0) {
    throw new TypeError(unknown.map((key) => unknownKeyMessage('channels.slack', key, SLACK_OPTION_KEYS)).join('; '));
  }
  if (options.signingSecret === undefined && typeof options.verificationToken === 'string') {
    throw new TypeError(
      'channels.slack.signingSecret must be set: Slack deprecated verificationToken, and this version checks ' +
        "every request's signature (the signing secret is on the app's Basic Information page)",
    );
  }
  const appToken = options.appToken === undefined ? undefined : requireSecret(options.appToken, 'appToken', 'the app-level token (xapp-…)');
  const socketMode = booleanOption(options.socketMode, 'channels.slack.socketMode', undefined);
  if (socketMode === true && appToken === undefined) {
    throw new TypeError('channels.slack.socketMode is true but channels.slack.appToken is not set (an xapp-… token)');
  }
  return {
    accessToken: requireSecret(options.accessToken, 'accessToken', 'the bot token (xoxb-…)'),
    signingSecret: requireSecret(options.signingSecret, 'signingSecret', "the signing secret from the app's Basic Information page"),
    appToken,
    socketMode,
    origin: apiOriginOption(options.origin, 'channels.slack.origin', DEFAULT_SLACK_ORIGIN),
    sessionScope: resolveScope(options.sessionScope),
    includeBotMessages: booleanOption(options.includeBotMessages, 'channels.slack.includeBotMessages', false),
  };
}

function resolveScope(value: unknown): SlackSessionScope {
  if (value === undefined) return 'channel';
  if (value === 'channel' || value === 'thread') return value;
  // Not a secret: a short string is echoed, since the likely mistake is its spelling ('Thread').
  const got = describeValue(value, { echo: typeof value === 'string' && value.length <= 20 });
  throw new TypeError(`channels.slack.sessionScope must be "channel" or "thread", got ${got}`);
}

function requireSecret(value: unknown, key: string, what: string): string {
  return requireSecretOption(value, `channels.slack.${key}`, what);
}
