import { describeSessionStoreConformance } from 'bottender/testing';

import { escapeId, type PostgresSessionStore } from '../src';
import { usePostgresSuite } from './support/stores';

/**
 * The core conformance suite (the promises every driver keeps), run against a real PostgreSQL:
 * each check gets a table of its own in this file's schema.
 */
const { available, stores } = usePostgresSuite('postgres conformance');

if (available) {
  describeSessionStoreConformance('postgres', () => stores.store(), {
    // Damages the stored row the way a bad migration or another program might.
    corrupt: async (store: PostgresSessionStore, id) => {
      await stores.raw.query(`UPDATE ${store.tables.sessions} SET state = '"not an object"'::jsonb, state_json = NULL WHERE id = $1`, [
        escapeId(id),
      ]);
    },
    // Events held at a deadline live in <table>_held.
    holdsEvents: true,
    // Expiry is enforced on read, by the database's clock.
    ttlMs: 50,
    expiryGraceMs: 1_000,
  });
} else {
  test.skip('postgres session store conformance (NOT RUN: no PostgreSQL, see the warning above)', () => {});
}
