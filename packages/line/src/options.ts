import {
  apiOriginOption,
  booleanOption,
  describeOption as kindOf,
  describeValue,
  requireSecretOption,
  unknownKeyMessage,
  unknownKeys,
} from 'bottender/connector';

/** LINE's Messaging API origin, used when `channels.line.origin` is not set. */
export const DEFAULT_LINE_ORIGIN = 'https://api.line.me';

/** Where `context.send*()` messages go: in the event's reply, or pushed to the conversation. */
export type LineSendMethod = 'reply' | 'push';

/**
 * The `channels.line` object of `bottender.config.ts`.
 *
 * `path` and `enabled` belong to the core (which path the webhook answers at, and whether the
 * channel runs at all); the connector accepts and ignores them so the whole object can be passed.
 */
export interface LineChannelOptions {
  /** The channel access token (LINE Developers console, "Messaging API" tab). Required unless `getConfig` is given. */
  accessToken?: string;
  /** The channel secret (console, "Basic settings"): the key of the X-Line-Signature check. Required unless `getConfig` is given. */
  channelSecret?: string;
  /**
   * Where the Messaging API lives, as an origin (`https://host[:port]`, no path). Default
   * `https://api.line.me`. Tests point it at a fake API; deployments may point it at a proxy.
   */
  origin?: string;
  /**
   * When a reply cannot carry everything (more than 5 messages, an expired or used reply token,
   * an event without a reply token), push the rest to the conversation instead of failing.
   * Pushes count against the channel's monthly message quota, replies do not; default false.
   */
  pushFallback?: boolean;
  /**
   * What `context.send*()` does, as in Bottender 1.x: `'reply'` (default) queues into the
   * event's reply like `reply*()`; `'push'` queues pushes like `push*()`. `reply*()` and
   * `push*()` do what they say whatever this is. Pushes count against the monthly quota.
   */
  sendMethod?: LineSendMethod;
  /**
   * Several LINE channels in one bot, as in Bottender 1.x: called for each webhook with the values
   * of the path's parameters (`path: '/webhooks/line/:channelId'`), it gives that channel's
   * `{ accessToken, channelSecret }` (or a promise of them; nothing, for a channel you do not
   * serve: 404). The signature is checked with its secret and the replies use its token.
   */
  getConfig?: (request: { params: Record<string, string> }) => LineChannelSecrets | undefined | null | Promise<LineChannelSecrets | undefined | null>;
  /**
   * A prefix for the session keys of an event (1.x's option): `line:<prefix><user, group or room id>`.
   * With several channels of one LINE provider (which gives a user the same id in each), a prefix
   * per channel keeps their sessions apart.
   */
  getSessionKeyPrefix?: (event: LineEventLike, request: { params: Record<string, string> }) => string;
  /** Used by the core: the webhook path. */
  path?: string;
  /** Used by the core: whether the channel is on. */
  enabled?: boolean;
}

/** One channel's secrets, as `getConfig` gives them. */
export interface LineChannelSecrets {
  accessToken: string;
  channelSecret: string;
}

/** The event as `getSessionKeyPrefix` sees it (a LineEvent). */
export interface LineEventLike {
  readonly rawEvent: unknown;
  readonly destination: string;
}

/** Options after validation, with defaults applied. */
export interface ResolvedLineOptions {
  accessToken: string;
  channelSecret: string;
  origin: string;
  pushFallback: boolean;
  sendMethod: LineSendMethod;
  getConfig: LineChannelOptions['getConfig'];
  getSessionKeyPrefix: LineChannelOptions['getSessionKeyPrefix'];
}

/** The keys of {@link LineChannelOptions}, for unknown-key messages. */
export const LINE_OPTION_KEYS = [
  'accessToken',
  'channelSecret',
  'origin',
  'pushFallback',
  'sendMethod',
  'getConfig',
  'getSessionKeyPrefix',
  'path',
  'enabled',
] as const;

/**
 * Keys of Bottender 1.x's LINE channel that this package accepts and ignores (see the LINE page,
 * "Left out"), so a 1.x config runs unchanged.
 */
const LEGACY_KEYS = ['shouldBatch', 'skipLegacyProfile'];

/**
 * Checks `channels.line` and applies defaults. Errors name the key and the kind of value found,
 * never the value itself: these are secrets, and error messages end up in logs. An unknown key
 * is reported first, with the nearest known one: `channelSecert` would otherwise surface as a
 * missing `channelSecret`.
 */
export function resolveLineOptions(options: LineChannelOptions): ResolvedLineOptions {
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw new TypeError(`channels.line must be an object with accessToken and channelSecret, got ${kindOf(options)}`);
  }
  const unknown = unknownKeys(options, [...LINE_OPTION_KEYS, ...LEGACY_KEYS]);
  if (unknown.length > 0) {
    throw new TypeError(unknown.map((key) => unknownKeyMessage('channels.line', key, LINE_OPTION_KEYS)).join('; '));
  }
  const getConfig = optionalFunction(options.getConfig, 'getConfig');
  const getSessionKeyPrefix = optionalFunction(options.getSessionKeyPrefix, 'getSessionKeyPrefix');
  // With getConfig the secrets come per webhook; fixed ones are then optional.
  const secret = (value: unknown, key: string, what: string) =>
    getConfig && value === undefined ? '' : requireSecret(value, key, what);
  return {
    getConfig,
    getSessionKeyPrefix,
    accessToken: secret(options.accessToken, 'accessToken', 'the channel access token'),
    channelSecret: secret(options.channelSecret, 'channelSecret', 'the channel secret'),
    origin: apiOriginOption(options.origin, 'channels.line.origin', DEFAULT_LINE_ORIGIN),
    pushFallback: booleanOption(options.pushFallback, 'channels.line.pushFallback', false),
    sendMethod: resolveSendMethod(options.sendMethod),
  };
}

function optionalFunction<F>(value: F | undefined, key: string): F | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'function') throw new TypeError(`channels.line.${key} must be a function, got ${kindOf(value)}`);
  return value;
}

/** Checks what `getConfig` gave for one webhook (the same rules as the fixed secrets). */
export function checkChannelSecrets(value: unknown): LineChannelSecrets {
  if (typeof value !== 'object' || value === null) {
    throw new TypeError(`channels.line.getConfig must give { accessToken, channelSecret }, got ${kindOf(value)}`);
  }
  const { accessToken, channelSecret } = value as Record<string, unknown>;
  return {
    accessToken: requireSecret(accessToken, 'getConfig().accessToken', 'the channel access token'),
    channelSecret: requireSecret(channelSecret, 'getConfig().channelSecret', 'the channel secret'),
  };
}

function resolveSendMethod(value: unknown): LineSendMethod {
  if (value === undefined) return 'reply';
  if (value === 'reply' || value === 'push') return value;
  // Not a secret: a short string is echoed, since the likely mistake is its spelling ('Push').
  const got = describeValue(value, { echo: typeof value === 'string' && value.length <= 20 });
  throw new TypeError(`channels.line.sendMethod must be "reply" or "push", got ${got}`);
}

/** A secret of the channel, `what` named as the LINE Developers console names it. */
function requireSecret(value: unknown, key: string, what: string): string {
  return requireSecretOption(value, `channels.line.${key}`, `${what} from the LINE Developers console`);
}
