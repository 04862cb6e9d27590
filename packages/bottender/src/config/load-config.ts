import { existsSync } from 'node:fs';
import path from 'node:path';

import dotenv from 'dotenv';

import { ProjectModules } from './project-modules';
import { describeValue } from '../errors/describe-value';
import { ConfigError, validateConfig } from './schema';
import type { BottenderConfig } from './types';

/** The config file names looked for in the bot folder, first match wins. */
export const CONFIG_FILE_NAMES = [
  'bottender.config.ts',
  'bottender.config.mts',
  'bottender.config.cts',
  'bottender.config.js',
  'bottender.config.mjs',
  'bottender.config.cjs',
] as const;

/** A bot folder's validated configuration and where it came from. */
export interface LoadedConfig {
  config: BottenderConfig;
  /** The bot folder. */
  cwd: string;
  /** The config file's absolute path; undefined when the folder has none (defaults apply). */
  file: string | undefined;
  /** How messages name the config: its file name, or `config` for one given in code. */
  label: string;
  /** The loader for the folder's modules, shared by the handler and drivers. */
  modules: ProjectModules;
}

/**
 * Loads `.env` of `cwd` into `process.env`. Variables already set win, so the deployment's
 * environment overrides the file, as in Bottender 1.x. Returns the file's path when there is one.
 */
export function loadEnv(cwd: string): string | undefined {
  const file = path.join(cwd, '.env');
  if (!existsSync(file)) return undefined;
  const result = dotenv.config({ path: file, quiet: true });
  if (result.error) throw new ConfigError(`.env could not be read: ${result.error.message}`, { cause: result.error });
  return file;
}

/** The config file of `cwd`, if any. */
export function findConfigFile(cwd: string): string | undefined {
  for (const name of CONFIG_FILE_NAMES) {
    const file = path.join(cwd, name);
    if (existsSync(file)) return file;
  }
  return undefined;
}

/**
 * Loads the bot folder's config: `.env` first (the config reads `process.env`), then
 * `bottender.config.{ts,mts,cts,js,mjs,cjs}` (TypeScript, ES module or CommonJS, default export or
 * `module.exports`), then validates it. A folder without a config runs with the defaults (memory
 * driver, empty initial state, no channels). Throws {@link ConfigError} with a one-line message.
 */
export async function loadConfig(cwd: string = process.cwd()): Promise<LoadedConfig> {
  const dir = path.resolve(cwd);
  loadEnv(dir);
  const modules = new ProjectModules(dir);
  const file = findConfigFile(dir);
  if (file === undefined) return { config: {}, cwd: dir, file: undefined, label: 'config', modules };
  const label = path.basename(file);
  let exported: unknown;
  try {
    exported = await modules.importDefault(file);
  } catch (error) {
    throw new ConfigError(`${label} could not be loaded: ${describeLoadError(error)}`, { cause: error });
  }
  if (typeof exported === 'function') {
    throw new ConfigError(
      `${label} must export the config object (export default defineConfig({ ... }) or module.exports = { ... }) (got ${describeValue(exported)})`,
    );
  }
  return { config: validateConfig(exported, label), cwd: dir, file, label, modules };
}

/** Wraps a config given in code (see `createBottender`) like a loaded one. */
export function givenConfig(config: BottenderConfig, cwd: string = process.cwd()): LoadedConfig {
  const dir = path.resolve(cwd);
  return { config: validateConfig(config, 'config'), cwd: dir, file: undefined, label: 'config', modules: new ProjectModules(dir) };
}

/** The first line of an error's message, for one-line reports. */
export function firstLine(error: unknown): string {
  // Not `instanceof Error`: errors from bot code may come from another realm (a VM context, Jest).
  const candidate = (error as { message?: unknown } | null)?.message;
  const message = typeof candidate === 'string' ? candidate : String(error);
  return message.split('\n').find((line) => line.trim() !== '')?.trim() ?? 'unknown error';
}

/** The first line of a load error, with the `file:line:column` of a syntax error when given. */
export function describeLoadError(error: unknown): string {
  const summary = firstLine(error);
  const message = (error as { message?: unknown } | null)?.message;
  const location = typeof message === 'string' ? /^\s*(\S+:\d+:\d+)\s*$/m.exec(message)?.[1] : undefined;
  return location && !summary.includes(location) ? `${summary} (at ${location})` : summary;
}
