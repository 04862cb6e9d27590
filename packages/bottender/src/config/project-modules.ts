import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

import { createJiti } from 'jiti';

import { tarballName } from './drivers';

type Jiti = ReturnType<typeof createJiti>;

/** The module ids a bot may import from this package, and the files that provide them here. */
const OWN_ENTRIES: Record<string, string> = {
  bottender: '../index',
  'bottender/router': '../router/index',
  'bottender/testing': '../testing/index',
};

/**
 * Loads a bot folder's modules (config, handler, drivers, connectors) the way that folder would
 * load them, so a bot that lives outside this repository, with or without its own
 * `node_modules`, runs from any installation of the CLI.
 */
export class ProjectModules {
  readonly cwd: string;
  readonly #require: NodeJS.Require;
  #jiti: Jiti | undefined;

  constructor(cwd: string) {
    this.cwd = path.resolve(cwd);
    // createRequire needs a file name; the file need not exist.
    this.#require = createRequire(path.join(this.cwd, 'package.json'));
  }

  /**
   * Where `id` resolves: from the bot folder first (its own installed version wins), then from
   * this installation, so `@bottender/line` installed next to the CLI also serves an outside bot.
   * Undefined when neither has it.
   */
  resolve(id: string): string | undefined {
    for (const resolver of [this.#require, require]) {
      try {
        return resolver.resolve(id);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'MODULE_NOT_FOUND') throw error;
      }
    }
    return undefined;
  }

  /** Loads an installed package by id; undefined when it is not installed. */
  async requirePackage(id: string): Promise<unknown> {
    const file = this.resolve(id);
    if (file === undefined) return undefined;
    try {
      return require(file);
    } catch (error) {
      // An ES-module-only package: Node 20 cannot require() it, but can import() it.
      if ((error as NodeJS.ErrnoException).code !== 'ERR_REQUIRE_ESM') throw error;
      return import(pathToFileURL(file).href);
    }
  }

  /**
   * Loads a source file of the bot (TypeScript, ES module or CommonJS) and returns its default
   * export, or `module.exports` for CommonJS.
   */
  async importDefault(file: string): Promise<unknown> {
    return this.#loader().import(file, { default: true });
  }

  #loader(): Jiti {
    // The parent file name only anchors relative resolution; it need not exist.
    this.#jiti ??= createJiti(path.join(this.cwd, 'bottender.config.js'), { alias: this.#ownAliases() });
    return this.#jiti;
  }

  /**
   * Bottender 1.x code imports `bottender` and `bottender/router`. A bot folder that has not
   * installed this package gets these ids mapped to the running installation.
   */
  #ownAliases(): Record<string, string> {
    const alias: Record<string, string> = {};
    for (const [id, entry] of Object.entries(OWN_ENTRIES)) {
      if (this.#resolvesInProject(id)) continue;
      try {
        alias[id] = require.resolve(entry);
      } catch {
        // Not built (e.g. testing helpers excluded); the bot gets Node's own error if it uses it.
      }
    }
    return alias;
  }

  /**
   * How to install the package `id` into this bot folder, as a shell command. Nothing here is on
   * the npm registry yet (its `bottender` is the old 1.5.5), so the packages come as tarballs made
   * by `npm run pack` in a clone of this repository:
   * - when the bot installed `bottender` from such a tarball and the one of `id` lies beside it,
   *   `npm install <that tarball>`;
   * - when this CLI runs from a clone, the tarball in its `packs/` folder (made by `npm run pack`);
   * - else the registry, at this version.
   */
  installCommand(id: string): string {
    const own = ownPackage();
    const tarball = tarballName(id, own.version);
    const besideBottender = this.#bottenderTarballDir();
    if (besideBottender !== undefined && existsSync(path.join(besideBottender, tarball))) {
      return `npm install ${this.#shown(path.join(besideBottender, tarball))}`;
    }
    const repo = repositoryRoot();
    if (repo !== undefined) {
      const packed = path.join(repo, 'packs', tarball);
      const install = `npm install ${this.#shown(packed)}`;
      return existsSync(packed) ? install : `(cd ${this.#shown(repo)} && npm run pack) && ${install}`;
    }
    return `npm install ${id}@${own.version}`;
  }

  /** The folder of the tarball the bot's package.json installs `bottender` from, if it does. */
  #bottenderTarballDir(): string | undefined {
    try {
      const manifest = JSON.parse(readFileSync(path.join(this.cwd, 'package.json'), 'utf8'));
      const spec = manifest?.dependencies?.bottender ?? manifest?.devDependencies?.bottender;
      if (typeof spec !== 'string' || !/^file:.*\.tgz$/.test(spec)) return undefined;
      return path.dirname(path.resolve(this.cwd, spec.slice('file:'.length)));
    } catch {
      return undefined;
    }
  }

  /** A path as short as it can be said from the bot folder. */
  #shown(file: string): string {
    const relative = path.relative(this.cwd, file);
    // A path that climbs far is clearer written in full (as bottender new writes it too).
    const shown = relative.startsWith(`..${path.sep}..${path.sep}`) || relative === '' ? file : relative;
    return /[\s'"$`]/.test(shown) ? JSON.stringify(shown) : shown;
  }

  #resolvesInProject(id: string): boolean {
    try {
      this.#require.resolve(id);
      return true;
    } catch {
      return false;
    }
  }
}

/** This installation's package.json (`bottender`). */
export function ownPackage(): { name: string; version: string } {
  const file = path.join(__dirname, '..', '..', 'package.json');
  return JSON.parse(readFileSync(file, 'utf8')) as { name: string; version: string };
}

/**
 * The clone of this repository this installation runs from, if it does: the folder above
 * `packages/bottender` whose package.json is the workspace root.
 */
export function repositoryRoot(): string | undefined {
  const candidate = path.resolve(__dirname, '..', '..', '..', '..');
  try {
    const manifest = JSON.parse(readFileSync(path.join(candidate, 'package.json'), 'utf8'));
    return manifest?.name === 'bottender-ts' && Array.isArray(manifest.workspaces) ? candidate : undefined;
  } catch {
    return undefined;
  }
}
