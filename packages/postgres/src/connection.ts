import { type Logger, SessionStoreError, StoreHealth } from 'bottender/store';
import type { Pool } from 'pg';

/** Node's errors for a server that cannot be reached at all. */
const UNREACHABLE = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EHOSTUNREACH', 'ENETUNREACH', 'ETIMEDOUT', 'EAI_AGAIN']);

/**
 * Whether an error means PostgreSQL cannot serve now (as opposed to one statement or one
 * connection failing): it cannot be reached, refuses connections (SQLSTATE class 08, 53 such as
 * too many connections, 57P03 starting up or shutting down), or does not answer within the
 * timeouts. A connection broken under a statement (`pg_terminate_backend`, 57P01) is not an
 * outage by itself: the next event gets a fresh connection, and only if that fails is it one.
 */
export function isOutage(error: unknown): boolean {
  if (error instanceof SessionStoreError) return false;
  const { code, message } = (error ?? {}) as { code?: unknown; message?: unknown };
  if (typeof code === 'string') return UNREACHABLE.has(code) || /^(08|53|57P03)/.test(code);
  return /timeout exceeded when trying to connect|connection timeout|Query read timeout/i.test(String(message ?? ''));
}

/**
 * Whether PostgreSQL is down, for fast 503s and quiet logs (bottender/store's StoreHealth): after
 * an outage is seen, events are refused at once, but one every `outageRetryMs` tries the database
 * again; the log says it is down once, then a count every few seconds, then that it is back. While
 * nothing is down this is one size test per statement.
 *
 * Also listens for the pool's `'error'` event. `pg` emits it when an idle pooled connection breaks
 * (the server restarted, `pg_terminate_backend`, a network cut); without a listener Node would
 * treat it as an unhandled error and stop the process. The pool drops such a connection by itself.
 */
export class PostgresHealth {
  readonly #gate: StoreHealth;
  #lastIdleReport = 0;
  readonly #onPoolError = (error: Error) => this.#idleError(error);

  constructor(
    private readonly pool: Pool,
    private readonly target: string,
    private readonly logger: Logger,
    retryEveryMs: number,
    private readonly closing: () => boolean,
  ) {
    this.#gate = new StoreHealth({ name: 'postgres session store', logger, retryEveryMs });
    pool.on('error', this.#onPoolError);
  }

  /** Throws StoreUnavailableError at once while the database is known down and no retry is due. */
  guard(id: string | undefined): void {
    if (this.#gate.isDown()) this.#gate.check(this.target, id);
  }

  /** A statement was answered. */
  ok(): void {
    if (this.#gate.isDown()) this.#gate.succeeded(this.target);
  }

  /** The error to throw for a failed statement when it shows an outage (reported once); undefined otherwise. */
  outage(error: unknown, id: string | undefined, what: string): SessionStoreError | undefined {
    if (this.closing() || !isOutage(error)) return undefined;
    return this.#gate.failed(this.target, error, id, `postgres ${what}`);
  }

  /**
   * Stops reporting (the store is closing). `owned`: the store is ending the pool, whose
   * connections may still break meanwhile, so a silent listener stays; a pool you passed is left
   * with the listeners it had before.
   */
  detach(owned: boolean): void {
    this.#gate.close();
    this.pool.off('error', this.#onPoolError);
    if (owned) this.pool.on('error', () => {});
  }

  #idleError(error: Error): void {
    if (this.closing()) return;
    const now = Date.now();
    // A restart breaks every idle connection at once: one line is enough.
    if (now - this.#lastIdleReport < 10_000) return;
    this.#lastIdleReport = now;
    this.logger.warn(`postgres session store: an idle connection to ${this.target} broke (${error.message}); it is replaced on next use`);
  }
}
