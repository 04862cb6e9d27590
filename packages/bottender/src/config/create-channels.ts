import type { Connector } from '../connector/types';
import type { Channel } from '../http/request-handler';
import { firstLine, type LoadedConfig } from './load-config';
import { withKey } from './create-store';
import { channelPackage, defaultChannelPath, PLATFORMS } from './drivers';
import { didYouMean } from '../errors/closest-key';
import { ConfigError } from './schema';

export { defaultChannelPath } from './drivers';

/**
 * Builds a connector for each `channels.<name>` with `enabled: true`, from the package
 * `@bottender/<name>`'s `createConnector(options)`. The whole `channels.<name>` object is passed:
 * the platform package checks its own keys and its message names the bad one. Disabled channels
 * (a Bottender 1.x config's unused platforms) are not loaded, so their packages need not exist.
 */
export async function createChannels(loaded: LoadedConfig): Promise<Channel[]> {
  const channels: Channel[] = [];
  for (const [name, options] of Object.entries(loaded.config.channels ?? {})) {
    if (!options?.enabled) continue;
    const id = channelPackage(name);
    const pkg = (await loaded.modules.requirePackage(id)) as { createConnector?: unknown } | undefined;
    if (pkg === undefined) {
      const known = (PLATFORMS as readonly string[]).includes(name);
      throw new ConfigError(
        known
          ? `${loaded.label}: channels.${name} is enabled and needs ${id}: ${loaded.modules.installCommand(id)}`
          : `${loaded.label}: channels.${name} is enabled and needs ${id}, which is not installed ` +
              `(Bottender ships ${PLATFORMS.map(channelPackage).join(', ')})${didYouMean(name, PLATFORMS, { quote: false })}`,
      );
    }
    if (typeof pkg.createConnector !== 'function') {
      throw new ConfigError(`${loaded.label}: ${id} does not export createConnector(options); is it built for this version of Bottender?`);
    }
    let connector: Connector;
    try {
      connector = await pkg.createConnector(options);
    } catch (error) {
      throw new ConfigError(`${loaded.label}: ${withKey(firstLine(error), `channels.${name}`)}`, { cause: error });
    }
    channels.push({ path: options.path ?? defaultChannelPath(name), connector });
  }
  return channels;
}
