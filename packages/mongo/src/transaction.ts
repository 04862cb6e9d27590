import { LeaseLostError, type SessionRecord, SessionStoreError, type SessionTransaction, VersionConflictError } from 'bottender/store';
import type { Collection } from 'mongodb';

import { liveVersion, RELEASE, type SessionDocument, storeRecord } from './documents';
import type { MongoHealth } from './health';

/** What a transaction needs from its store. */
export interface TransactionContext {
  sessions: Collection<SessionDocument>;
  leaseMs: number;
  leases: LeaseKeeper;
  /** Refuses a commit at once while MongoDB is known down; hears that a commit was answered. */
  health: Pick<MongoHealth, 'guard' | 'ok' | 'isDown'>;
  /** Turns a driver error into a SessionStoreError naming the session. */
  fail(error: unknown, id: string, what: string): SessionStoreError;
  /** Checks a record and TTL before they are sent; returns the TTL in ms (0: keep forever). */
  prepareWrite(record: SessionRecord, ttlMs: number | undefined): number;
  /** Runs after a successful commit (carrying a Bottender 1.x session over removes its old document). */
  afterCommit?(): Promise<void>;
}

/**
 * Renews the leases of a store's open transactions from one timer, instead of one timer per
 * event: it ticks every quarter lease and renews each lock held for a quarter lease or more, so
 * a live lock is renewed at most half a lease after its last renewal. The timer is unref'd (it
 * never keeps a process alive) and, if the process dies, stops with it: its leases then run out.
 */
export class LeaseKeeper {
  readonly #open = new Set<MongoTransaction>();
  readonly #tickMs: number;
  #timer: NodeJS.Timeout | undefined;

  constructor(leaseMs: number) {
    this.#tickMs = Math.max(1, Math.floor(leaseMs / 4));
  }

  add(transaction: MongoTransaction): void {
    this.#open.add(transaction);
    if (!this.#timer) {
      this.#timer = setInterval(() => this.#tick(), this.#tickMs);
      this.#timer.unref();
    }
  }

  remove(transaction: MongoTransaction): void {
    this.#open.delete(transaction);
  }

  /** Stops the timer (the store is closing). */
  stop(): void {
    clearInterval(this.#timer);
    this.#timer = undefined;
  }

  #tick(): void {
    const now = Date.now();
    for (const transaction of this.#open) {
      if (now - transaction.renewedAt >= this.#tickMs) transaction.renew(now);
    }
  }
}

/**
 * One event's hold on one session: the lock is ours (the document's `lock` holds `token`) from
 * `begin` until `commit` or `release`, and its lease is renewed meanwhile (see {@link LeaseKeeper})
 * so a slow handler keeps the session.
 */
export class MongoTransaction implements SessionTransaction {
  #finished = false;
  /** When the lease was last set (taken or renewed), in epoch ms. */
  renewedAt = Date.now();

  /**
   * @param record what the event starts from (undefined: a new or expired session)
   * @param baseVersion the document's `v` when the lock was taken, whatever its expiry: the commit
   *   is fenced on it, so it applies only over exactly what was read
   */
  constructor(
    readonly record: SessionRecord | undefined,
    private readonly id: string,
    private readonly sid: string,
    private readonly token: string,
    private readonly baseVersion: number,
    private readonly context: TransactionContext,
  ) {
    context.leases.add(this);
  }

  /**
   * Writes `next` if the lock is still ours and the document is still at the version read, and
   * releases the lock, in one conditional update (one round trip). When that matches nothing, one
   * more command finds out why (giving the lock up if it is still ours) to report it precisely.
   */
  async commit(next: SessionRecord, { ttlMs }: { ttlMs?: number }): Promise<void> {
    if (this.#finished) throw new SessionStoreError(`session ${JSON.stringify(this.id)}: transaction already finished`, this.id);
    if (next?.id !== this.id) {
      throw new TypeError(`a transaction on session ${JSON.stringify(this.id)} cannot commit session ${JSON.stringify(next?.id)}`);
    }
    const ttl = this.context.prepareWrite(next, ttlMs);
    const expected = this.record?.version ?? 0;
    const sent = this.context.health.guard(this.id); // release() gives the lock up later, or its lease does
    this.context.leases.remove(this);
    const { sessions } = this.context;
    let matched: number;
    try {
      const now = Date.now();
      ({ matchedCount: matched } = await sessions.updateOne(
        { sid: this.sid, lock: this.token, v: this.baseVersion },
        storeRecord(next, ttl, now, true),
      ));
    } catch (error) {
      // The write may or may not have happened; release() will give the lock up if it is still ours.
      throw this.context.fail(error, this.id, 'commit');
    }
    this.context.health.ok(sent);
    if (matched === 1) {
      this.#finished = true;
      await this.context.afterCommit?.();
      return;
    }
    let holder: SessionDocument | null;
    try {
      holder = await sessions.findOneAndUpdate({ sid: this.sid, lock: this.token }, RELEASE, { returnDocument: 'before' });
    } catch (error) {
      throw this.context.fail(error, this.id, 'commit (finding why the write was refused)');
    }
    this.#finished = true;
    if (!holder) throw new LeaseLostError(this.id, this.context.leaseMs);
    throw new VersionConflictError(this.id, expected, liveVersion(holder, Date.now()));
  }

  /**
   * Gives the lock up if it is still ours. Never throws; a failure leaves it to its lease. While
   * MongoDB is known down it does not wait: the release is sent when a server is back (the 503
   * of a refused event is not held up by it), or the lease frees the session.
   */
  async release(): Promise<void> {
    if (this.#finished) return;
    this.#finished = true;
    this.context.leases.remove(this);
    const released = this.context.sessions.updateOne({ sid: this.sid, lock: this.token }, RELEASE).then(
      () => {},
      () => {}, // MongoDB is unreachable: the lease frees the session in at most lockLeaseMs
    );
    if (!this.context.health.isDown()) await released;
  }

  /** Extends the lease if the lock is still ours. Called by the {@link LeaseKeeper}. */
  renew(now: number): void {
    this.renewedAt = now;
    this.context.sessions
      .updateOne({ sid: this.sid, lock: this.token }, { $set: { lockUntil: new Date(now + this.context.leaseMs) } })
      .then(
        ({ matchedCount }) => {
          // The lease already ran out (or the session was deleted). Stop renewing; commit will be refused.
          if (matchedCount === 0) this.context.leases.remove(this);
        },
        () => {
          // MongoDB is briefly unreachable: the next tick tries again, while the lease lasts.
        },
      );
  }
}
