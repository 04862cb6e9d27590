import { existsSync, mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';

import { tarballName } from '../../config/drivers';
import { type BotChoices, packagesFor } from './choices';
import { botFiles } from './templates';

/** A folder `bottender new` must not write into. */
export class TargetNotEmptyError extends Error {
  constructor(readonly dir: string) {
    super(`${dir} already exists and is not an empty folder: choose a new folder`);
    this.name = 'TargetNotEmptyError';
  }
}

/** Where a new bot's packages come from. */
export type PackageSource =
  /** Tarballs made by `npm run pack` (nothing of this project is on the registry yet). */
  | { kind: 'packs'; dir: string; version: string }
  /** The npm registry, at this version. */
  | { kind: 'registry'; version: string };

/** Options of {@link generateBot}. */
export interface GenerateOptions extends BotChoices {
  /** The folder to create; it may exist if empty. */
  dir: string;
  source: PackageSource;
}

/**
 * Writes a new bot folder: handler, its test, typed config, .env.example, tsconfig.json, README
 * and a package.json whose dependencies point at `source`. Returns the files written, relative
 * to `dir`. Refuses a folder that has files already, so nothing of the user's is overwritten.
 */
export function generateBot(options: GenerateOptions): string[] {
  const dir = path.resolve(options.dir);
  if (existsSync(dir) && (!statSync(dir).isDirectory() || readdirSync(dir).some((entry) => entry !== '.git'))) {
    throw new TargetNotEmptyError(dir);
  }
  const files = botFiles({
    platforms: options.platforms,
    driver: options.driver,
    name: packageName(dir),
    specs: dependencySpecs(options, dir),
  });
  mkdirSync(dir, { recursive: true });
  for (const [name, text] of Object.entries(files)) writeFileSync(path.join(dir, name), text);
  return Object.keys(files);
}

/** The dependency spec of each package the bot needs. */
export function dependencySpecs(options: GenerateOptions, dir: string): Record<string, string> {
  const { source } = options;
  const specs: Record<string, string> = {};
  for (const id of packagesFor(options)) {
    if (source.kind === 'registry') {
      specs[id] = `^${source.version}`;
    } else {
      // npm resolves a relative file: spec against the package.json's folder; a path that climbs
      // far is clearer (and as portable) written in full.
      const tarball = path.join(source.dir, tarballName(id, source.version));
      const relative = path.relative(dir, tarball);
      const shown = relative.startsWith(`..${path.sep}..${path.sep}`) ? tarball : relative;
      specs[id] = `file:${shown.split(path.sep).join('/')}`;
    }
  }
  return specs;
}

/** An npm package name from a folder's name: lower case, URL-safe, at most 214 characters. */
export function packageName(dir: string): string {
  const name = path
    .basename(dir)
    .toLowerCase()
    .replace(/[^a-z0-9._~-]+/g, '-')
    .replace(/^[._-]+|-+$/g, '')
    .slice(0, 214);
  return name === '' ? 'my-bot' : name;
}
