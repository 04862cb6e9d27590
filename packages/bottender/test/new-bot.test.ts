import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';

import { createChannels, loadConfig } from 'bottender';

import { DEFAULT_CHOICES, everyChoice, generateBot, packagesFor, type BotChoices } from '../src/cli/new';
import { main } from '../src/cli/main';
import { REPO, requireBuiltCli, run, runBottender, waitFor } from './support/cli';

const VERSION = require('../package.json').version as string;
const PACKS = path.join(REPO, 'packs');

/**
 * `bottender new` for every combination of platforms and driver. Generating is cheap and each
 * bot's own test (index.test.ts) is run here, by this Jest, against the sources, rather than by
 * an `npm install` per bot; one real install from the packed tarballs is in outside-repo.test.ts.
 */
const root = realTmp('bottender-new-');
const bots = everyChoice().map((choices) => {
  const name = `${choices.platforms.join('-') || 'console'}-${choices.driver}`;
  const dir = path.join(root, name);
  generateBot({ dir, ...choices, source: { kind: 'packs', dir: PACKS, version: VERSION } });
  return { name, dir, choices };
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

const CREDENTIALS: Record<string, string> = {
  LINE_ACCESS_TOKEN: 'line-token',
  LINE_CHANNEL_SECRET: 'line-secret',
  TELEGRAM_ACCESS_TOKEN: '123456:ABC-test-token',
  SLACK_ACCESS_TOKEN: 'xoxb-test-token',
  SLACK_SIGNING_SECRET: 'slack-signing-secret',
};

it('generates all 40 combinations (8 sets of platforms x 5 drivers)', () => {
  expect(bots).toHaveLength(40);
  expect(new Set(bots.map((bot) => bot.name)).size).toBe(40);
});

describe.each(bots)('bottender new --platform ... --driver ...: $name', ({ dir, choices }) => {
  it('writes the handler, its test, a typed config, .env.example, tsconfig.json, README, package.json', () => {
    for (const file of ['index.ts', 'index.test.ts', 'bottender.config.ts', '.env.example', 'tsconfig.json', 'README.md', 'package.json', '.gitignore']) {
      expect(existsSync(path.join(dir, file))).toBe(true);
    }
    const manifest = JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8'));
    expect(Object.keys(manifest.dependencies)).toEqual(packagesFor(choices));
    expect(manifest.dependencies.bottender).toBe(`file:${path.join(PACKS, `bottender-${VERSION}.tgz`)}`);
    expect(manifest.scripts.start).toBe('bottender start --console');
    expect(JSON.parse(readFileSync(path.join(dir, 'tsconfig.json'), 'utf8')).compilerOptions.types).toEqual(['node', 'jest']);
    const env = readFileSync(path.join(dir, '.env.example'), 'utf8');
    for (const name of Object.keys(CREDENTIALS)) {
      expect(env.includes(`${name}=`)).toBe(choices.platforms.some((platform) => name.startsWith(platform.toUpperCase())));
    }
  });

  it('has a config that validates and enables each channel once its secrets are set', () => {
    expect(loadedWithSecrets().get(dir)).toEqual({
      channels: choices.platforms.map((platform) => [platform, `/webhooks/${platform}`]),
      // Without REDIS_URL (or MONGO_URL, DATABASE_URL) it runs on files, so npm start works at once.
      driver: choices.driver === 'memory' ? 'memory' : 'file',
    });
  });

  // The bot's own test, as `npm test` in its folder runs it.
  describe('its own index.test.ts', () => {
    require(path.join(dir, 'index.test.ts'));
  });
});

/**
 * Each bot's config loaded and its channels built, with the secrets set, in one child process
 * running the build: configs read the real process.env, which Jest's sandbox does not reach.
 */
let withSecrets: Map<string, unknown> | Error | undefined;
function loadedWithSecrets(): Map<string, unknown> {
  if (withSecrets instanceof Error) throw withSecrets;
  if (withSecrets) return withSecrets;
  requireBuiltCli();
  const script = `
    const { loadConfig, createChannels } = require(${JSON.stringify(path.join(REPO, 'packages', 'bottender'))});
    (async () => {
      const out = [];
      for (const dir of JSON.parse(process.argv[1])) {
        const loaded = await loadConfig(dir);
        const channels = await createChannels(loaded);
        out.push([dir, { channels: channels.map((c) => [c.connector.platform, c.path]), driver: loaded.config.session.driver }]);
        for (const c of channels) await c.connector.close?.();
      }
      process.stdout.write(JSON.stringify(out));
    })().catch((error) => { process.stderr.write(String(error && error.stack || error)); process.exit(1); });`;
  const result = spawnSync(process.execPath, ['-e', script, JSON.stringify(bots.map((bot) => bot.dir))], {
    env: { ...process.env, ...CREDENTIALS },
    encoding: 'utf8',
    timeout: 60_000,
  });
  if (result.status !== 0) {
    withSecrets = new Error(`loading the generated configs failed: ${result.stderr || result.error}`);
    throw withSecrets;
  }
  withSecrets = new Map(JSON.parse(result.stdout));
  return withSecrets;
}

describe('docs/getting-started.md', () => {
  it("shows the files bottender new --platform line --driver file writes, as they are", () => {
    const doc = readFileSync(path.join(REPO, 'docs', 'getting-started.md'), 'utf8');
    const shown = (name: string) => {
      const block = [...doc.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]).find((b) => b.startsWith(`// ${name}\n`));
      return block?.slice(`// ${name}\n`.length);
    };
    const bot = bots.find((b) => b.name === 'line-file')!;
    expect(shown('bottender.config.ts')).toBe(readFileSync(path.join(bot.dir, 'bottender.config.ts'), 'utf8'));
    const handler = readFileSync(path.join(bot.dir, 'index.ts'), 'utf8');
    for (const line of shown('index.ts')!.split('\n').filter((l) => l.trim() !== '')) expect(handler).toContain(line);
  });
});

describe('a generated bot without secrets', () => {
  it('enables no channel, so the console chat and an empty .env need nothing', async () => {
    const dir = path.join(root, 'no-secrets');
    generateBot({ dir, platforms: ['line', 'telegram', 'slack'], driver: 'redis', source: { kind: 'registry', version: VERSION } });
    for (const name of Object.keys(CREDENTIALS)) expect(process.env[name]).toBeUndefined();
    const loaded = await loadConfig(dir);
    expect(await createChannels(loaded)).toEqual([]);
    expect(JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')).dependencies).toEqual({
      bottender: `^${VERSION}`,
      '@bottender/line': `^${VERSION}`,
      '@bottender/telegram': `^${VERSION}`,
      '@bottender/slack': `^${VERSION}`,
      '@bottender/redis': `^${VERSION}`,
    });
  });
});

describe('bottender new on the command line', () => {
  beforeAll(requireBuiltCli);

  it('takes the defaults without a terminal, then chats at once', async () => {
    const cwd = realTmp('bottender-new-cli-');
    try {
      const created = await runBottender(['new', 'my-bot'], { cwd });
      expect(created).toMatchObject({ code: 0, stderr: '' });
      expect(created.stdout).toMatch(/^Created my-bot \(LINE; file driver\)\.\n/);
      expect(created.stdout).toContain('  cd my-bot\n  npm install\n  npm start');
      const bot = path.join(cwd, 'my-bot');
      expect(Object.keys(JSON.parse(readFileSync(path.join(bot, 'package.json'), 'utf8')).dependencies)).toEqual(
        packagesFor(DEFAULT_CHOICES as BotChoices),
      );
      const chat = await runBottender(['start', '--console'], { cwd: bot, input: 'hi\n/help\nagain\n/state\n' });
      expect(chat.code).toBe(0);
      expect(chat.stdout.split('\n')).toEqual([
        'Bot > You said "hi" (message 1).',
        expect.stringMatching(/^Commands: /),
        'Bot > You said "again" (message 2).',
        '{"count":2}',
        '',
      ]);
    } finally {
      rmSync(cwd, { recursive: true, force: true });
    }
  });

  it('refuses a folder with files, a wrong platform or driver, naming the nearest', async () => {
    const cwd = realTmp('bottender-new-cli-');
    try {
      await runBottender(['new', 'bot', '--platform', 'none', '--driver', 'memory'], { cwd });
      expect(await runBottender(['new', 'bot'], { cwd })).toMatchObject({
        code: 2,
        stderr: `bottender: ${path.join(cwd, 'bot')} already exists and is not an empty folder: choose a new folder\nRun "bottender --help" for usage.\n`,
      });
      expect((await runBottender(['new', 'b2', '--platform', 'line,telegarm'], { cwd })).stderr).toMatch(
        /^bottender: --platform: "telegarm" is not a platform \(line, telegram, slack or none\); did you mean telegram\?\n/,
      );
      expect((await runBottender(['new', 'b3', '--driver', 'postgress'], { cwd })).stderr).toMatch(
        /^bottender: --driver: "postgress" is not a driver \(memory, file, redis, mongo, postgres\); did you mean postgres\?\n/,
      );
      expect((await runBottender(['new'], { cwd })).stderr).toMatch(/^bottender: bottender new needs a folder: bottender new my-bot\n/);
    } finally {
      rmSync(cwd, { recursive: true, force: true });
    }
  });
});

describe('bottender new in a terminal', () => {
  it('asks for the folder, the platforms and the driver, re-asking after a typo', async () => {
    const cwd = realTmp('bottender-new-tty-');
    try {
      const input = Object.assign(new PassThrough(), { isTTY: true });
      const output = new PassThrough();
      let printed = '';
      output.setEncoding('utf8').on('data', (chunk: string) => (printed += chunk));
      const answers = ['chat-bot', 'line, slakc', 'slack,line', 'reddis', 'redis'];
      // Each answer once its question is on screen, as a person would type it.
      const prompts = () => (printed.match(/Folder of the new bot|Platforms \(|Driver \[file\]/g) ?? []).length;
      const typing = (async () => {
        for (const [index, answer] of answers.entries()) {
          await waitFor(() => String(prompts()), new RegExp(`^${index + 1}$`));
          input.write(`${answer}\n`);
        }
      })();
      const code = await main(['new'], { cwd, env: {}, stdin: input, stdout: output, stderr: new PassThrough() });
      await typing;
      expect(code).toBe(0);
      expect(printed).toContain('"slakc" is not a platform (line, telegram, slack or none); did you mean slack?');
      expect(printed).toContain('"reddis" is not a driver (memory, file, redis, mongo, postgres); did you mean redis?');
      expect(printed).toContain('Created chat-bot (LINE, Slack; redis driver).');
      const manifest = JSON.parse(readFileSync(path.join(cwd, 'chat-bot', 'package.json'), 'utf8'));
      expect(Object.keys(manifest.dependencies)).toEqual(['bottender', '@bottender/line', '@bottender/slack', '@bottender/redis']);
    } finally {
      rmSync(cwd, { recursive: true, force: true });
    }
  });
});

describe('npm create bottender', () => {
  beforeAll(requireBuiltCli);

  it('runs the same generator from the create-bottender package', async () => {
    const cwd = realTmp('bottender-create-');
    try {
      const bin = path.join(REPO, 'packages', 'create-bottender', 'bin', 'create-bottender.js');
      const result = await run(process.execPath, [bin, 'my-bot', '--platform', 'telegram', '--driver', 'mongo'], { cwd });
      expect(result).toMatchObject({ code: 0, stderr: '' });
      expect(result.stdout).toMatch(/^Created my-bot \(Telegram; mongo driver\)\./);
      expect(readFileSync(path.join(cwd, 'my-bot', 'bottender.config.ts'), 'utf8')).toContain("driver: env.MONGO_URL ? 'mongo' : 'file',");
      expect((await run(process.execPath, [bin], { cwd })).stdout).toMatch(/^Usage: bottender new <folder>/);
    } finally {
      rmSync(cwd, { recursive: true, force: true });
    }
  });
});

function realTmp(prefix: string): string {
  return mkdtempSync(path.join(os.tmpdir(), prefix));
}
