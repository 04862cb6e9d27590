import { copyFileSync, mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

import {
  COUNTER_CJS,
  echoPlatformPackage,
  makeBotFolder,
  REPO,
  removeBotFolders,
  requireBuiltCli,
  run,
  runBottender,
} from './support/cli';

beforeAll(requireBuiltCli);
afterAll(removeBotFolders);

const VERSION = JSON.parse(readFileSync(path.join(REPO, 'packages', 'bottender', 'package.json'), 'utf8')).version;

describe('bottender --help and --version', () => {
  it('print the usage and exit 0, as a bare bottender does', async () => {
    for (const args of [[], ['--help'], ['-h'], ['help']]) {
      const result = await runBottender(args, { cwd: REPO });
      expect(result.code).toBe(0);
      expect(result.stdout).toMatch(/^Usage: bottender <command> \[options\]\n/);
      expect(result.stdout).toContain('start --console');
      expect(result.stdout).toContain('new <folder>');
      expect(result.stderr).toBe('');
    }
  });

  it.each([
    [['start', '--help'], /^Usage: bottender start \[--port <n>\]/, '--verbose'],
    [['dev', '-h'], /^Usage: bottender dev /, 'restarting the bot when a file'],
    [['new', '--help'], /^Usage: bottender new <folder> /, '--platform <names>'],
    [['help', 'new'], /^Usage: bottender new <folder> /, '--driver <name>'],
  ])('bottender %j prints that command\'s own help', async (args, start, detail) => {
    const result = await runBottender(args, { cwd: REPO });
    expect(result).toMatchObject({ code: 0, stderr: '' });
    expect(result.stdout).toMatch(start);
    expect(result.stdout).toContain(detail);
  });

  it('print which Bottender runs, its version and where it is installed, and exit 0', async () => {
    const result = await runBottender(['--version'], { cwd: REPO });
    expect(result).toMatchObject({
      code: 0,
      stdout: `Bottender (TypeScript) ${VERSION} (${path.join(REPO, 'packages', 'bottender')})\n`,
      stderr: '',
    });
  });
});

describe('bad usage: one clear line, a hint, exit code 2', () => {
  it.each([
    [['serve'], 'unknown command "serve": use new, start or dev'],
    [['strat'], 'unknown command "strat": use new, start or dev; did you mean start?'],
    [['start', '--verbsoe'], 'unknown option --verbsoe; did you mean --verbose?'],
    [['start', '--driver', 'file'], '--driver is not an option of bottender start'],
    [['new', 'bot', '--port', '1'], '--port is not an option of bottender new'],
    [['start', '--port', 'abc'], '--port must be an integer from 0 to 65535 (got "abc")'],
    [['start', '--port', '70000'], '--port must be an integer from 0 to 65535 (got "70000")'],
    [['start', '--port'], '--port needs a value'],
    [['start', '--console=yes'], '--console does not take a value'],
    [['start', '--console', '--port', '3000'], '--port and --host are for the HTTP server; they cannot be used with --console'],
    [['start', '--user', 'ann'], '--user is for console mode: add --console'],
    [['start', '--console', '--user', 'two words'], '--user must be 1 to 64 characters without spaces (got "two words")'],
    [['start', 'extra'], 'unexpected argument "extra"'],
  ])('bottender %j', async (args, message) => {
    const result = await runBottender(args, { cwd: REPO });
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(`bottender: ${message}\nRun "bottender --help" for usage.\n`);
    expect(result.stdout).toBe('');
  });
});

describe('a config that cannot run: one line naming the key, exit code 1', () => {
  async function startIn(files: Record<string, string>, args = ['start', '--console']) {
    const dir = makeBotFolder({ 'index.js': COUNTER_CJS, ...files });
    return runBottender(args, { cwd: dir, input: 'hi\n' });
  }

  it('an unknown driver', async () => {
    const result = await startIn({ 'bottender.config.js': "module.exports = { session: { driver: 'foo' } };\n" });
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(
      'bottender.config.js: session.driver must be one of "memory", "file", "redis", "mongo", "postgres" or a key of ' +
        'session.stores with a store instance (got "foo")\n',
    );
    expect(result.stdout).toBe('');
  });

  it('a wrong type, in a TypeScript config', async () => {
    const result = await startIn({
      'bottender.config.ts': "import { defineConfig } from 'bottender';\nexport default defineConfig({ session: { expiresIn: 'abc' as unknown as number } });\n",
    });
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(
      'bottender.config.ts: session.expiresIn must be a number of minutes (0 or unset keeps sessions forever) (got "abc")\n',
    );
  });

  it("a missing required key of an enabled channel: the connector's own message (LINE)", async () => {
    const result = await startIn(
      {
        'bottender.config.js':
          "module.exports = { channels: { line: { enabled: true, accessToken: 'token', channelSecret: process.env.LINE_CHANNEL_SECRET } } };\n",
      },
      ['start', '--port', '0'],
    );
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^bottender\.config\.js: channels\.line\.channelSecret must be a non-empty string [^\n]*\n$/);
  });

  it('a missing required key of a channel package installed in the bot folder', async () => {
    const result = await startIn(
      { ...echoPlatformPackage(), 'bottender.config.js': 'module.exports = { channels: { echo: { enabled: true } } };\n' },
      ['start', '--port', '0'],
    );
    expect(result).toMatchObject({ code: 1, stderr: 'bottender.config.js: channels.echo.outFile must be a file path\n' });
  });

  it('every problem of the config at once, one line each, with the nearest key', async () => {
    const result = await startIn({
      'bottender.config.js': "module.exports = { session: { driver: 'reddis', expiresIn: -1 }, initalState: {} };\n",
    });
    expect(result.code).toBe(1);
    expect(result.stderr.split('\n')).toEqual([
      expect.stringMatching(/^bottender\.config\.js: session\.expiresIn must be .* \(got -1\) \(and 2 more problems\)$/),
      'bottender.config.js: initalState is not a known key; did you mean initialState?',
      expect.stringMatching(/^bottender\.config\.js: session\.driver must be one of .* \(got "reddis"\); did you mean "redis"\?$/),
      '',
    ]);
  });

  it("an unknown key of an enabled channel, with the nearest one (LINE)", async () => {
    const result = await startIn(
      {
        'bottender.config.js':
          "module.exports = { channels: { line: { enabled: true, accessToken: 'token', channelSecert: 'secret' } } };\n",
      },
      ['start', '--port', '0'],
    );
    expect(result).toMatchObject({
      code: 1,
      stderr: 'bottender.config.js: channels.line.channelSecert is not a known key; did you mean channelSecret?\n',
    });
  });

  it("package.json's main naming a missing file, without index: no handler found", async () => {
    const dir = makeBotFolder({ 'package.json': '{ "main": "index.js" }' });
    const result = await runBottender(['start', '--console'], { cwd: dir });
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(
      `no handler found in ${dir}: add index.ts or index.js exporting async function App(context), or set "app" in bottender.config ` +
        `(package.json's "main" names "index.js", which does not exist)\n`,
    );
  });

  it('a config with a syntax error', async () => {
    const result = await startIn({ 'bottender.config.js': 'module.exports = { session: { driver: };\n' });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^bottender\.config\.js could not be loaded: [^\n]+ \(at \S+bottender\.config\.js:1:\d+\)\n$/);
  });

  it('no handler at all', async () => {
    const dir = makeBotFolder({ 'bottender.config.js': 'module.exports = {};\n' });
    const result = await runBottender(['start', '--console'], { cwd: dir });
    expect(result).toMatchObject({
      code: 1,
      stderr: `no handler found in ${dir}: add index.ts or index.js exporting async function App(context), or set "app" in bottender.config\n`,
    });
  });

  it('a bad PORT in the environment', async () => {
    const dir = makeBotFolder({ 'index.js': COUNTER_CJS });
    const result = await runBottender(['start'], { cwd: dir, env: { ...process.env, PORT: 'eighty' } });
    expect(result).toMatchObject({ code: 1, stderr: 'PORT must be an integer from 0 to 65535 (got "eighty")\n' });
  });

  it('a handler that throws while loading: the summary line, then its stack', async () => {
    const result = await startIn({ 'index.js': "const x = require('./lib');\n", 'lib.js': "throw new Error('lib exploded');\n" });
    expect(result.code).toBe(1);
    const [first, ...stack] = result.stderr.split('\n');
    expect(first).toBe('index.js could not be loaded: lib exploded');
    expect(stack.join('\n')).toContain('lib.js');
  });
});

describe('the bin without a build', () => {
  it('says to run npm run build, exit code 1', async () => {
    const dir = makeBotFolder({});
    mkdirSync(path.join(dir, 'pkg', 'bin'), { recursive: true });
    copyFileSync(path.join(REPO, 'packages', 'bottender', 'bin', 'bottender.js'), path.join(dir, 'pkg', 'bin', 'bottender.js'));
    const result = await run(process.execPath, [path.join(dir, 'pkg', 'bin', 'bottender.js'), 'start'], { cwd: dir });
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(
      'bottender: the CLI is not built (pkg/dist/cli/main.js is missing): run "npm run build" at the root of the Bottender repository\n',
    );
  });
});
