import path from 'node:path';

import { ConfigError, loadApp, loadConfig, loadEnv, ModuleLoadError } from 'bottender';

import { makeBotFolder, removeBotFolders } from './support/cli';

afterAll(removeBotFolders);

const SETTINGS = "{ initialState: { count: 0 }, session: { driver: 'memory', expiresIn: 5 } }";

describe('loadConfig finds bottender.config in the bot folder', () => {
  it.each([
    ['bottender.config.ts', `import type { BottenderConfig } from 'bottender';\nconst config: BottenderConfig = ${SETTINGS};\nexport default config;\n`],
    ['bottender.config.mts', `export default ${SETTINGS};\n`],
    ['bottender.config.cts', `const config: object = ${SETTINGS};\nmodule.exports = config;\n`],
    ['bottender.config.js', `module.exports = ${SETTINGS};\n`],
    ['bottender.config.mjs', `export default ${SETTINGS};\n`],
    ['bottender.config.cjs', `module.exports = ${SETTINGS};\n`],
  ])('%s', async (name, source) => {
    const dir = makeBotFolder({ [name]: source });
    const loaded = await loadConfig(dir);
    expect(loaded.file).toBe(path.join(dir, name));
    expect(loaded.label).toBe(name);
    expect(loaded.config).toEqual({ initialState: { count: 0 }, session: { driver: 'memory', expiresIn: 5 } });
  });

  it('with defineConfig imported from bottender, in a folder that has not installed it', async () => {
    const dir = makeBotFolder({
      'bottender.config.ts': "import { defineConfig } from 'bottender';\nexport default defineConfig({ initialState: { n: 1 } });\n",
    });
    expect((await loadConfig(dir)).config).toEqual({ initialState: { n: 1 } });
  });

  it('and runs with the defaults when there is none', async () => {
    const dir = makeBotFolder({ 'index.js': 'module.exports = () => {};' });
    const loaded = await loadConfig(dir);
    expect(loaded.file).toBeUndefined();
    expect(loaded.config).toEqual({});
  });

  it('reports a config that fails to evaluate in one line', async () => {
    const dir = makeBotFolder({ 'bottender.config.js': "throw new Error('no database\\nsecond line');\n" });
    await expect(loadConfig(dir)).rejects.toThrow(ConfigError);
    await expect(loadConfig(dir)).rejects.toThrow(/^bottender\.config\.js could not be loaded: no database$/);
  });

  it('reports a config that exports a function instead of the object', async () => {
    const dir = makeBotFolder({ 'bottender.config.js': 'module.exports = () => ({});\n' });
    await expect(loadConfig(dir)).rejects.toThrow(/^bottender\.config\.js must export the config object .*\(got a function\)$/);
  });

  it('validates what it loaded', async () => {
    const dir = makeBotFolder({ 'bottender.config.mjs': "export default { session: { driver: 'foo' } };\n" });
    await expect(loadConfig(dir)).rejects.toThrow(/^bottender\.config\.mjs: session\.driver must be one of/);
  });
});

describe('loadEnv', () => {
  const keys = ['BT_TEST_SET', 'BT_TEST_KEPT'];
  afterEach(() => {
    for (const key of keys) delete process.env[key];
  });

  it("loads the bot folder's .env without overriding variables already set", () => {
    process.env.BT_TEST_KEPT = 'from the environment';
    const dir = makeBotFolder({ '.env': 'BT_TEST_SET=file\nBT_TEST_KEPT=from .env\n' });
    expect(loadEnv(dir)).toBe(path.join(dir, '.env'));
    expect(process.env.BT_TEST_SET).toBe('file');
    expect(process.env.BT_TEST_KEPT).toBe('from the environment');
  });

  it('does nothing in a folder without one', () => {
    expect(loadEnv(makeBotFolder({}))).toBeUndefined();
  });
});

describe('loadApp finds the handler as Bottender 1.x projects lay it out', () => {
  it.each([
    ['CommonJS module.exports', 'index.js', 'module.exports = async function App() { return "cjs"; };\n'],
    ['CommonJS in .cjs', 'index.cjs', 'module.exports = async function App() { return "cjs"; };\n'],
    ['an ES module default export', 'index.mjs', 'export default async function App() { return "esm"; }\n'],
    ['TypeScript', 'index.ts', "import type { Context } from 'bottender';\nexport default async function App(context: Context): Promise<string> { return 'ts'; }\n"],
  ])('%s', async (_kind, name, source) => {
    const dir = makeBotFolder({ [name]: source });
    const app = await loadApp(await loadConfig(dir));
    expect(app.appFile).toBe(path.join(dir, name));
    expect(typeof app.app).toBe('function');
    expect(app.onError).toBeUndefined();
  });

  it('with require("bottender/router") in a folder that has not installed bottender', async () => {
    const dir = makeBotFolder({
      'index.js': "const { router, text } = require('bottender/router');\nmodule.exports = router([text('hi', async () => {})]);\n",
    });
    expect((await loadApp(await loadConfig(dir))).app.name).toBe('Router');
  });

  it("preferring package.json's main", async () => {
    const dir = makeBotFolder({
      'package.json': JSON.stringify({ main: 'src/bot' }),
      'src/bot.js': 'module.exports = function Main() {};\n',
      'index.js': 'module.exports = function Index() {};\n',
    });
    expect((await loadApp(await loadConfig(dir))).app.name).toBe('Main');
  });

  it('falling back to index when main names a missing file (npm init writes "main": "index.js")', async () => {
    const dir = makeBotFolder({
      'package.json': JSON.stringify({ main: 'index.js' }),
      'index.ts': 'export default function Index() {}\n',
    });
    expect((await loadApp(await loadConfig(dir))).app.name).toBe('Index');
  });

  it("preferring the config's app, a function or a path relative to the config", async () => {
    const dir = makeBotFolder({
      'bottender.config.js': "module.exports = { app: './bots/counter', onError: './bots/oops.ts' };\n",
      'bots/counter.ts': 'export default function Counter() {}\n',
      'bots/oops.ts': 'export default function Oops() {}\n',
      'index.js': 'module.exports = function Index() {};\n',
    });
    const app = await loadApp(await loadConfig(dir));
    expect(app.app.name).toBe('Counter');
    expect(app.onError?.name).toBe('Oops');
    const inline = await loadApp(await loadConfig(makeBotFolder({ 'bottender.config.js': 'module.exports = { app: function Inline() {} };' })));
    expect(inline.app.name).toBe('Inline');
    expect(inline.appFile).toBeUndefined();
  });

  it("loading 1.x's _error.js as the error handler", async () => {
    const dir = makeBotFolder({
      'index.js': 'module.exports = function App() {};\n',
      '_error.js': 'module.exports = async function HandleError(context, { error }) {};\n',
    });
    const app = await loadApp(await loadConfig(dir));
    expect(app.onError?.name).toBe('HandleError');
    expect(app.errorFile).toBe(path.join(dir, '_error.js'));
  });

  it('and says what to add when there is no handler', async () => {
    const dir = makeBotFolder({ 'README.md': 'no bot here' });
    await expect(loadApp(await loadConfig(dir))).rejects.toThrow(
      `no handler found in ${dir}: add index.ts or index.js exporting async function App(context), or set "app" in bottender.config`,
    );
  });

  it("and says the same when package.json's main names a missing file and there is no index", async () => {
    const dir = makeBotFolder({ 'package.json': JSON.stringify({ name: 'my-bot', main: 'index.js' }) });
    await expect(loadApp(await loadConfig(dir))).rejects.toThrow(
      `no handler found in ${dir}: add index.ts or index.js exporting async function App(context), or set "app" in bottender.config ` +
        `(package.json's "main" names "index.js", which does not exist)`,
    );
  });

  it("applies Bottender 1.x's plugins to the context, in order, before the handler", async () => {
    const dir = makeBotFolder({
      'bottender.config.js':
        "module.exports = { plugins: [(c) => { c.calls.push('a'); c.greet = () => 'hi'; }, async (c) => { c.calls.push('b'); }] };\n",
      'index.js': "module.exports = async function App(context) { context.calls.push(context.greet()); };\n",
    });
    const { app } = await loadApp(await loadConfig(dir));
    const context = { calls: [] as string[] };
    await app(context as never, {});
    expect(context.calls).toEqual(['a', 'b', 'hi']);
    expect(app.name).toBe('App');
  });

  it('refuses a module that does not export a function', async () => {
    const dir = makeBotFolder({ 'index.js': 'exports.App = function App() {};\nexports.other = 1;\n' });
    await expect(loadApp(await loadConfig(dir))).rejects.toThrow(
      'index.js must export the handler (export default async function App(context) { ... } or module.exports = App) (got an object with App, other)',
    );
  });

  it('refuses an app path that does not exist, naming it', async () => {
    const dir = makeBotFolder({ 'bottender.config.js': "module.exports = { app: './missing.ts' };\n" });
    await expect(loadApp(await loadConfig(dir))).rejects.toThrow(
      `bottender.config.js: app names "./missing.ts", but no such module exists in ${dir}`,
    );
  });

  it('reports a handler that fails to load with the cause kept for its stack', async () => {
    const dir = makeBotFolder({ 'index.js': "require('./helper');\n", 'helper.js': "throw new TypeError('helper is broken');\n" });
    const error = await loadApp(await loadConfig(dir)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ModuleLoadError);
    expect((error as Error).message).toBe('index.js could not be loaded: helper is broken');
    expect(((error as Error).cause as Error).stack).toContain('helper.js');
  });
});
