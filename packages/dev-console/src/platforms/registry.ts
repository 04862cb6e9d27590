import { randomBytes } from 'node:crypto';

import type { Bot, Connector } from 'bottender';

import { ConsoleDevPlatform } from './console';
import { LineDevPlatform } from './line';
import { SlackDevPlatform } from './slack';
import { TelegramDevPlatform } from './telegram';
import type { DevPlatform } from './types';

/** A `channels.<name>` object of the config. */
export type ChannelOptions = { enabled?: boolean; path?: string; [key: string]: unknown };

/** Loads `@bottender/<name>`; the CLI passes the bot folder's resolver. */
export type PackageLoader = (id: string) => unknown | Promise<unknown>;

/** Platforms the dev console can speak, with why others are left out. */
export interface PlatformSet {
  platforms: DevPlatform[];
  /** Enabled channels the dev console cannot chat as, with the reason (shown on the page). */
  skipped: { name: string; reason: string }[];
}

const SUPPORTED = ['line', 'telegram', 'slack'] as const;

/**
 * Builds each enabled channel's connector again, from the same package and options, with the
 * platform's API origin pointed at the fake API: the bot's own connector talks to the real
 * platform, which would refuse replies to events it never sent. Credentials the config lacks
 * (`bottender dev --web-only` on a fresh project) are made up for the session: the fake API and
 * the signature check only need both sides to agree. With no platform enabled, the console
 * platform is offered.
 */
export async function buildPlatforms(options: {
  bot: Bot<any>;
  channels: Record<string, ChannelOptions | undefined>;
  fakeOrigin: string;
  loadPackage: PackageLoader;
}): Promise<PlatformSet> {
  const platforms: DevPlatform[] = [];
  const skipped: PlatformSet['skipped'] = [];
  for (const [name, channel] of Object.entries(options.channels)) {
    if (!channel?.enabled) continue;
    if (!(SUPPORTED as readonly string[]).includes(name)) {
      skipped.push({ name, reason: `the dev console cannot chat as ${name} yet` });
      continue;
    }
    const pkg = (await options.loadPackage(`@bottender/${name}`)) as { createConnector?: (o: object) => Connector | Promise<Connector> } | undefined;
    if (typeof pkg?.createConnector !== 'function') {
      skipped.push({ name, reason: `@bottender/${name} is not installed` });
      continue;
    }
    const path = typeof channel.path === 'string' ? channel.path : `/webhooks/${name}`;
    if (name === 'line') {
      const accessToken = credential(channel.accessToken);
      const channelSecret = credential(channel.channelSecret);
      const connector = await pkg.createConnector({ ...channel, accessToken, channelSecret, origin: options.fakeOrigin });
      platforms.push(new LineDevPlatform({ connector, accessToken, channelSecret, path }));
    } else if (name === 'telegram') {
      // A bot token has Telegram's shape (<digits>:<characters>); the secret token its alphabet.
      const accessToken = typeof channel.accessToken === 'string' && channel.accessToken.trim() !== '' ? channel.accessToken.trim() : `7000000001:dev${randomBytes(16).toString('hex')}`;
      const secretToken = typeof channel.secretToken === 'string' && channel.secretToken !== '' ? channel.secretToken : `dev${randomBytes(16).toString('hex')}`;
      // polling: false, so the connector's webhook transport (not a getUpdates loop) is the one used.
      const connector = await pkg.createConnector({ ...channel, accessToken, secretToken, origin: options.fakeOrigin, polling: false });
      platforms.push(new TelegramDevPlatform({ connector, accessToken, secretToken, path }));
    } else if (name === 'slack') {
      const accessToken = credential(channel.accessToken).replace(/^dev-/, 'xoxb-dev-');
      const signingSecret = credential(channel.signingSecret);
      // socketMode: false, so events come through the webhook path as Slack posts them.
      const connector = await pkg.createConnector({ ...channel, accessToken, signingSecret, origin: options.fakeOrigin, socketMode: false });
      platforms.push(
        new SlackDevPlatform({ connector, accessToken, signingSecret, path, threadSessions: channel.sessionScope === 'thread', fakeOrigin: options.fakeOrigin }),
      );
    }
  }
  if (platforms.length === 0) platforms.push(new ConsoleDevPlatform(options.bot));
  return { platforms, skipped };
}

function credential(value: unknown): string {
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : `dev-${randomBytes(16).toString('hex')}`;
}
