/**
 * A conversation that continues under a new session key (a Telegram group that became a
 * supergroup): the connector names the old key with `predecessorKey(event)`, and when the new
 * session has no live record, its first commit carries the old session's record over, once.
 *
 * Both sessions are taken for the event, always in the same (sorted) order, in this process's
 * lanes and in the store's locks, so two events (or two servers) moving the same conversation
 * never wait on each other. The new session's commit is fenced on its own version: of two
 * servers racing, one wins and the other is refused (and redelivered, then finds the new session
 * alive). Only after that commit is the old record deleted, so a crash in between leaves the
 * state in both places, never in neither.
 */
import type { SessionStore, SessionTransaction } from '../session/types';
import type { Logger } from './logger';
import { beginTransaction } from './transaction';

/** The two sessions of an event whose conversation may have moved. */
export interface SessionPair {
  own: SessionTransaction;
  predecessor: SessionTransaction;
  predecessorId: string;
}

/** Takes session `ownId` and its predecessor, in sorted order; releases the first if the second fails. */
export async function beginPair(store: SessionStore, ownId: string, predecessorId: string, timeoutMs: number): Promise<SessionPair> {
  const ownFirst = ownId < predecessorId;
  const first = await beginTransaction(store, ownFirst ? ownId : predecessorId, timeoutMs);
  let second: SessionTransaction;
  try {
    second = await beginTransaction(store, ownFirst ? predecessorId : ownId, timeoutMs);
  } catch (error) {
    await first.release();
    throw error;
  }
  return ownFirst
    ? { own: first, predecessor: second, predecessorId }
    : { own: second, predecessor: first, predecessorId };
}

/**
 * After the new session's commit: deletes the old record and gives the old session up. A failed
 * delete is logged: the state already lives in the new session, which is alive from now on, so
 * the old record is never moved again.
 */
export async function retirePredecessor(store: SessionStore, pair: SessionPair, logger: Logger): Promise<void> {
  try {
    await store.delete(pair.predecessorId);
  } catch (error) {
    logger.error(`session ${JSON.stringify(pair.predecessorId)}: moved to its successor, but the old record could not be deleted`, error);
  } finally {
    await pair.predecessor.release();
  }
}
