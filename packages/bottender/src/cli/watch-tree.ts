import { type FSWatcher, readdirSync, statSync, watch } from 'node:fs';
import path from 'node:path';

/** Folders never watched: installed packages, history, build output, caches, session files. */
export const IGNORED_DIRECTORIES = new Set(['node_modules', '.git', 'dist', 'build', 'coverage', '.sessions', '.cache']);

/** Whether a changed file may change the bot: editor swap and backup files do not. */
export function isRelevantFile(name: string): boolean {
  if (name === '.env' || name.startsWith('.env.')) return true;
  if (name.startsWith('.') || name.endsWith('~') || name === '4913') return false;
  return !/\.(swp|swx|swo|tmp|log)$/i.test(name);
}

export interface TreeWatcher {
  /** Stop reporting changes under these absolute paths (e.g. the file driver's folder). */
  ignore(paths: readonly string[]): void;
  close(): void;
}

/**
 * Watches a folder tree for changes, skipping {@link IGNORED_DIRECTORIES} and dot-folders.
 *
 * Node 20's `fs.watch(..., { recursive: true })` on Linux watches every folder, `node_modules`
 * included, which can exhaust inotify watches; this watches each kept folder on its own and
 * picks up folders created later.
 */
export function watchTree(
  root: string,
  onChange: (file: string) => void,
  onError: (error: Error) => void = () => {},
): TreeWatcher {
  const watchers = new Map<string, FSWatcher>();
  const ignored: string[] = [];
  let closed = false;

  const isIgnored = (target: string) =>
    ignored.some((prefix) => target === prefix || target.startsWith(prefix + path.sep));

  const addDirectory = (dir: string) => {
    if (closed || watchers.has(dir) || isIgnored(dir)) return;
    let watcher: FSWatcher;
    try {
      watcher = watch(dir, (_event, name) => {
        if (closed || !name) return;
        const target = path.join(dir, name.toString());
        if (isIgnored(target)) return;
        if (isDirectory(target)) {
          // A new folder is no change by itself; the files written into it are.
          if (!skipDirectory(path.basename(target))) addTree(target);
          return;
        }
        if (watchers.has(target)) {
          // A watched folder was removed or renamed away.
          watchers.get(target)?.close();
          watchers.delete(target);
        }
        if (isRelevantFile(path.basename(target))) onChange(target);
      });
    } catch (error) {
      onError(error as Error);
      return;
    }
    watcher.on('error', (error) => {
      watcher.close();
      watchers.delete(dir);
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') onError(error);
    });
    watchers.set(dir, watcher);
  };

  const addTree = (dir: string) => {
    addDirectory(dir);
    let entries;
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const entry of entries) {
      if (entry.isDirectory() && !skipDirectory(entry.name)) addTree(path.join(dir, entry.name));
    }
  };

  addTree(path.resolve(root));
  return {
    ignore(paths) {
      for (const p of paths) {
        const absolute = path.resolve(p);
        if (ignored.includes(absolute)) continue;
        ignored.push(absolute);
        for (const [dir, watcher] of watchers) {
          if (isIgnored(dir)) {
            watcher.close();
            watchers.delete(dir);
          }
        }
      }
    },
    close() {
      closed = true;
      for (const watcher of watchers.values()) watcher.close();
      watchers.clear();
    },
  };
}

function skipDirectory(name: string): boolean {
  return IGNORED_DIRECTORIES.has(name) || name.startsWith('.');
}

function isDirectory(target: string): boolean {
  try {
    return statSync(target).isDirectory();
  } catch {
    return false;
  }
}
