import type { Logger } from 'bottender';
import type { Pool } from 'pg';

/**
 * Whether an error means the database could not be reached or the connection broke (as opposed to
 * a statement PostgreSQL refused): no SQLSTATE, or class 08 (connection exception), 57P (operator
 * intervention: shutdown, `pg_terminate_backend`, crash recovery) or 53 (insufficient resources).
 */
export function isConnectionError(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code !== 'string' || !/^[0-9A-Z]{5}$/.test(code)) return true;
  return code.startsWith('08') || code.startsWith('57P') || code.startsWith('53');
}

/**
 * Reports, once per outage, that PostgreSQL cannot be reached and that it can again. A pool has no
 * single connection to watch, so the outage is seen through the statements: one that fails for a
 * connection reason starts it, the next one that succeeds ends it.
 *
 * Also listens for the pool's `'error'` event. `pg` emits it when an idle pooled connection breaks
 * (the server restarted, `pg_terminate_backend`, a network cut); without a listener Node would
 * treat it as an unhandled error and stop the process. The pool drops such a connection by itself.
 */
export class ConnectionHealth {
  #up = true;
  #lastIdleReport = 0;
  readonly #onPoolError = (error: Error) => this.#idleError(error);

  constructor(
    private readonly pool: Pool,
    private readonly target: string,
    private readonly logger: Logger,
    private readonly closing: () => boolean,
  ) {
    pool.on('error', this.#onPoolError);
  }

  /** A statement reached the database. */
  succeeded(): void {
    if (this.#up) return;
    this.#up = true;
    this.logger.info(`postgres session store: reached ${this.target} again`);
  }

  /** A statement failed; reports the outage if it is a connection failure. */
  failed(error: unknown): void {
    if (!this.#up || this.closing() || !isConnectionError(error)) return;
    this.#up = false;
    this.logger.warn(
      `postgres session store: cannot reach ${this.target} (${(error as Error)?.message ?? String(error)}); events answer 503 until it is back`,
    );
  }

  /**
   * Stops listening (the store is closing). `owned`: the store is ending the pool, whose
   * connections may still break meanwhile, so a silent listener stays; a pool you passed is left
   * with the listeners it had before.
   */
  detach(owned: boolean): void {
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
