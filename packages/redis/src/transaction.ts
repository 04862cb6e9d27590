import {
  LeaseLostError,
  type SessionRecord,
  SessionStoreError,
  type SessionTransaction,
  serializeRecord,
  VersionConflictError,
} from 'bottender/store';

import type { RedisHealth } from './health';
import type { SessionKeys } from './keys';
import type { ScriptCommands, ScriptReply } from './scripts';

/** What a transaction needs from its store. */
export interface TransactionContext {
  scripts: ScriptCommands;
  leaseMs: number;
  leases: LeaseKeeper;
  /** Turns a client error into a SessionStoreError naming the session. */
  fail(error: unknown, id: string, what: string): SessionStoreError;
  /** Refuses at once while the session's Redis is known down; notes when it answers again. */
  health: Pick<RedisHealth, 'guard' | 'ok'>;
  /** Checks a record and TTL before they are sent; returns the TTL argument of the scripts. */
  prepareWrite(record: SessionRecord, ttlMs: number | undefined): number;
}

/**
 * Renews the leases of a store's open transactions from one timer, instead of one timer per
 * event: it ticks every quarter lease and renews each lock held for a quarter lease or more, so
 * a live lock is renewed at most half a lease after its last renewal. The timer is unref'd (it
 * never keeps a process alive) and, if the process dies, stops with it: its leases then run out.
 */
export class LeaseKeeper {
  readonly #open = new Set<RedisTransaction>();
  readonly #tickMs: number;
  #timer: NodeJS.Timeout | undefined;

  constructor(leaseMs: number) {
    this.#tickMs = Math.max(1, Math.floor(leaseMs / 4));
  }

  add(transaction: RedisTransaction): void {
    this.#open.add(transaction);
    if (!this.#timer) {
      this.#timer = setInterval(() => this.#tick(), this.#tickMs);
      this.#timer.unref();
    }
  }

  remove(transaction: RedisTransaction): void {
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
 * One event's hold on one session: the lock is ours (identified by `token`) from `begin` until
 * `commit` or `release`, and its lease is renewed meanwhile (see {@link LeaseKeeper}) so a slow
 * handler keeps the session.
 */
export class RedisTransaction implements SessionTransaction {
  #finished = false;
  /** When the lease was last set (taken or renewed), in epoch ms. */
  renewedAt = Date.now();

  constructor(
    readonly record: SessionRecord | undefined,
    private readonly id: string,
    private readonly keys: SessionKeys,
    private readonly token: string,
    private readonly context: TransactionContext,
  ) {
    context.leases.add(this);
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
    this.context.health.guard(this.id); // release() gives the lock up later, or its lease does
    this.context.leases.remove(this);
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
    this.context.health.ok(this.id);
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
    this.context.leases.remove(this);
    try {
      await this.context.scripts.bottenderSessionRelease(this.keys.lock, this.token);
    } catch {
      // Redis is unreachable: the lease frees the session in at most lockLeaseMs.
    }
  }

  /** Extends the lease if the lock is still ours. Called by the {@link LeaseKeeper}. */
  renew(now: number): void {
    this.renewedAt = now;
    this.context.scripts.bottenderSessionExtend(this.keys.lock, this.keys.data, this.token, this.context.leaseMs).then(
      (extended) => {
        // 0: the lease already ran out. Stop renewing; commit will be refused.
        if (extended === 0) this.context.leases.remove(this);
      },
      () => {
        // Redis is briefly unreachable: the next tick tries again, while the lease lasts.
      },
    );
  }
}
