import { ConfigError, defineConfig, MemorySessionStore, validateConfig } from 'bottender';

/** The message validateConfig throws for `config`, labelled as the usual file. */
function problem(config: unknown): string {
  try {
    validateConfig(config, 'bottender.config.ts');
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as Error).message;
    expect(message).not.toContain('\n');
    return message;
  }
  throw new Error('expected the config to be refused');
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
      'session.stores.file.dirname must be a folder path such as ".sessions" (got "")',
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

  it('and counts the other problems it found', () => {
    expect(problem({ session: { driver: 1, expiresIn: 'x' }, initialState: 2 })).toMatch(/\(and 2 more problems\)$/);
  });
});
