import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { collect, REPO, requireBuiltCli } from './support/cli';

const VERSION = require('../package.json').version as string;

/**
 * A bot outside this repository, made and installed as docs/getting-started.md says: the
 * packages packed into tarballs, `bottender new` pointing at them, a real `npm install`, then
 * `npm start`, `npm test` and `tsc` in the bot's folder. One install for the whole file (it is the
 * slow part); new-bot.test.ts covers every combination without installing.
 */
const work = mkdtempSync(path.join(os.tmpdir(), 'bottender-outside-'));
const packs = path.join(work, 'packs');
const bot = path.join(work, 'bot');
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** The environment of a user's shell: none of the npm variables of the `npm test` running us. */
const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !/^npm_/i.test(name)));

function sh(command: string, args: string[], cwd: string, input?: string, extraEnv: NodeJS.ProcessEnv = {}) {
  const child = spawn(command, args, { cwd, env: { ...env, ...extraEnv }, stdio: ['pipe', 'pipe', 'pipe'] });
  child.stdin.end(input ?? '');
  return collect(child, 240_000);
}

beforeAll(async () => {
  requireBuiltCli();
  const pack = spawnSync(process.execPath, [path.join(REPO, 'scripts', 'pack.mjs'), '--no-build', '--out', packs], { encoding: 'utf8' });
  if (pack.status !== 0) throw new Error(`npm run pack failed: ${pack.stderr}`);
  const created = await sh(process.execPath, [path.join(REPO, 'packages', 'bottender', 'bin', 'bottender.js'), 'new', 'bot', '--packs', packs, '--platform', 'line', '--driver', 'redis'], work);
  if (created.code !== 0) throw new Error(`bottender new failed: ${created.stderr}`);
  const install = await sh('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline'], bot);
  if (install.code !== 0) throw new Error(`npm install failed:\n${install.stderr}`);
}, 300_000);

describe('a bot outside the repository, installed from the packed tarballs', () => {
  it('depends on the tarballs, by paths relative to the bot', () => {
    const manifest = JSON.parse(readFileSync(path.join(bot, 'package.json'), 'utf8'));
    expect(manifest.dependencies).toEqual({
      bottender: `file:../packs/bottender-${VERSION}.tgz`,
      '@bottender/line': `file:../packs/bottender-line-${VERSION}.tgz`,
      '@bottender/redis': `file:../packs/bottender-redis-${VERSION}.tgz`,
    });
  });

  it('npm start chats in the console at once', async () => {
    const result = await sh('npm', ['start', '--silent'], bot, 'hi\nagain\n/state\n');
    expect(result.code).toBe(0);
    expect(result.stdout).toBe('Bot > You said "hi" (message 1).\nBot > You said "again" (message 2).\n{"count":2}\n');
  });

  it('npx bottender --version names this project, its version and the installed copy', async () => {
    const result = await sh('npx', ['bottender', '--version'], bot);
    expect(result.stdout).toBe(`Bottender (TypeScript) ${VERSION} (${path.join(bot, 'node_modules', 'bottender')})\n`);
  });

  it("npm test runs the bot's own test", async () => {
    const result = await sh('npm', ['test', '--silent'], bot);
    expect(result.code).toBe(0);
    expect(result.stderr).toMatch(/Tests:\s+2 passed, 2 total/);
  });

  it('the bot typechecks against the published types (tsconfig.json has what it needs)', async () => {
    const result = await sh('npx', ['tsc', '--noEmit'], bot);
    expect(result).toMatchObject({ code: 0, stdout: '' });
  });

  it('a platform package that is missing is named with the command that installs it here', async () => {
    rmSync(path.join(bot, 'node_modules', '@bottender', 'line'), { recursive: true, force: true });
    const result = await sh('npx', ['bottender', 'start', '--port', '0'], bot, '', {
      LINE_ACCESS_TOKEN: 'token',
      LINE_CHANNEL_SECRET: 'secret',
    });
    expect(result).toMatchObject({
      code: 1,
      stderr: `bottender.config.ts: channels.line is enabled and needs @bottender/line: npm install ../packs/bottender-line-${VERSION}.tgz\n`,
    });
  });
});
