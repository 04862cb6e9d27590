import { BUILT_IN_DRIVERS, type BuiltInDriver, DRIVER_PACKAGES, PLATFORMS, type Platform } from '../../config/drivers';

/** What `bottender new` asks: which platforms, which session driver. */
export interface BotChoices {
  platforms: Platform[];
  driver: BuiltInDriver;
}

/** The defaults `bottender new --yes` (or a non-interactive run) takes. */
export const DEFAULT_CHOICES: BotChoices = { platforms: ['line'], driver: 'file' };

/** A platform's channel in a new bot: the secrets it needs and how they enter the config. */
export interface PlatformSetup {
  title: string;
  /** Environment variables that must all be set for the channel to be enabled. */
  required: { name: string; key: string; what: string }[];
  /** Optional variables, passed when set. */
  optional: { name: string; key: string; what: string }[];
  /** Where the secrets come from. */
  console: string;
}

export const PLATFORM_SETUP: Record<Platform, PlatformSetup> = {
  line: {
    title: 'LINE',
    required: [
      { name: 'LINE_ACCESS_TOKEN', key: 'accessToken', what: 'channel access token' },
      { name: 'LINE_CHANNEL_SECRET', key: 'channelSecret', what: 'channel secret' },
    ],
    optional: [],
    console: 'LINE Developers console (https://developers.line.biz/console/), your Messaging API channel',
  },
  telegram: {
    title: 'Telegram',
    required: [{ name: 'TELEGRAM_ACCESS_TOKEN', key: 'accessToken', what: 'bot token from @BotFather' }],
    optional: [{ name: 'TELEGRAM_SECRET_TOKEN', key: 'secretToken', what: 'webhook secret token you choose' }],
    console: 'Telegram, by talking to @BotFather',
  },
  slack: {
    title: 'Slack',
    required: [
      { name: 'SLACK_ACCESS_TOKEN', key: 'accessToken', what: 'bot token (xoxb-...)' },
      { name: 'SLACK_SIGNING_SECRET', key: 'signingSecret', what: 'signing secret' },
    ],
    optional: [],
    console: 'Slack app settings (https://api.slack.com/apps): "OAuth & Permissions" and "Basic Information"',
  },
};

/** A driver in a new bot: its options, and the variable that switches it on. */
export interface DriverSetup {
  /** The variable that must be set for the driver to be used; without it, the file driver. */
  env?: { name: string; example: string };
  /** `session.stores.<driver>` as TypeScript source. */
  options: string;
  what: string;
}

export const DRIVER_SETUP: Record<BuiltInDriver, DriverSetup> = {
  memory: { options: '{ maxSize: 500 }', what: 'sessions in memory, lost when the bot stops' },
  file: { options: "{ dirname: '.sessions' }", what: 'one JSON file per session in .sessions/, for one process' },
  redis: {
    env: { name: 'REDIS_URL', example: 'redis://127.0.0.1:6379' },
    options: '{ url: env.REDIS_URL }',
    what: 'Redis, shared by all processes of the bot',
  },
  mongo: {
    env: { name: 'MONGO_URL', example: 'mongodb://127.0.0.1:27017/bot' },
    options: '{ url: env.MONGO_URL }',
    what: 'MongoDB, shared by all processes of the bot',
  },
  postgres: {
    env: { name: 'DATABASE_URL', example: 'postgres://127.0.0.1:5432/bot' },
    options: '{ connectionString: env.DATABASE_URL }',
    what: 'PostgreSQL, shared by all processes of the bot',
  },
};

/** The packages a bot with these choices depends on, `bottender` first. */
export function packagesFor(choices: BotChoices): string[] {
  const packages = ['bottender', ...choices.platforms.map((platform) => `@bottender/${platform}`)];
  const driverPackage = DRIVER_PACKAGES[choices.driver];
  if (driverPackage !== undefined) packages.push(driverPackage);
  return packages;
}

/** Every combination of platforms (including none) and drivers, for tests. */
export function everyChoice(): BotChoices[] {
  const subsets: Platform[][] = [[]];
  for (const platform of PLATFORMS) {
    for (const subset of subsets.slice()) subsets.push([...subset, platform]);
  }
  return subsets.flatMap((platforms) => BUILT_IN_DRIVERS.map((driver) => ({ platforms, driver })));
}

export { BUILT_IN_DRIVERS, PLATFORMS };
export type { BuiltInDriver, Platform };
