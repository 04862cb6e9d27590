/**
 * Facts about drivers and channels that several modules need (the schema, the store factory, the
 * channel factory, `bottender new`, the docs' examples), stated once.
 */

/** The drivers known by name; any other `session.driver` must be a key of `session.stores`. */
export const BUILT_IN_DRIVERS = ['memory', 'file', 'redis', 'mongo', 'postgres'] as const;

/** A driver known by name. */
export type BuiltInDriver = (typeof BUILT_IN_DRIVERS)[number];

/** Drivers that live in their own package, so a bot installs only the client it uses. */
export const DRIVER_PACKAGES: Readonly<Record<string, string>> = {
  redis: '@bottender/redis',
  mongo: '@bottender/mongo',
  postgres: '@bottender/postgres',
};

/** The package serving `channels.<name>`. */
export function channelPackage(name: string): string {
  return `@bottender/${name}`;
}

/** The webhook path of a channel without `path`. */
export function defaultChannelPath(name: string): string {
  return `/webhooks/${name}`;
}

/** The platforms this project ships a package for (`@bottender/<name>`). */
export const PLATFORMS = ['line', 'telegram', 'slack'] as const;

/** A platform this project ships. */
export type Platform = (typeof PLATFORMS)[number];

/**
 * The file `npm pack` makes of a package: `@bottender/line` at 2.0.0 is
 * `bottender-line-2.0.0.tgz`. `npm run pack` at the repository root writes them all to `packs/`.
 */
export function tarballName(id: string, version: string): string {
  return `${id.replace(/^@/, '').replace('/', '-')}-${version}.tgz`;
}
