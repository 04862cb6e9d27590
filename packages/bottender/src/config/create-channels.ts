import type { Connector } from '../connector/types';
import type { Channel } from '../http/request-handler';
import { firstLine, type LoadedConfig } from './load-config';
import { withKey } from './create-store';
import { channelPackage, defaultChannelPath, PLATFORMS } from './drivers';
import { didYouMean } from '../errors/closest-key';
import { describeValue } from '../errors/describe-value';
import { ConfigError } from './schema';

export { defaultChannelPath } from './drivers';

/**
 * Builds a connector for each `channels.<name>` with `enabled: true`:
 *
 * - `connector: <instance>`: that connector object, used as it is (as `session.stores` takes a
 *   store instance);
 * - `package: '<name>'`: any installed package exporting `createConnector(options)`, found from
 *   the bot folder;
 * - neither: the package `@bottender/<name>`.
 *
 * The `channels.<name>` object (without `package`) is passed to `createConnector`: the package
 * checks its own keys and its message names the bad one. Disabled channels (a Bottender 1.x config's unused
 * platforms) are not loaded, so their packages need not exist. See docs/connectors.md.
 */
export async function createChannels(loaded: LoadedConfig): Promise<Channel[]> {
  const channels: Channel[] = [];
  for (const [name, options] of Object.entries(loaded.config.channels ?? {})) {
    if (!options?.enabled) continue;
    const key = `channels.${name}`;
    let connector: unknown;
    if (options.connector !== undefined) {
      connector = options.connector;
      if (!isConnector(connector)) {
        throw new ConfigError(`${loaded.label}: ${key}.connector ${CONNECTOR_EXPECTED} (got ${describeValue(connector)})`);
      }
    } else {
      const named = options.package;
      if (named !== undefined && (typeof named !== 'string' || named.trim() === '')) {
        throw new ConfigError(`${loaded.label}: ${key}.package must be the name of an installed package (got ${describeValue(named)})`);
      }
      const id = named ?? channelPackage(name);
      const pkg = (await loaded.modules.requirePackage(id)) as { createConnector?: unknown } | undefined;
      if (pkg === undefined) {
        const known = (PLATFORMS as readonly string[]).includes(name);
        throw new ConfigError(
          named !== undefined
            ? `${loaded.label}: ${key}.package names ${id}, which is not installed: npm install ${id}`
            : known
              ? `${loaded.label}: ${key} is enabled and needs ${id}: ${loaded.modules.installCommand(id)}`
              : `${loaded.label}: ${key} is enabled and needs ${id}, which is not installed ` +
                `(Bottender ships ${PLATFORMS.map(channelPackage).join(', ')}; name another package with ${key}.package)` +
                `${didYouMean(name, PLATFORMS, { quote: false })}`,
        );
      }
      if (typeof pkg.createConnector !== 'function') {
        throw new ConfigError(`${loaded.label}: ${id} does not export createConnector(options); is it built for this version of Bottender?`);
      }
      // `package` chose the package; it is not one of the package's own options.
      const { package: _package, ...connectorOptions } = options;
      try {
        connector = await pkg.createConnector(connectorOptions);
      } catch (error) {
        throw new ConfigError(`${loaded.label}: ${withKey(firstLine(error), key)}`, { cause: error });
      }
      if (!isConnector(connector)) {
        throw new ConfigError(`${loaded.label}: ${id}'s createConnector() did not return a connector (${CONNECTOR_EXPECTED})`);
      }
    }
    channels.push({ path: options.path ?? defaultChannelPath(name), connector: connector as Connector });
  }
  return channels;
}

const CONNECTOR_EXPECTED =
  'must be a connector: an object with platform (a string), sessionKey() and createContext(), and receive() or run()';

/** Whether `value` has the shape of a {@link Connector} (webhook or loop). */
export function isConnector(value: unknown): value is Connector {
  if (typeof value !== 'object' || value === null) return false;
  const c = value as Record<string, unknown>;
  return (
    typeof c.platform === 'string' &&
    /^[a-z0-9]+$/.test(c.platform) &&
    typeof c.sessionKey === 'function' &&
    typeof c.createContext === 'function' &&
    (typeof c.receive === 'function' || typeof c.run === 'function')
  );
}
