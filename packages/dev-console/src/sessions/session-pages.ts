import { randomBytes } from 'node:crypto';

import type { SessionRecord, SessionStore } from 'bottender';

/** One row of the sessions list. */
export interface SessionSummary {
  id: string;
  platform: string;
  version: number;
  lastActivity: number;
}

/** One page of the sessions list. */
export interface SessionPage {
  items: SessionSummary[];
  /** Pass back for the next page; null when the listing is over. */
  cursor: string | null;
  /** How many records the store yielded for this page (matching or not). */
  scanned: number;
}

export interface SessionPagesOptions {
  /** Largest page. Default 50. */
  pageSize?: number;
  /** A page stops after this many records looked at, matching or not, so a rare search stays quick. Default 20,000. */
  scanLimit?: number;
  /** A page stops after this long, in ms. Default 300. */
  timeLimitMs?: number;
  /** Cursors unused for this long are closed. Default 5 minutes. */
  idleMs?: number;
  /** At most this many open cursors; the least recently used is closed past it. Default 16. */
  maxCursors?: number;
  now?: () => number;
}

interface OpenCursor {
  iterator: AsyncIterator<SessionRecord>;
  query: string;
  usedAt: number;
}

/**
 * Pages of the store's sessions, streamed from `store.list()`: a page reads only until it has
 * `pageSize` matches (or hits its scan or time limit), and the next page goes on with the same
 * iterator, so a store of 100,000 sessions is never read whole for one page. A search is a
 * case-insensitive substring of the session id.
 */
export class SessionPages {
  readonly #cursors = new Map<string, OpenCursor>();
  readonly #pageSize: number;
  readonly #scanLimit: number;
  readonly #timeLimitMs: number;
  readonly #idleMs: number;
  readonly #maxCursors: number;
  readonly #now: () => number;

  constructor(
    private readonly store: SessionStore,
    options: SessionPagesOptions = {},
  ) {
    this.#pageSize = options.pageSize ?? 50;
    this.#scanLimit = options.scanLimit ?? 20_000;
    this.#timeLimitMs = options.timeLimitMs ?? 300;
    this.#idleMs = options.idleMs ?? 5 * 60_000;
    this.#maxCursors = options.maxCursors ?? 16;
    this.#now = options.now ?? Date.now;
  }

  /** The first page for `query` (no cursor), or the next one of an earlier listing. */
  async page(query: string, cursor?: string, limit = this.#pageSize): Promise<SessionPage> {
    this.#closeIdle();
    const size = Math.max(1, Math.min(limit, 200));
    let open = cursor === undefined ? undefined : this.#cursors.get(cursor);
    if (cursor !== undefined && !open) throw new CursorGoneError();
    if (open && open.query !== query) throw new CursorGoneError();
    const id = cursor ?? randomBytes(9).toString('base64url');
    if (!open) {
      open = { iterator: this.store.list()[Symbol.asyncIterator](), query, usedAt: this.#now() };
      this.#cursors.set(id, open);
      this.#evictOverflow();
    }
    this.#cursors.delete(id);
    const needle = query.toLowerCase();
    const items: SessionSummary[] = [];
    const started = this.#now();
    let scanned = 0;
    let done = false;
    try {
      while (items.length < size && scanned < this.#scanLimit && this.#now() - started < this.#timeLimitMs) {
        const next = await open.iterator.next();
        if (next.done) {
          done = true;
          break;
        }
        scanned++;
        const record = next.value;
        if (needle === '' || record.id.toLowerCase().includes(needle)) {
          items.push({ id: record.id, platform: record.platform, version: record.version, lastActivity: record.lastActivity });
        }
      }
    } catch (error) {
      await open.iterator.return?.().catch(() => {});
      throw error;
    }
    if (done) return { items, cursor: null, scanned };
    open.usedAt = this.#now();
    this.#cursors.set(id, open);
    return { items, cursor: id, scanned };
  }

  /** Closes every open listing. */
  async close(): Promise<void> {
    const open = [...this.#cursors.values()];
    this.#cursors.clear();
    await Promise.all(open.map((c) => c.iterator.return?.().catch(() => {})));
  }

  #closeIdle(): void {
    const now = this.#now();
    for (const [id, open] of this.#cursors) {
      if (now - open.usedAt >= this.#idleMs) {
        this.#cursors.delete(id);
        void open.iterator.return?.()?.catch(() => {});
      }
    }
  }

  #evictOverflow(): void {
    while (this.#cursors.size > this.#maxCursors) {
      const [id, open] = this.#cursors.entries().next().value!;
      this.#cursors.delete(id);
      void open.iterator.return?.()?.catch(() => {});
    }
  }
}

/** The cursor expired or belongs to another search: the page starts the listing again. */
export class CursorGoneError extends Error {
  constructor() {
    super('this listing is over or expired; start again from the first page');
    this.name = 'CursorGoneError';
  }
}
