import type { SessionRecord, SessionStore, SessionTransaction } from '../session/types';

/**
 * Exclusive access to one session for one event.
 *
 * Stores that many processes share implement `begin` (a lock with a lease, read in the same
 * round trip). For the others the runtime's in-process queue already gives exclusivity within
 * the process, and the fenced write refuses anything another process slipped in between.
 */
export async function beginTransaction(
  store: SessionStore,
  id: string,
  lockTimeoutMs: number,
): Promise<SessionTransaction> {
  if (store.begin) return store.begin(id, { timeoutMs: lockTimeoutMs });
  const record = await store.read(id);
  return {
    record,
    commit: (next: SessionRecord, { ttlMs }: { ttlMs?: number }) =>
      store.write(next, { expectedVersion: record?.version ?? 0, ttlMs }),
    release: async () => {},
  };
}
