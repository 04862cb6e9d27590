#!/usr/bin/env node
// `npm run pack`: builds every package, then packs each publishable one (bottender, @bottender/*,
// create-bottender) into packs/ as the tarball `npm publish` would upload. Nothing of this project
// is on the npm registry yet (its `bottender` is the old 1.5.5): a bot outside this repository
// installs these tarballs instead, e.g. `npm install <clone>/packs/bottender-<version>.tgz`.
//
//   node scripts/pack.mjs [--out <dir>] [--no-build]
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const outIndex = args.indexOf('--out');
const out = path.resolve(outIndex === -1 ? path.join(root, 'packs') : args[outIndex + 1] ?? '');
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

if (!args.includes('--no-build')) execFileSync(npm, ['run', 'build'], { cwd: root, stdio: 'inherit' });

const workspaces = readdirSync(path.join(root, 'packages'))
  .map((name) => path.join('packages', name))
  .filter((dir) => existsSync(path.join(root, dir, 'package.json')))
  .filter((dir) => !JSON.parse(readFileSync(path.join(root, dir, 'package.json'), 'utf8')).private);

mkdirSync(out, { recursive: true });
// Old tarballs of an earlier version would be picked up by `bottender new --packs`: start clean.
for (const file of readdirSync(out)) if (file.endsWith('.tgz')) rmSync(path.join(out, file));
const packed = JSON.parse(
  execFileSync(npm, ['pack', '--json', '--pack-destination', out, ...workspaces.flatMap((dir) => ['--workspace', dir])], {
    cwd: root,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  }),
);
for (const { filename, size } of packed) console.log(`${path.relative(process.cwd(), path.join(out, filename))}  (${Math.round(size / 1024)} kB)`);
console.log(`\n${packed.length} packages in ${out}. In a bot folder: npm install ${path.join(out, packed[0].filename)} ...`);
