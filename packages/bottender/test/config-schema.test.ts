import { ConfigError, defineConfig, MemorySessionStore, validateConfig } from 'bottender';

/** Every line validateConfig throws for `config`, labelled as the usual file: one per problem. */
function problems(config: unknown): string[] {
  try {
    validateConfig(config, 'bottender.config.ts');
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message.split('\n');
  }
  throw new Error('expected the config to be refused');
}

/** The message for a config with one problem. */
function problem(config: unknown): string {
  const lines = problems(config);
  expect(lines).toHaveLength(1);
  return lines[0];
}

describe('validateConfig accepts', () => {
  it('an empty config (memory driver, no channels)', () => {
    expect(validateConfig({}, 'bottender.config.ts')).toEqual({});
  });

  it('a Bottender 1.x config as it is, with unused channels and keys this version ignores', () => {
    const legacy = {
      session: {
        driver: 'memory',
        expiresIn: 60,
        stores: {
          memory: { maxSize: 500 },
          file: { dirname: '.sessions' },
          redis: { port: 6379, host: '127.0.0.1', password: 'auth', db: 0 },
          mongo: { url: 'mongodb://localhost:27017', collectionName: 'sessions' },
        },
      },
      initialState: { count: 0 },
      plugins: [],
      channels: {
        messenger: { enabled: false, path: '/webhooks/messenger', pageId: undefined, accessToken: undefined },
        telegram: { enabled: false, path: '/webhooks/telegram', accessToken: undefined },
        line: { enabled: false, path: '/webhooks/line', accessToken: undefined, channelSecret: undefined },
      },
    };
    expect(validateConfig(legacy, 'bottender.config.js')).toBe(legacy);
  });

  it('a custom store instance chosen by its key, as 1.x did', () => {
    const mine = new MemorySessionStore();
    const config = defineConfig({ session: { driver: 'mine', stores: { mine } } });
    expect(validateConfig(config, 'bottender.config.ts').session?.stores?.mine).toBe(mine);
  });

  it('a Bottender 1.x custom store (read, write, all, destroy), as it is', () => {
    class LegacyStore {
      async init() {}
      async read() {}
      async all() {}
      async write() {}
      async destroy() {}
    }
    const legacy = new LegacyStore();
    expect(validateConfig({ session: { driver: 'legacy', stores: { legacy } } }, 'bottender.config.js').session?.stores?.legacy).toBe(legacy);
  });

  it('the handlers as functions or module paths', () => {
    expect(() => validateConfig({ app: async () => {}, onError: './errors.ts' }, 'c')).not.toThrow();
  });
});

describe('validateConfig refuses, in one line naming the key, what it must be and what it got', () => {
  it('an unknown driver', () => {
    expect(problem({ session: { driver: 'foo' } })).toBe(
      'bottender.config.ts: session.driver must be one of "memory", "file", "redis", "mongo", "postgres" or a key of ' +
        'session.stores with a store instance (got "foo")',
    );
  });

  it('a driver of the wrong type', () => {
    expect(problem({ session: { driver: 42 } })).toMatch(/^bottender\.config\.ts: session\.driver must be one of .* \(got 42\)$/);
  });

  it('expiresIn that is not a number of minutes', () => {
    expect(problem({ session: { expiresIn: 'abc' } })).toBe(
      'bottender.config.ts: session.expiresIn must be a number of minutes (0 or unset keeps sessions forever) (got "abc")',
    );
    expect(problem({ session: { expiresIn: -5 } })).toContain('session.expiresIn must be a number of minutes, 0 or more (0 or unset keeps sessions forever) (got -5)');
    expect(problem({ session: { expiresIn: Number.POSITIVE_INFINITY } })).toContain('session.expiresIn');
  });

  it('a config file that does not export an object', () => {
    expect(problem(5)).toBe(
      'bottender.config.ts must export the config object (export default defineConfig({ ... }) or ' +
        'module.exports = { ... }) (got 5)',
    );
    expect(problem(null)).toContain('(got null)');
  });

  it('driver options of the wrong shape', () => {
    expect(problem({ session: { stores: { memory: { maxSize: 0 } } } })).toBe(
      'bottender.config.ts: session.stores.memory.maxSize must be a positive integer (how many sessions to keep) (got 0)',
    );
    expect(problem({ session: { stores: { file: { dirname: '' } } } })).toContain(
      'session.stores.file.dirname must be a folder path such as ".sessions" (got an empty string)',
    );
  });

  it('without echoing values that may be secrets', () => {
    const message = problem({ session: { stores: { redis: 'redis://:hunter2@db:6379' } } });
    expect(message).toBe(
      'bottender.config.ts: session.stores.redis must be an object of options such as { url: process.env.REDIS_URL } (got a string)',
    );
    expect(message).not.toContain('hunter2');
  });

  it('a custom driver whose store is neither a store nor a Bottender 1.x store', () => {
    expect(problem({ session: { driver: 'mine', stores: { mine: { read() {} } } } })).toBe(
      'bottender.config.ts: session.stores.mine must be a session store instance with read, write, delete, list ' +
        'methods, or a Bottender 1.x store with read, write, all, destroy (missing write, delete, list) (got an object)',
    );
    expect(problem({ session: { driver: 'mine', stores: { mine: 'redis://db' } } })).toBe(
      'bottender.config.ts: session.stores.mine must be a session store instance with read, write, delete, list ' +
        'methods, or a Bottender 1.x store with read, write, all, destroy (got a string)',
    );
  });

  it("a Bottender 1.x store missing a method, naming what it lacks of 1.x's", () => {
    class LegacyStore {
      async read() {}
      async all() {}
      async write() {}
    }
    expect(problem({ session: { driver: 'legacy', stores: { legacy: new LegacyStore() } } })).toMatch(
      /^bottender\.config\.ts: session\.stores\.legacy must be .* \(missing destroy of 1\.x's\) \(got a LegacyStore instance\)$/,
    );
  });

  it('initialState that is not an object, or not JSON', () => {
    expect(problem({ initialState: 3 })).toBe(
      'bottender.config.ts: initialState must be an object (the state of a new session) (got 3)',
    );
    expect(problem({ initialState: { big: 1n } })).toMatch(/^bottender\.config\.ts: initialState must be storable as JSON/);
  });

  it('channel settings of the wrong type', () => {
    expect(problem({ channels: { line: { enabled: 'yes' } } })).toBe(
      'bottender.config.ts: channels.line.enabled must be true or false (got "yes")',
    );
    expect(problem({ channels: { line: { enabled: true, path: 'webhooks/line' } } })).toBe(
      'bottender.config.ts: channels.line.path must be a URL path starting with "/" (got "webhooks/line")',
    );
    expect(problem({ channels: 'line' })).toContain('channels must be an object of channels by name');
  });

  it('an enabled channel whose name cannot be a package name', () => {
    expect(problem({ channels: { '../evil': { enabled: true } } })).toMatch(
      /^bottender\.config\.ts: channels\.\.\.\/evil is not a channel name/,
    );
  });

  it('two enabled channels on one path', () => {
    expect(
      problem({ channels: { line: { enabled: true, path: '/hook' }, slack: { enabled: true, path: '/hook' } } }),
    ).toBe('bottender.config.ts: channels.slack.path must differ from channels.line\'s path (got "/hook")');
  });

  it('a handler that is neither a function nor a path', () => {
    expect(problem({ app: 3 })).toBe(
      'bottender.config.ts: app must be the handler function or the path of a module exporting it (got 3)',
    );
    expect(problem({ onError: '' })).toContain('onError must be the handler function');
  });

  it('every problem at once, one line each; the first counts the others', () => {
    const lines = problems({ session: { driver: 1, expiresIn: 'x' }, initialState: 2 });
    expect(lines).toEqual([
      expect.stringMatching(/^bottender\.config\.ts: session\.driver must be one of .* \(got 1\) \(and 2 more problems\)$/),
      'bottender.config.ts: session.expiresIn must be a number of minutes (0 or unset keeps sessions forever) (got "x")',
      'bottender.config.ts: initialState must be an object (the state of a new session) (got 2)',
    ]);
  });

  it('a wrong type and a rule between keys, in the same report', () => {
    const lines = problems({
      session: { expiresIn: -1, driver: 'reddis' },
      channels: { line: { enabled: true, path: '/hook' }, slack: { enabled: true, path: '/hook' } },
    });
    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatch(/session\.expiresIn .* \(and 2 more problems\)$/);
    expect(lines[1]).toMatch(/session\.driver must be one of .* \(got "reddis"\); did you mean "redis"\?$/);
    expect(lines[2]).toMatch(/channels\.slack\.path must differ/);
  });
});

describe('validateConfig names the nearest valid key or driver for a typo', () => {
  it('a misspelled driver', () => {
    expect(problem({ session: { driver: 'reddis' } })).toMatch(/\(got "reddis"\); did you mean "redis"\?$/);
    expect(problem({ session: { driver: 'Postgres' } })).toMatch(/; did you mean "postgres"\?$/);
    expect(problem({ session: { driver: 'foo' } })).toMatch(/\(got "foo"\)$/);
  });

  it("a misspelled custom store's key", () => {
    const mine = new MemorySessionStore();
    expect(problem({ session: { driver: 'myStroe', stores: { myStore: mine } } })).toMatch(/; did you mean "myStore"\?$/);
  });

  it('an unknown key of the config, of session and of the built-in drivers', () => {
    expect(problem({ initalState: {} })).toBe('bottender.config.ts: initalState is not a known key; did you mean initialState?');
    expect(problem({ session: { expiresin: 5 } })).toBe('bottender.config.ts: session.expiresin is not a known key; did you mean expiresIn?');
    expect(problem({ session: { stores: { memory: { maxSzie: 5 } } } })).toBe(
      'bottender.config.ts: session.stores.memory.maxSzie is not a known key; did you mean maxSize?',
    );
    expect(problem({ session: { stores: { file: { dirName: 'x' } } } })).toBe(
      'bottender.config.ts: session.stores.file.dirName is not a known key; did you mean dirname?',
    );
    expect(problem({ somethingElse: 1 })).toBe(
      'bottender.config.ts: somethingElse is not a known key; the keys are session, initialState, channels, plugins, app, onError, logLevel, stateVersion, migrations',
    );
  });

  it("options under a misspelled driver's name", () => {
    expect(problem({ session: { driver: 'memory', stores: { reddis: { url: 'redis://x' } } } })).toBe(
      "bottender.config.ts: session.stores.reddis is not a driver's options nor a store instance; did you mean redis?",
    );
  });
});

describe('session settings of the runtime', () => {
  it.each(['handlerTimeoutMs', 'eventIdWindow', 'lockTimeoutMs'])('%s: a positive integer', (key) => {
    expect(validateConfig({ session: { [key]: 5000 } }, 'c')).toEqual({ session: { [key]: 5000 } });
    for (const bad of [0, -1, 1.5, '5000', Number.NaN]) {
      expect(problem({ session: { [key]: bad } })).toMatch(
        new RegExp(`^bottender\\.config\\.ts: session\\.${key} must be a positive integer \\([^)]+\\) \\(got [^)]+\\)$`),
      );
    }
  });
});

describe('plugins and logLevel', () => {
  it('plugins: an array of functions (applied before the handler), never accepted and ignored', () => {
    expect(() => validateConfig({ plugins: [] }, 'c')).not.toThrow();
    expect(() => validateConfig({ plugins: [() => {}] }, 'c')).not.toThrow();
    expect(problem({ plugins: ['bottender-plugin-x'] })).toBe(
      'bottender.config.ts: plugins.0 must be a function taking the context, called before the handler, as in Bottender 1.x (got a string)',
    );
    expect(problem({ plugins: {} })).toMatch(/^bottender\.config\.ts: plugins must be an array of plugin functions/);
  });

  it('logLevel: one of the levels', () => {
    expect(() => validateConfig({ logLevel: 'info' }, 'c')).not.toThrow();
    expect(problem({ logLevel: 'loud' })).toBe(
      'bottender.config.ts: logLevel must be one of "error", "warn", "info", "verbose", "debug" (got "loud")',
    );
  });
});

describe('connection strings for mongo and postgres', () => {
  it('are accepted as the whole options, as 1.x took for mongo', () => {
    expect(() => validateConfig({ session: { stores: { mongo: 'mongodb://db/bot', postgres: 'postgres://db/bot' } } }, 'c')).not.toThrow();
  });

  it('but not empty, nor of another type, and never echoed', () => {
    expect(problem({ session: { stores: { postgres: 42 } } })).toBe(
      'bottender.config.ts: session.stores.postgres must be a connection string or an object of options such as { connectionString: process.env.DATABASE_URL } (got 42)',
    );
    expect(problem({ session: { stores: { mongo: '' } } })).toMatch(/session\.stores\.mongo must be a connection string .* \(got an empty string\)$/);
  });
});
