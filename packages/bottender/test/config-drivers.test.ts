import path from 'node:path';

import { ConfigError, createChannels, createStore, loadConfig, MemorySessionStore } from 'bottender';

import { FileSessionStore } from '../src/stores/file';
import { recordingLogger } from './support/bot';
import { echoPlatformPackage, makeBotFolder, removeBotFolders } from './support/cli';

afterAll(removeBotFolders);

/** Loads a bot folder whose config is `config` (a JavaScript expression). */
async function folderWithConfig(config: string, files: Record<string, string> = {}) {
  const dir = makeBotFolder({ 'bottender.config.js': `module.exports = ${config};\n`, ...files });
  return loadConfig(dir);
}

/**
 * Stands in for the driver package `id` (undefined: not installed). Jest maps the workspace's own
 * `@bottender/*` packages to their sources, ahead of any bot folder's node_modules, so fake
 * driver packages are given to the loader directly.
 */
function fakePackage(loaded: Awaited<ReturnType<typeof loadConfig>>, id: string, exports: unknown) {
  const requirePackage = loaded.modules.requirePackage.bind(loaded.modules);
  loaded.modules.requirePackage = async (wanted: string) => (wanted === id ? exports : requirePackage(wanted));
  return loaded;
}

describe('createStore builds the driver session.driver names', () => {
  it('memory by default, with stores.memory options', async () => {
    const store = await createStore(await folderWithConfig('{}'));
    expect(store).toBeInstanceOf(MemorySessionStore);
    await store.close?.();
  });

  it('file, in stores.file.dirname relative to the bot folder (default .sessions)', async () => {
    const loaded = await folderWithConfig("{ session: { driver: 'file', stores: { file: { dirname: 'state' } } } }");
    const store = await createStore(loaded);
    expect(store).toBeInstanceOf(FileSessionStore);
    expect((store as FileSessionStore).dirname).toBe(path.join(loaded.cwd, 'state'));
    const byDefault = await folderWithConfig("{ session: { driver: 'file' } }");
    expect(((await createStore(byDefault)) as FileSessionStore).dirname).toBe(path.join(byDefault.cwd, '.sessions'));
  });

  it('a store instance found by its key, used as it is', async () => {
    const mine = new MemorySessionStore();
    const loaded = await folderWithConfig('{}');
    loaded.config = { session: { driver: 'mine', stores: { mine } } };
    expect(await createStore(loaded)).toBe(mine);
  });

  it('a Bottender 1.x store from an unchanged 1.x config, adapted: records under the 1.x key, a warning at init', async () => {
    const loaded = await folderWithConfig('{}', {
      // As a 1.x project wrote it: a class with init, read, all, write and destroy over a Map.
      'bottender.config.js': `class MapSessionStore {
  constructor() { this.sessions = new Map(); }
  async init() { return this; }
  async read(key) { return this.sessions.get(key) || null; }
  async all() { return [...this.sessions.values()]; }
  async write(key, sess) { this.sessions.set(key, sess); }
  async destroy(key) { this.sessions.delete(key); }
}
module.exports = { session: { driver: 'mine', stores: { mine: new MapSessionStore() } } };
`,
    });
    const logger = recordingLogger();
    const store = await createStore(loaded, { logger });
    expect(store.name).toBe('mine');
    await store.init?.();
    expect(logger.lines).toEqual([expect.stringMatching(/^warn session store "mine" is a Bottender 1\.x store/)]);
    const record = { id: 'line:U123', platform: 'line', state: { count: 1 }, lastActivity: 1, version: 1, eventIds: [] };
    await store.write(record, { expectedVersion: 0 });
    expect(await store.read('line:U123')).toEqual(record);
    const legacy = (loaded.config.session?.stores as { mine: { sessions: Map<string, unknown> } }).mine;
    expect([...legacy.sessions.keys()]).toEqual(['line:U123']);
  });

  it('and refuses, in one line naming session.stores.<name>, an instance that is neither kind of store', async () => {
    const loaded = await folderWithConfig('{}');
    loaded.config = { session: { driver: 'mine', stores: { mine: { read() {}, write() {}, destroy() {} } } } };
    await expect(createStore(loaded)).rejects.toThrow(
      new ConfigError(
        'bottender.config.js: session.stores.mine must be a session store instance with read, write, delete, list methods, ' +
          "or a Bottender 1.x store with read, write, all, destroy (missing all of 1.x's) (got an object)",
      ),
    );
  });

  it('a driver package from the bot folder, given stores.<driver>', async () => {
    const loaded = fakePackage(
      await folderWithConfig("{ session: { driver: 'mongo', stores: { mongo: { url: 'mongodb://db' } } } }"),
      '@bottender/mongo',
      { createStore: (options: unknown) => Object.assign(new MemorySessionStore(), { options }) },
    );
    const store = await createStore(loaded);
    expect((store as unknown as { options: unknown }).options).toEqual({ url: 'mongodb://db' });
  });

  it('and says which package to install when the driver package is missing', async () => {
    const loaded = fakePackage(await folderWithConfig("{ session: { driver: 'mongo' } }"), '@bottender/mongo', undefined);
    // From this clone: the tarball npm run pack makes (see install-hint.test.ts for each case).
    await expect(createStore(loaded)).rejects.toThrow(
      /^bottender\.config\.js: session\.driver "mongo" needs @bottender\/mongo: (\(cd \S+ && npm run pack\) && )?npm install \S+\/packs\/bottender-mongo-[^/\s]+\.tgz$/,
    );
  });

  it("and reports the driver's own refusal of its options under the config key", async () => {
    const loaded = fakePackage(await folderWithConfig("{ session: { driver: 'mongo' } }"), '@bottender/mongo', {
      createStore: () => {
        throw new TypeError('url is required');
      },
    });
    await expect(createStore(loaded)).rejects.toThrow('bottender.config.js: session.stores.mongo: url is required');
  });

  it('and refuses a driver package that does not return a store', async () => {
    const loaded = fakePackage(await folderWithConfig("{ session: { driver: 'mongo' } }"), '@bottender/mongo', { createStore: () => ({}) });
    await expect(createStore(loaded)).rejects.toThrow("@bottender/mongo's createStore() did not return a session store");
  });
});

describe('createChannels builds a connector per enabled channel', () => {
  it('from @bottender/<name> installed in the bot folder, at path or /webhooks/<name>', async () => {
    const loaded = await folderWithConfig(
      "{ channels: { echo: { enabled: true, outFile: 'out.txt' }, messenger: { enabled: false }, telegram: { enabled: false, accessToken: undefined } } }",
      echoPlatformPackage(),
    );
    const channels = await createChannels(loaded);
    expect(channels.map((c) => [c.path, c.connector.platform])).toEqual([['/webhooks/echo', 'echo']]);
  });

  it('passing the whole channels.<name> object, path included', async () => {
    const loaded = await folderWithConfig("{ channels: { echo: { enabled: true, path: '/hooks/e', outFile: 'x' } } }", {
      'node_modules/@bottender/echo/index.js':
        "exports.createConnector = (options) => ({ platform: 'echo', options, receive() {}, sessionKey() {}, createContext() {} });",
    });
    const [channel] = await createChannels(loaded);
    expect(channel.path).toBe('/hooks/e');
    expect((channel.connector as unknown as { options: unknown }).options).toEqual({ enabled: true, path: '/hooks/e', outFile: 'x' });
  });

  it('reporting the connector refusing its options in one line naming the key', async () => {
    const loaded = await folderWithConfig('{ channels: { echo: { enabled: true } } }', echoPlatformPackage());
    const error = await createChannels(loaded).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toBe('bottender.config.js: channels.echo.outFile must be a file path');
  });

  it('falling back to the packages installed with Bottender (here @bottender/line)', async () => {
    const loaded = await folderWithConfig("{ channels: { line: { enabled: true, accessToken: 'token' } } }");
    await expect(createChannels(loaded)).rejects.toThrow(/^bottender\.config\.js: channels\.line\.channelSecret must be a non-empty string/);
  });

  it('saying which package is missing, and which platforms Bottender ships, for a channel no package serves', async () => {
    const loaded = await folderWithConfig('{ channels: { viber: { enabled: true } } }');
    await expect(createChannels(loaded)).rejects.toThrow(
      'bottender.config.js: channels.viber is enabled and needs @bottender/viber, which is not installed ' +
        '(Bottender ships @bottender/line, @bottender/telegram, @bottender/slack; name another package with channels.viber.package)',
    );
  });

  it('naming the nearest platform for a misspelled channel', async () => {
    const loaded = await folderWithConfig('{ channels: { lien: { enabled: true } } }');
    await expect(createChannels(loaded)).rejects.toThrow(/needs @bottender\/lien, which is not installed \(.*\); did you mean line\?$/);
  });
});
