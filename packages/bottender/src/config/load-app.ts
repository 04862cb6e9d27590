import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';

import type { Action } from '../runtime/action';
import { describeLoadError, firstLine, type LoadedConfig } from './load-config';
import { describeValue } from '../errors/describe-value';
import { ConfigError } from './schema';

/** Extensions tried for `index`, `_error` and extension-less module paths, in this order. */
const SOURCE_EXTENSIONS = ['.ts', '.mts', '.cts', '.js', '.mjs', '.cjs'];

/** The bot's handlers and the files they came from. */
export interface LoadedApp {
  app: Action<any>;
  /** The module the handler came from; undefined when the config gave a function. */
  appFile: string | undefined;
  onError: Action<any> | undefined;
  errorFile: string | undefined;
}

/**
 * A bot module that exists but fails to load (a syntax error, a throw at import time). Unlike
 * other config errors its cause's stack matters, since the bug is in the bot's own code.
 */
export class ModuleLoadError extends ConfigError {
  constructor(message: string, cause: unknown) {
    super(message, { cause });
    this.name = 'ModuleLoadError';
  }
}

/**
 * Finds and loads the handler, as Bottender 1.x projects lay it out: the config's `app` (a
 * function, or a module path relative to the config file), else the module `package.json`'s
 * `main` names, else `index.{ts,mts,cts,js,mjs,cjs}` in the bot folder. The handler is the default
 * export or `module.exports`. The error handler is the config's `onError`, else `_error.*`.
 */
export async function loadApp(loaded: LoadedConfig): Promise<LoadedApp> {
  const { config, cwd, label } = loaded;
  const base = loaded.file ? path.dirname(loaded.file) : cwd;

  let app: Action<any>;
  let appFile: string | undefined;
  if (typeof config.app === 'function') {
    app = config.app as Action<any>;
  } else {
    appFile = typeof config.app === 'string' ? requireModulePath(base, config.app, `${label}: app`) : mainOrIndex(cwd);
    app = await loadHandler(loaded, appFile, 'the handler (export default async function App(context) { ... } or module.exports = App)');
  }
  app = withPlugins(app, config.plugins);

  let onError: Action<any> | undefined;
  let errorFile: string | undefined;
  if (typeof config.onError === 'function') {
    onError = config.onError as Action<any>;
  } else {
    errorFile =
      typeof config.onError === 'string'
        ? requireModulePath(base, config.onError, `${label}: onError`)
        : findSource(cwd, '_error');
    if (errorFile !== undefined) {
      onError = await loadHandler(loaded, errorFile, 'the error handler (export default async function HandleError(context, { error }) { ... })');
    }
  }
  return { app, appFile, onError, errorFile };
}

async function loadHandler(loaded: LoadedConfig, file: string, what: string): Promise<Action<any>> {
  const name = path.relative(loaded.cwd, file) || file;
  let exported: unknown;
  try {
    exported = await loaded.modules.importDefault(file);
  } catch (error) {
    throw new ModuleLoadError(`${name} could not be loaded: ${describeLoadError(error)}`, error);
  }
  if (typeof exported !== 'function') {
    const keys = exported && typeof exported === 'object' ? Object.keys(exported) : [];
    const got = keys.length > 0 ? `an object with ${keys.slice(0, 5).join(', ')}` : describeValue(exported);
    throw new ConfigError(`${name} must export ${what} (got ${got})`);
  }
  return exported as Action<any>;
}

/**
 * Bottender 1.x's `plugins`: each is called with the context, in order, before the handler, as
 * 1.x's `bot.extendContext` did. The handler's own return value (an action to run next) is kept.
 */
function withPlugins(app: Action<any>, plugins: readonly unknown[] | undefined): Action<any> {
  if (!plugins || plugins.length === 0) return app;
  const applied = plugins as ((context: unknown) => unknown)[];
  const withThem: Action<any> = async (context, props) => {
    for (const plugin of applied) await plugin(context);
    return app(context, props);
  };
  Object.defineProperty(withThem, 'name', { value: app.name });
  return withThem;
}

/** What to say when the bot folder has no handler at all. */
function noHandler(cwd: string, detail: string): ConfigError {
  return new ConfigError(
    `no handler found in ${cwd}: add index.ts or index.js exporting async function App(context), ` +
      `or set "app" in bottender.config${detail}`,
  );
}

/**
 * `package.json`'s `main`, else `index.*`. A `main` naming a missing file falls back to `index.*`
 * too: `npm init` writes `"main": "index.js"` into projects whose handler is `index.ts`. Without
 * either, the same "no handler found" message as a folder without `package.json`, naming `main`.
 */
function mainOrIndex(cwd: string): string {
  const index = findSource(cwd, 'index');
  const main = mainOfPackage(cwd);
  if (main === undefined) {
    if (index === undefined) throw noHandler(cwd, '');
    return index;
  }
  const found = findModule(cwd, main);
  if (found !== undefined) return found;
  if (index !== undefined) return index;
  throw noHandler(cwd, ` (package.json's "main" names ${JSON.stringify(main)}, which does not exist)`);
}

/** `package.json`'s `main`, if set. */
function mainOfPackage(cwd: string): string | undefined {
  const file = path.join(cwd, 'package.json');
  if (!existsSync(file)) return undefined;
  let main: unknown;
  try {
    main = JSON.parse(readFileSync(file, 'utf8')).main;
  } catch (error) {
    throw new ConfigError(`package.json could not be read: ${firstLine(error)}`, { cause: error });
  }
  if (main === undefined) return undefined;
  if (typeof main !== 'string' || main === '') {
    throw new ConfigError(`package.json: main must be the path of the bot's handler module (got ${describeValue(main)})`);
  }
  return main;
}

/** Resolves a module path as `require` would (exact, then with an extension, then a folder's index). */
function requireModulePath(base: string, modulePath: string, key: string): string {
  const found = findModule(base, modulePath);
  if (found === undefined) {
    throw new ConfigError(`${key} names ${JSON.stringify(modulePath)}, but no such module exists in ${base}`);
  }
  return found;
}

function findModule(base: string, modulePath: string): string | undefined {
  const target = path.resolve(base, modulePath);
  return isFile(target) ? target : (findSource(path.dirname(target), path.basename(target)) ?? findSource(target, 'index'));
}

function findSource(dir: string, name: string): string | undefined {
  for (const extension of SOURCE_EXTENSIONS) {
    const file = path.join(dir, name + extension);
    if (isFile(file)) return file;
  }
  return undefined;
}

function isFile(file: string): boolean {
  try {
    return statSync(file).isFile();
  } catch {
    return false;
  }
}
