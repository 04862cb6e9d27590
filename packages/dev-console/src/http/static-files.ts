import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';

/** The page's own files: `static/` of this package. */
export const STATIC_DIR = path.join(__dirname, '..', '..', 'static');

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
};

/**
 * The UI library, served from the installed npm packages as they ship it (minified ES modules),
 * so nothing is fetched from a CDN and nothing is built on the user's machine.
 */
function vendorFiles(): Record<string, string> {
  const preact = path.dirname(require.resolve('preact/package.json'));
  const htm = path.dirname(require.resolve('htm'));
  return {
    'preact.js': path.join(preact, 'dist', 'preact.module.js'),
    'hooks.js': path.join(preact, 'hooks', 'dist', 'hooks.module.js'),
    'htm.js': path.join(htm, 'htm.module.js'),
  };
}

export interface StaticFile {
  type: string;
  body: Buffer;
  /** Hashes of inline scripts (the page's import map), for the Content-Security-Policy. */
  scriptHashes?: string[];
}

/**
 * Reads `static/<name>` or `vendor/<name>`; undefined for anything else. Names are matched
 * against a fixed pattern (letters, digits, `-`, `.`), so no request reaches another folder.
 */
export class StaticFiles {
  readonly #cache = new Map<string, StaticFile>();
  readonly #vendor = vendorFiles();

  constructor(
    private readonly dir = STATIC_DIR,
    /** Re-read files on every request (while developing the console itself). */
    private readonly fresh = false,
  ) {}

  async get(folder: 'static' | 'vendor', name: string): Promise<StaticFile | undefined> {
    if (!/^[a-z0-9][a-z0-9.-]*\.(html|js|css|svg|png)$/i.test(name)) return undefined;
    const key = `${folder}/${name}`;
    const cached = this.#cache.get(key);
    if (cached && !this.fresh) return cached;
    const file = folder === 'vendor' ? this.#vendor[name] : path.join(this.dir, name);
    if (file === undefined) return undefined;
    let body: Buffer;
    try {
      body = await readFile(file);
    } catch {
      return undefined;
    }
    const loaded: StaticFile = { type: TYPES[path.extname(name)] ?? 'application/octet-stream', body };
    if (name.endsWith('.html')) loaded.scriptHashes = inlineScriptHashes(body.toString('utf8'));
    this.#cache.set(key, loaded);
    return loaded;
  }

  /** Bytes of the vendored UI library, for the docs' size statement and its test. */
  async vendorSize(): Promise<number> {
    let total = 0;
    for (const name of Object.keys(this.#vendor)) total += (await this.get('vendor', name))?.body.length ?? 0;
    return total;
  }
}

/** `sha256-…` of each inline `<script>`: the import map may run, nothing injected could. */
function inlineScriptHashes(html: string): string[] {
  const hashes: string[] = [];
  for (const match of html.matchAll(/<script\b[^>]*>([\s\S]*?)<\/script>/g)) {
    if (match[1].trim() !== '') hashes.push(`sha256-${createHash('sha256').update(match[1]).digest('base64')}`);
  }
  return hashes;
}
