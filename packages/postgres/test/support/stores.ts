import { silentLogger } from 'bottender';
import type { Client } from 'pg';

import { PostgresSessionStore, type PostgresStoreOptions } from '../../src';
import { createTestSchema, DATABASE_URL, postgresAvailable, type TestSchema } from './postgres';

export { collect, record } from '../../../../test-support/store-drivers/records';

let tables = 0;

/** A table name no other test of this process uses, so tests never need to empty a table. */
export function uniqueTable(label = 't'): string {
  return `s_${label.replace(/\W/g, '_').slice(0, 24)}_${++tables}`;
}

/**
 * Sets up one test file against PostgreSQL: a schema of its own (dropped after the file), stores
 * closed after each test, and `pgTest`, which is Jest's `test` when PostgreSQL answers and
 * `test.skip` (after a loud warning) when it does not, outside CI.
 */
export function usePostgresSuite(label: string): {
  available: boolean;
  pgTest: jest.It;
  stores: StoreFactory;
} {
  const available = postgresAvailable(label);
  const stores = new StoreFactory(label);
  if (available) {
    beforeAll(() => stores.open());
    afterEach(() => stores.closeAll());
    afterAll(() => stores.dispose());
  }
  return { available, pgTest: available ? test : test.skip, stores };
}

/** Creates stores in the file's schema and closes all of them, so a failing test leaves nothing open. */
export class StoreFactory {
  #schema: TestSchema | undefined;
  readonly #stores: PostgresSessionStore[] = [];

  constructor(private readonly label: string) {}

  async open(): Promise<void> {
    this.#schema = await createTestSchema(this.label);
  }

  get schema(): string {
    return this.#need().name;
  }

  /** The raw client of the schema (connected as the tests' own application_name). */
  get raw(): Client {
    return this.#need().client;
  }

  /** The application_name stores of this file connect with, so tests can find (and kill) their backends. */
  get applicationName(): string {
    return `${this.schema}_store`;
  }

  /** A store on its own table (unless given) with short lock timings suited to tests. */
  store(options: PostgresStoreOptions = {}): PostgresSessionStore {
    const store = new PostgresSessionStore({
      ...(options.pool ? {} : { connectionString: DATABASE_URL, application_name: this.applicationName, max: 4 }),
      schema: this.schema,
      table: uniqueTable(),
      lockLeaseMs: 2_000,
      lockRetryMs: 5,
      sweepIntervalMs: 0,
      logger: silentLogger, // tests that check the reports pass their own
      ...options,
    });
    this.#stores.push(store);
    return store;
  }

  async closeAll(): Promise<void> {
    await Promise.all(this.#stores.splice(0).map((store) => store.close().catch(() => {})));
  }

  async dispose(): Promise<void> {
    await this.closeAll();
    await this.#schema?.drop();
  }

  #need(): TestSchema {
    if (!this.#schema) throw new Error('the test schema is not open (PostgreSQL unavailable?)');
    return this.#schema;
  }
}
