import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';

import { Client } from 'pg';

/**
 * Where the tests find PostgreSQL: DATABASE_URL, else the server these machines run on
 * 127.0.0.1:5432 (trust auth, database `test`). Each test file works in a schema of its own,
 * created before its tests and dropped after them, so the shared server keeps nothing of a run.
 */
export const DATABASE_URL = process.env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/test';

/** The URL with its password hidden, for messages. */
export const DATABASE_LABEL = DATABASE_URL.replace(/(\/\/[^:/@]*:)[^@]*@/, '$1***@');

let probed: boolean | undefined;

/**
 * Decides, synchronously (so a test file can decide which tests to define), whether PostgreSQL
 * answers. Without it a CI run (CI=true) throws, failing the suite; a local run warns loudly and
 * returns false, and the tests are reported as skipped.
 */
export function postgresAvailable(suite: string): boolean {
  probed ??= probe();
  if (probed) return true;
  const message = `${suite}: no PostgreSQL answers at ${DATABASE_LABEL}`;
  if (process.env.CI && process.env.CI !== 'false') throw new Error(`${message}; a CI run must test against a real PostgreSQL`);
  console.warn(
    `\n!!!!!!!!!!\n!!! SKIPPED: ${message}.\n!!! These tests did NOT run. Start PostgreSQL or set DATABASE_URL.\n!!!!!!!!!!\n`,
  );
  return false;
}

function probe(): boolean {
  const script = `
    const { Client } = require('pg');
    const client = new Client({ connectionString: process.env.PROBE_URL, connectionTimeoutMillis: 3000 });
    client.connect().then(() => client.query('SELECT 1')).then(() => process.exit(0), () => process.exit(1));`;
  const result = spawnSync(process.execPath, ['-e', script], {
    env: { ...process.env, PROBE_URL: DATABASE_URL },
    cwd: __dirname,
    timeout: 10_000,
    stdio: 'ignore',
  });
  return result.status === 0;
}

/** A schema of one test file: a unique name, created and dropped. */
export interface TestSchema {
  readonly name: string;
  /** A raw client for looking at (or damaging) what the stores wrote. */
  readonly client: Client;
  drop(): Promise<void>;
}

/** Creates `bottender_test_<pid>_<random>` and connects a raw client to look inside it. */
export async function createTestSchema(label: string): Promise<TestSchema> {
  const name = `bottender_test_${label.replace(/\W/g, '_').slice(0, 20)}_${process.pid}_${randomUUID().slice(0, 8)}`;
  const client = new Client({ connectionString: DATABASE_URL, application_name: `${name}_raw` });
  client.on('error', () => {}); // tests kill connections on purpose
  await client.connect();
  await client.query(`CREATE SCHEMA "${name}"`);
  return {
    name,
    client,
    drop: async () => {
      try {
        // Connections the tests left (e.g. a killed process's) must not hold locks on the schema.
        await client.query(
          `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name LIKE $1 AND pid <> pg_backend_pid()`,
          [`${name}%`],
        );
        await client.query(`DROP SCHEMA IF EXISTS "${name}" CASCADE`);
      } finally {
        await client.end().catch(() => {});
      }
    },
  };
}

/** Warns loudly that one test did not run; tests call it when a precondition is missing. */
export function warnSkipped(test: string, why: string): void {
  console.warn(`!!! SKIPPED ${JSON.stringify(test)}: ${why}`);
}
