// The one LeaseLostError every driver throws, so the runtime reports the outcome 'lease lost'.
import { LeaseLostError } from 'bottender';
import {
  type SessionRecord,
  SessionStoreError,
  type SessionTransaction,
  VersionConflictError,
} from 'bottender/store';
import type { QueryResult } from 'pg';

import type { Statement, Statements } from './statements';

/** What a transaction needs from its store. */
export interface TransactionContext {
  statements: Statements;
  leaseMs: number;
  leases: LeaseKeeper;
  /**
   * Runs one statement; failures become a SessionStoreError naming the session and `what`.
   * `guarded` false: tried even while the database is known down (giving a lease back).
   */
  run(statement: Statement, values: unknown[], id: string, what: string, guarded?: boolean): Promise<QueryResult>;
  /** Checks a record and TTL and turns them into the write parameters (see statements.ts). */
  writeValues(record: SessionRecord, ttlMs: number | undefined): unknown[];
}

/**
 * Renews the leases of a store's open transactions with one timer and one statement per tick,
 * instead of one of each per event: every quarter lease, each lease held for a quarter lease or
 * more is extended, so a live lease is renewed at most half a lease after its last renewal, and a
 * handler shorter than a quarter lease (almost all) costs no renewal at all. The timer is unref'd
 * and dies with the process: after a crash the leases simply run out.
 */
export class LeaseKeeper {
  readonly #open = new Set<PostgresTransaction>();
  readonly #tickMs: number;
  #timer: NodeJS.Timeout | undefined;
  #renewing = false;

  constructor(
    private readonly leaseMs: number,
    private readonly renew: (ids: string[], tokens: string[]) => Promise<Set<string>>,
  ) {
    this.#tickMs = Math.max(1, Math.floor(leaseMs / 4));
  }

  add(transaction: PostgresTransaction): void {
    this.#open.add(transaction);
    if (!this.#timer) {
      this.#timer = setInterval(() => void this.#tick(), this.#tickMs);
      this.#timer.unref();
    }
  }

  remove(transaction: PostgresTransaction): void {
    this.#open.delete(transaction);
    if (this.#open.size === 0) this.stop();
  }

  /** Stops the timer (no open transactions, or the store is closing). */
  stop(): void {
    clearInterval(this.#timer);
    this.#timer = undefined;
  }

  async #tick(): Promise<void> {
    if (this.#renewing) return; // the last renewal is still on its way
    const now = Date.now();
    const due = [...this.#open].filter((transaction) => now - transaction.renewedAt >= this.#tickMs);
    if (due.length === 0) return;
    this.#renewing = true;
    try {
      const renewed = await this.renew(
        due.map((transaction) => transaction.key),
        due.map((transaction) => transaction.token),
      );
      for (const transaction of due) {
        if (renewed.has(transaction.token)) transaction.renewedAt = now;
        // Not renewed: another event took the session. Stop renewing; commit will be refused.
        else this.remove(transaction);
      }
    } catch {
      // The database is briefly unreachable: the next tick tries again, while the lease lasts.
    } finally {
      this.#renewing = false;
    }
  }
}

/**
 * One event's hold on one session: the lease is ours (identified by `token`) from `begin` until
 * `commit` or `release`, renewed meanwhile by the {@link LeaseKeeper} so a slow handler keeps the
 * session. Nothing is held open in the database between the two statements.
 */
export class PostgresTransaction implements SessionTransaction {
  #finished = false;
  /** When the lease was last set (taken or renewed), in epoch ms. */
  renewedAt = Date.now();

  constructor(
    readonly record: SessionRecord | undefined,
    private readonly id: string,
    /** The escaped id, as stored. */
    readonly key: string,
    readonly token: string,
    private readonly context: TransactionContext,
  ) {
    context.leases.add(this);
  }

  /**
   * Writes `next` if the lease is still ours and the stored version is still the one read, and
   * ends the lease, in one statement (one round trip). A refusal costs one more, to say why.
   */
  async commit(next: SessionRecord, { ttlMs }: { ttlMs?: number }): Promise<void> {
    if (this.#finished) throw new SessionStoreError(`session ${JSON.stringify(this.id)}: transaction already finished`, this.id);
    if (next?.id !== this.id) {
      throw new TypeError(`a transaction on session ${JSON.stringify(this.id)} cannot commit session ${JSON.stringify(next?.id)}`);
    }
    const values = this.context.writeValues(next, ttlMs);
    const expected = this.record?.version ?? 0;
    const { statements } = this.context;
    // If the statement fails, the write may or may not have happened; release() (which the runtime
    // calls after a failed commit) gives the lease up if it is still ours.
    const result = await this.context.run(statements.commit, [this.key, this.token, expected, ...values], this.id, 'commit');
    if (result.rowCount === 1) {
      this.#finish();
      return;
    }
    const why = await this.context.run(statements.inspect, [this.key, this.token], this.id, 'commit');
    const row = why.rows[0] as { ours: boolean | null; version: string | number } | undefined;
    if (row && !row.ours) {
      this.#finish(); // the lease is another event's now: nothing of ours to release
      throw new LeaseLostError(this.id, this.context.leaseMs);
    }
    // The row is gone (deleted meanwhile) or holds another version: ours to release, then report.
    await this.release();
    throw new VersionConflictError(this.id, expected, row ? Number(row.version) : 0);
  }

  /** Gives the lease up if it is still ours. Never throws; a failure leaves it to run out. */
  async release(): Promise<void> {
    if (this.#finished) return;
    this.#finish();
    try {
      await this.context.run(this.context.statements.release, [this.key, this.token], this.id, 'release', false);
    } catch {
      // The database is unreachable: the lease frees the session in at most lockLeaseMs.
    }
  }

  #finish(): void {
    this.#finished = true;
    this.context.leases.remove(this);
  }
}
