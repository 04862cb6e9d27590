import { Pool } from 'pg';

import { refusesEach, storeFactoryChecks } from '../../../test-support/store-drivers/option-checks';
import { createStore, PostgresSessionStore, type PostgresStoreOptions } from '../src';

/**
 * `session.stores.postgres` is checked when the store is created, before anything connects: a bad
 * value stops the start with a TypeError naming the key.
 */
describe('session.stores.postgres options', () => {
  const { make, accept } = storeFactoryChecks((options) => createStore(options as PostgresStoreOptions));

  refusesEach(make, [
    ['a number', 5432, /session\.stores\.postgres must be a connection string or an object, got 5432/],
    ['an array', [], /session\.stores\.postgres must be a connection string or an object, got an empty array/],
    ['an unknown key (a typo)', { tabel: 'x' }, /^session\.stores\.postgres\.tabel is not a known key; did you mean table\?$/],
    ['an unknown key far from any', { zzzzzz: 1 }, /session\.stores\.postgres\.zzzzzz is not a known key; the keys are pool, table, schema, createTable/],
    ['a string of another scheme', 'mysql://u:secret@h/db', /connectionString must start with postgres:\/\/ or postgresql:\/\/, got "mysql:\/\/u:\*\*\*@h\/db"/],
    ['a port out of range', { port: 70_000 }, /session\.stores\.postgres\.port must be an integer from 1 to 65535, got 70000/],
    ['a port as a string', { port: '5432' }, /session\.stores\.postgres\.port must be an integer/],
    ['an empty host', { host: '' }, /session\.stores\.postgres\.host must be a non-empty string/],
    ['a numeric password', { password: 1234 }, /session\.stores\.postgres\.password must be a string or a function, got 1234/],
    ['a table name with a quote', { table: 'x"; DROP TABLE y; --' }, /session\.stores\.postgres\.table must be a name of letters, digits and _/],
    ['a table name starting with a digit', { table: '1sessions' }, /\.table must be a name of letters/],
    ['a table name too long for its index name', { table: 'x'.repeat(59) }, /at most 58 characters/],
    ['a qualified table name', { table: 'public.sessions' }, /\.table must be a name of letters/],
    ['a schema with a space', { schema: 'my schema' }, /session\.stores\.postgres\.schema must be a name of letters/],
    ['createTable as a string', { createTable: 'no' }, /session\.stores\.postgres\.createTable must be true or false, got "no"/],
    ['a lease too short to renew', { lockLeaseMs: 10 }, /session\.stores\.postgres\.lockLeaseMs must be an integer from 100/],
    ['a zero retry pause', { lockRetryMs: 0 }, /session\.stores\.postgres\.lockRetryMs must be an integer from 1/],
    ['an infinite command timeout', { commandTimeoutMs: Infinity }, /commandTimeoutMs must be an integer/],
    ['a negative sweep interval', { sweepIntervalMs: -1 }, /sweepIntervalMs must be an integer from 0/],
    ['pg timeouts the driver sets itself', { statement_timeout: 100 }, /\.statement_timeout is set by the driver; give session\.stores\.postgres\.commandTimeoutMs instead/],
    ['pg connect timeout', { connectionTimeoutMillis: 100 }, /\.connectionTimeoutMillis is set by the driver; give session\.stores\.postgres\.connectTimeoutMs/],
    ['something that is not a pool', { pool: { query() {} } }, /session\.stores\.postgres\.pool must be a pg Pool/],
    ['a logger without methods', { logger: {} }, /session\.stores\.postgres\.logger must have info\(\) and warn\(\)/],
  ]);

  it('refuses a pool combined with connection settings', async () => {
    const pool = new Pool({ max: 1 });
    try {
      expect(make({ pool, host: 'h' })).toThrow(/\.host cannot be combined with session\.stores\.postgres\.pool/);
      expect(make({ pool, commandTimeoutMs: 5 })).toThrow(/\.commandTimeoutMs cannot be combined with session\.stores\.postgres\.pool/);
    } finally {
      await pool.end();
    }
  });

  it('accepts a connection string, pg settings with the driver options, null values and nothing at all, without connecting', () => {
    const fromString = accept('postgres://bot:secret@db.example:6543/bots');
    expect(fromString).toBeInstanceOf(PostgresSessionStore);
    expect(fromString.name).toBe('postgres');
    expect(fromString.pool.totalCount).toBe(0);
    const fromConfig = accept({ host: 'db.example', port: 6543, user: 'bot', password: 'p', database: 'bots', max: 3, table: 'bot_sessions', schema: 'chat' });
    expect(fromConfig.tables).toMatchObject({ sessions: '"chat"."bot_sessions"', held: '"chat"."bot_sessions_held"' });
    expect(fromConfig.pool.options).toMatchObject({ host: 'db.example', port: 6543, max: 3, statement_timeout: 5_000, query_timeout: 5_250 });
    expect(accept({ connectionString: null, host: null, table: null, commandTimeoutMs: 0 }).tables.sessions).toBe('"bottender_sessions"');
    expect(accept(undefined).pool.options).toMatchObject({ application_name: 'bottender', connectionTimeoutMillis: 5_000 });
  });

  it('never shows a password in its messages', async () => {
    const store = accept({ connectionString: 'postgres://bot:hunter2@127.0.0.1:1/db', connectTimeoutMs: 500 });
    const failure = await store.init().then(
      () => undefined,
      (error: Error) => error,
    );
    expect(failure?.message).toMatch(/^cannot connect to PostgreSQL at postgres:\/\/bot:\*\*\*@127\.0\.0\.1:1\/db: /);
    expect(failure?.message).not.toContain('hunter2');
  });
});
