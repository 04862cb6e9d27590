// What must exist before a run: built packages, and the peers (Bottender 1.5.5, grammY, Bolt) in their own folders.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));

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

/**
 * Installs bench/<folder> (a peer's own package.json, never part of the workspaces) from its lock
 * file on first use, that is unless its node_modules holds `probe`. `what` names the peer in the
 * line `say` prints; `ignoreScripts` passes --ignore-scripts to npm ci.
 */
export function ensureInstalled({ folder, probe, what, say = (text) => console.log(`bench: ${text}`), ignoreScripts = true }) {
  const dir = `${ROOT}bench/${folder}/`;
  if (existsSync(`${dir}node_modules/${probe}/package.json`)) return;
  say(`installing ${what} into bench/${folder} (first run only)...`);
  if (!npm(['ci', '--no-audit', '--no-fund', ...(ignoreScripts ? ['--ignore-scripts'] : []), '--prefix', dir], dir)) {
    throw new Error(`could not install bench/${folder} (npm ci failed)`);
  }
}

/** Installs bench/bottender-1.5.5 from its lock file on first use (its install scripts run). */
export function ensureBottender155() {
  ensureInstalled({ folder: 'bottender-1.5.5', probe: 'bottender', what: 'Bottender 1.5.5', ignoreScripts: false });
}

/** Why a target cannot start yet, or undefined when it can. */
export function missingFor(targetName) {
  const need = {
    ours: ['packages/bottender/dist/index.js', 'packages/line/dist/index.js', 'packages/redis/dist/index.js'],
  }[targetName];
  const missing = (need ?? []).filter((file) => !existsSync(`${ROOT}${file}`));
  return missing.length ? `not built: ${missing.join(', ')}` : undefined;
}
