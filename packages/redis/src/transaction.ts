import {
  type SessionRecord,
  SessionStoreError,
  type SessionTransaction,
  serializeRecord,
  VersionConflictError,
} from 'bottender';

import type { SessionKeys } from './keys';
import type { ScriptCommands, ScriptReply } from './scripts';

/**
 * The lease ran out before the write (the process stalled longer than `lockLeaseMs`, or could not
 * reach Redis to renew it), so another process may hold the session now. The write is refused:
 * applying it could overwrite whatever that process commits.
 */
export class LeaseLostError extends SessionStoreError {
  constructor(sessionId: string, leaseMs: number) {
    super(
      `session ${JSON.stringify(sessionId)}: the lock's lease (${leaseMs} ms) ran out before the write ` +
        'and the lock is no longer ours; write refused',
      sessionId,
    );
    this.name = 'LeaseLostError';
  }
}

/** What a transaction needs from its store. */
export interface TransactionContext {
  scripts: ScriptCommands;
  leaseMs: number;
  /** Turns a client error into a SessionStoreError naming the session. */
  fail(error: unknown, id: string, what: string): SessionStoreError;
  /** Checks a record and TTL before they are sent; returns the TTL argument of the scripts. */
  prepareWrite(record: SessionRecord, ttlMs: number | undefined): number;
}

/**
 * One event's hold on one session: the lock is ours (identified by `token`) from `begin` until
 * `commit` or `release`. While it is held, a timer renews the lease every third of its length so
 * a slow handler keeps the session; if this process dies, the timer dies with it and the lease
 * runs out, freeing the session for the others.
 */
export class RedisTransaction implements SessionTransaction {
  #finished = false;
  readonly #renewal: NodeJS.Timeout;

  constructor(
    readonly record: SessionRecord | undefined,
    private readonly id: string,
    private readonly keys: SessionKeys,
    private readonly token: string,
    private readonly context: TransactionContext,
  ) {
    this.#renewal = setInterval(() => this.#renew(), Math.max(1, Math.floor(context.leaseMs / 3)));
    // A pending renewal must not keep a process alive that has nothing else to do.
    this.#renewal.unref();
  }

  /**
   * Writes `next` if the lock is still ours and the stored version is still the one read, and
   * releases the lock, all in one script call (one round trip).
   */
  async commit(next: SessionRecord, { ttlMs }: { ttlMs?: number }): Promise<void> {
    if (this.#finished) throw new SessionStoreError(`session ${JSON.stringify(this.id)}: transaction already finished`, this.id);
    if (next.id !== this.id) {
      throw new TypeError(`a transaction on session ${JSON.stringify(this.id)} cannot commit session ${JSON.stringify(next.id)}`);
    }
    const ttl = this.context.prepareWrite(next, ttlMs);
    const expected = this.record?.version ?? 0;
    clearInterval(this.#renewal);
    let reply: ScriptReply;
    try {
      reply = await this.context.scripts.bottenderSessionCommit(
        this.keys.data,
        this.keys.lock,
        this.token,
        expected,
        next.version,
        serializeRecord(next),
        ttl,
      );
    } catch (error) {
      // The write may or may not have happened; release() will give the lock up if it is still ours.
      throw this.context.fail(error, this.id, 'commit');
    }
    // Every reply below means the lock is no longer ours: released by the script, or lost.
    this.#finished = true;
    const [outcome, detail] = reply;
    if (outcome === 'ok') return;
    if (outcome === 'lost') throw new LeaseLostError(this.id, this.context.leaseMs);
    if (outcome === 'conflict') throw new VersionConflictError(this.id, expected, Number(detail));
    throw new SessionStoreError(
      `stored data for session ${JSON.stringify(this.id)} is not a session record (${String(detail)}); write refused`,
      this.id,
    );
  }

  /** Gives the lock up if it is still ours. Never throws; a failure leaves it to its lease. */
  async release(): Promise<void> {
    if (this.#finished) return;
    this.#finished = true;
    clearInterval(this.#renewal);
    try {
      await this.context.scripts.bottenderSessionRelease(this.keys.lock, this.token);
    } catch {
      // Redis is unreachable: the lease frees the session in at most lockLeaseMs.
    }
  }

  #renew(): void {
    this.context.scripts.bottenderSessionExtend(this.keys.lock, this.token, this.context.leaseMs).then(
      (extended) => {
        // 0: the lease already ran out. Stop renewing; commit will be refused.
        if (extended === 0) clearInterval(this.#renewal);
      },
      () => {
        // Redis is briefly unreachable: try again at the next tick, while the lease lasts.
      },
    );
  }
}
