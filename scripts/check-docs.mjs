#!/usr/bin/env node
// Runs every ```sh block of the getting-started guide and the platform pages, in order, as a
// reader would type them, and fails on the first that fails. CI runs it after the tests
// (.ci/run), on its fresh clone.
//
// `~` is a scratch home folder in which `~/bottender-ts` is this clone (a `git clone ... ~/bottender-ts`
// block is checked for that target, then skipped: CI's checkout is the clone). npm keeps using
// the real cache. Each block gets "hi", "/state", "/exit" on its standard input, for `npm start`.
// A block that starts a server passes once it prints where it listens, and is then stopped.
//
//   node scripts/check-docs.mjs [docs/some-page.md ...]
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const pages = process.argv.length > 2 ? process.argv.slice(2) : ['docs/getting-started.md', 'docs/platforms/line.md'];
const BLOCK_TIMEOUT_MS = 5 * 60_000;

/** What a block's output must show when it runs a command that promises something visible. */
const EXPECTED = [
  [/\bnpm start\b/, /^Bot > /m, 'npm start chats: a "Bot > " reply'],
  [/bottender --version/, /^Bottender \(TypeScript\) \S+ \(/m, '--version names Bottender (TypeScript)'],
  [/\bnpm test\b/, /Tests:\s+\d+ passed, \d+ total/, 'npm test passes its tests'],
  [/\bnpm run serve\b/, /Bottender is listening on /, 'npm run serve listens'],
];
const INPUT = 'hi\n/state\n/exit\n';

/** The ```sh blocks of a Markdown page (indented ones in lists included), in order. */
export function shellBlocks(markdown) {
  const blocks = [];
  const fence = /^( *)```sh\s*\n([\s\S]*?)^\1```\s*$/gm;
  for (const match of markdown.matchAll(fence)) {
    const indent = match[1].length;
    blocks.push(match[2].split('\n').map((line) => line.slice(Math.min(indent, line.length - line.trimStart().length))).join('\n').trim());
  }
  return blocks;
}

function run(block, home, env) {
  return new Promise((resolve) => {
    const child = spawn('bash', ['-e', '-o', 'pipefail', '-c', block], { cwd: home, env, stdio: ['pipe', 'pipe', 'pipe'], detached: true });
    let output = '';
    let served = false;
    const stop = () => {
      try {
        process.kill(-child.pid, 'SIGTERM');
      } catch {}
    };
    const timer = setTimeout(() => {
      output += `\n(timed out after ${BLOCK_TIMEOUT_MS / 1000} s)`;
      stop();
    }, BLOCK_TIMEOUT_MS);
    const onData = (chunk) => {
      output += chunk;
      if (!served && /Bottender is listening on /.test(output)) {
        served = true;
        setTimeout(stop, 1000);
      }
    };
    child.stdout.setEncoding('utf8').on('data', onData);
    child.stderr.setEncoding('utf8').on('data', onData);
    child.stdin.end(INPUT);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ ok: code === 0 || served, code, output });
    });
  });
}

const cache = execFileSync('npm', ['config', 'get', 'cache'], { encoding: 'utf8' }).trim();
const home = mkdtempSync(path.join(os.tmpdir(), 'bottender-docs-'));
symlinkSync(root, path.join(home, 'bottender-ts'));
const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !/^npm_/i.test(name)));
Object.assign(env, { HOME: home, npm_config_cache: cache, npm_config_update_notifier: 'false' });

let failed = 0;
try {
  for (const page of pages) {
    for (const block of shellBlocks(readFileSync(path.join(root, page), 'utf8'))) {
      const title = `${page}: ${block.split('\n').join(' ; ')}`;
      if (/^git clone /.test(block)) {
        if (!/ ~\/bottender-ts$/.test(block)) {
          console.log(`FAIL ${title}\n  the clone must go to ~/bottender-ts, where the other blocks look for it`);
          failed++;
        } else {
          console.log(`skip ${title}  (this checkout is the clone)`);
        }
        continue;
      }
      const started = Date.now();
      const result = await run(block, home, env);
      const seconds = ((Date.now() - started) / 1000).toFixed(1);
      const missing = EXPECTED.filter(([command, shows]) => command.test(block) && !shows.test(result.output));
      if (result.ok && missing.length > 0) {
        result.ok = false;
        result.output += `\n(expected: ${missing.map(([, , what]) => what).join('; ')})`;
      }
      if (result.ok) {
        console.log(`ok   ${title}  (${seconds} s)`);
      } else {
        failed++;
        console.log(`FAIL ${title}  (exit ${result.code}, ${seconds} s)\n${result.output.replace(/^/gm, '  | ')}`);
        break;
      }
    }
    if (failed) break;
  }
} finally {
  rmSync(home, { recursive: true, force: true });
}
if (failed) {
  console.log(`\ncheck-docs: a command of the docs failed as written`);
  process.exit(1);
}
console.log('\ncheck-docs: every command ran as written');
