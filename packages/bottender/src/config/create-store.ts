import path from 'node:path';

import type { Logger } from '../runtime/logger';
import type { SessionStore } from '../session/types';
import { FileSessionStore } from '../stores/file';
import { adaptLegacyStore, isLegacySessionStore } from '../stores/legacy-store';
import { MemorySessionStore } from '../stores/memory';
import type { LoadedConfig } from './load-config';
import { BUILT_IN_DRIVERS, DRIVER_PACKAGES } from './drivers';
import { ConfigError, describeValue } from './schema';
import { firstLine } from './load-config';
import { isSessionStore, storeInstanceExpected } from './store-shape';
import { traceStore } from './trace-store';

/**
 * Builds the session store `session.driver` names: the memory or file driver, `@bottender/redis`
 * or `@bottender/mongo`'s `createStore(session.stores.<driver>)`, or the store instance found at
 * `session.stores.<driver>`. A Bottender 1.x store instance (`read`, `write`, `all`, `destroy`) is
 * wrapped by {@link adaptLegacyStore}, so a 1.x config runs unchanged; its one-time warning goes
 * to `options.logger`. Relative file driver folders are taken from the bot folder.
 * Throws {@link ConfigError} with a one-line message, e.g. when a driver's package is missing.
 */
export async function createStore(loaded: LoadedConfig, options: { logger?: Logger } = {}): Promise<SessionStore> {
  return traceStore(await buildStore(loaded, options));
}

async function buildStore(loaded: LoadedConfig, options: { logger?: Logger }): Promise<SessionStore> {
  const { config, label, cwd } = loaded;
  const driver = config.session?.driver ?? 'memory';
  const stores = (config.session?.stores ?? {}) as Record<string, unknown>;
  const selected = Object.hasOwn(stores, driver) ? stores[driver] : undefined;
  if (isSessionStore(selected)) return selected as SessionStore;
  if (isLegacySessionStore(selected)) return adaptLegacyStore(selected, { name: driver, logger: options.logger });
  if (selected !== undefined && !(BUILT_IN_DRIVERS as readonly string[]).includes(driver)) {
    // validateConfig refuses this first; kept for configs that skipped it.
    throw new ConfigError(`${label}: session.stores.${driver} ${storeInstanceExpected(selected)} (got ${describeValue(selected)})`);
  }

  const build = async (): Promise<SessionStore> => {
    switch (driver) {
      case 'memory':
        return new MemorySessionStore(stores.memory as object | undefined);
      case 'file': {
        const fileOptions = (stores.file ?? {}) as { dirname?: string };
        return new FileSessionStore({ ...fileOptions, dirname: path.resolve(cwd, fileOptions.dirname ?? '.sessions') });
      }
      default:
        return fromPackage(loaded, driver, selected);
    }
  };
  try {
    return await build();
  } catch (error) {
    if (error instanceof ConfigError) throw error;
    throw new ConfigError(`${label}: ${withKey(firstLine(error), `session.stores.${driver}`)}`, { cause: error });
  }
}

async function fromPackage(loaded: LoadedConfig, driver: string, options: unknown): Promise<SessionStore> {
  const id = DRIVER_PACKAGES[driver];
  if (id === undefined) {
    // validateConfig refuses such a config; kept for configs that skipped it.
    throw new ConfigError(`${loaded.label}: session.driver "${driver}" is not a known driver`);
  }
  const pkg = (await loaded.modules.requirePackage(id)) as { createStore?: unknown } | undefined;
  if (pkg === undefined) {
    throw new ConfigError(`${loaded.label}: session.driver "${driver}" needs ${id}: ${loaded.modules.installCommand(id)}`);
  }
  if (typeof pkg.createStore !== 'function') {
    throw new ConfigError(`${loaded.label}: ${id} does not export createStore(options); is it built for this version of Bottender?`);
  }
  const store = await pkg.createStore(options ?? {});
  if (!isSessionStore(store)) {
    throw new ConfigError(`${loaded.label}: ${id}'s createStore() did not return a session store`);
  }
  return store as SessionStore;
}

/** Prefixes a driver's or connector's message with the config key unless it already names it. */
export function withKey(message: string, key: string): string {
  return message.includes(key) ? message : `${key}: ${message}`;
}
