import { type SessionStore, VersionConflictError } from 'bottender/store';

import { record } from './records';

/**
 * Checks of plain reads and fenced writes that the drivers' store tests make alike, beside their
 * checks of what the store keeps in its database. Each takes a fresh store.
 */

/** A written record reads back equal, and as a fresh copy (changing what was read changes nothing stored). */
export async function writtenRecordReadsBackAsFreshCopy(store: SessionStore): Promise<void> {
  const written = record('test:u1', 1, { count: 1, nested: { list: [1, 'two', null] } });
  await store.write(written, { expectedVersion: 0 });
  const first = await store.read('test:u1');
  expect(first).toEqual(written);
  first!.state.count = 99;
  expect((await store.read('test:u1'))!.state.count).toBe(1);
}

/** A write based on a replaced version is refused with VersionConflictError (naming both versions) and changes nothing. */
export async function staleWriteIsRefused(store: SessionStore): Promise<void> {
  await store.write(record('test:u1', 1, { n: 1 }), { expectedVersion: 0 });
  await store.write(record('test:u1', 2, { n: 2 }), { expectedVersion: 1 });
  const stale = store.write(record('test:u1', 2, { n: 'stale' }), { expectedVersion: 1 });
  await expect(stale).rejects.toBeInstanceOf(VersionConflictError);
  await expect(stale).rejects.toMatchObject({ expectedVersion: 1, actualVersion: 2 });
  expect((await store.read('test:u1'))!.state).toEqual({ n: 2 });
}
