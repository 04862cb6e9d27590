import { createStore as createStoreFromConfig, validateConfig } from 'bottender';

import * as postgresPackage from '../src';
import { PostgresSessionStore } from '../src';

/**
 * `session.driver: 'postgres'` from a config file: `session.stores.postgres` may be the connection
 * string alone or an object of options, and the config loader builds this package's store from it.
 */
describe("session.driver 'postgres' in bottender.config", () => {
  const config = (postgres: unknown) => ({ session: { driver: 'postgres', stores: { postgres } } });

  it('accepts a connection string, an object of options, or nothing', () => {
    expect(() => validateConfig(config('postgres://bot@db:5432/bots'), 'bottender.config.ts')).not.toThrow();
    expect(() => validateConfig(config({ connectionString: 'postgres://bot@db/bots', table: 'bot_sessions' }), 'bottender.config.ts')).not.toThrow();
    expect(() => validateConfig({ session: { driver: 'postgres' } }, 'bottender.config.ts')).not.toThrow();
  });

  it('refuses anything else with a message that shows both shapes and never the value', () => {
    expect(() => validateConfig(config(5432), 'bottender.config.ts')).toThrow(
      'bottender.config.ts: session.stores.postgres must be a connection string or an object of options such as { connectionString: process.env.DATABASE_URL } (got 5432)',
    );
  });

  it('is built by the config loader from either shape, checked, without connecting', async () => {
    const loaded = (postgres: unknown) =>
      ({
        config: config(postgres),
        label: 'bottender.config.ts',
        cwd: __dirname,
        modules: { requirePackage: async () => postgresPackage },
      }) as unknown as Parameters<typeof createStoreFromConfig>[0];
    const fromString = await createStoreFromConfig(loaded('postgres://bot@127.0.0.1:1/bots'));
    const fromObject = await createStoreFromConfig(loaded({ host: '127.0.0.1', port: 1, table: 'bot_sessions' }));
    try {
      expect(fromString).toBeInstanceOf(PostgresSessionStore);
      expect((fromObject as PostgresSessionStore).tables.sessions).toBe('"bot_sessions"');
      expect((fromString as PostgresSessionStore).pool.totalCount).toBe(0);
    } finally {
      await fromString.close?.();
      await fromObject.close?.();
    }
    await expect(createStoreFromConfig(loaded({ tabel: 'x' }))).rejects.toThrow(/session\.stores\.postgres\.tabel is not a known key; did you mean table\?/);
  });
});
