// What must exist before a run: built packages, and Bottender 1.5.5 in its own folder.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const V1_DIR = fileURLToPath(new URL('../bottender-1.5.5/', import.meta.url));

function npm(args, cwd = ROOT) {
  const result = spawnSync('npm', args, { cwd, stdio: 'inherit' });
  return result.status === 0;
}

/**
 * Builds packages/*\/dist (tsc -b, incremental). A failed build stops the bench: the dist left
 * over from an earlier build is not the code in the tree, and figures measured on it would be
 * reported as if they were.
 */
export function buildPackages() {
  if (!npm(['run', 'build', '--silent'])) {
    throw new Error('`npm run build` failed (see above); nothing measured. Fix the build and run the bench again.');
  }
}

/** Installs bench/bottender-1.5.5 from its lock file on first use (never part of the workspaces). */
export function ensureBottender155() {
  if (existsSync(`${V1_DIR}node_modules/bottender/package.json`)) return;
  console.log('bench: installing Bottender 1.5.5 into bench/bottender-1.5.5 (first run only)...');
  if (!npm(['ci', '--no-audit', '--no-fund', '--prefix', V1_DIR], V1_DIR)) {
    throw new Error('could not install bench/bottender-1.5.5 (npm ci failed)');
  }
}

/** Why a target cannot start yet, or undefined when it can. */
export function missingFor(targetName) {
  const need = {
    ours: ['packages/bottender/dist/index.js', 'packages/line/dist/index.js', 'packages/redis/dist/index.js'],
  }[targetName];
  const missing = (need ?? []).filter((file) => !existsSync(`${ROOT}${file}`));
  return missing.length ? `not built: ${missing.join(', ')}` : undefined;
}
