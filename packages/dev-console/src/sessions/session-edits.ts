import { type AnyState, type SessionRecord, type SessionStore, VersionConflictError } from 'bottender';

import { deleteAtPath, setAtPath, type StatePath } from './state-diff';

/** What the page asks to change in a session's state. */
export type StateEdit =
  | { op: 'set'; path: StatePath; value: unknown }
  | { op: 'delete'; path: StatePath }
  | { op: 'reset' };

/** The session changed since the page saw it: the edit is refused, nothing is written. */
export class StaleEditError extends Error {
  constructor(
    readonly sessionId: string,
    readonly expectedVersion: number,
    readonly actualVersion: number,
  ) {
    super(
      `session ${JSON.stringify(sessionId)} is at version ${actualVersion}, not ${expectedVersion} as shown: ` +
        'an event changed it meanwhile; look at the new state and edit again',
    );
    this.name = 'StaleEditError';
  }
}

export interface SessionEditorOptions {
  store: SessionStore;
  initialState: AnyState;
  /** Minutes, as `session.expiresIn`. */
  expiresIn?: number;
  /** How long to wait for the session's lock. Default 10 s. */
  lockTimeoutMs?: number;
  /**
   * Runs `fn` in the runtime's queue of the session, so an edit cannot interleave with an event
   * of the same session in this process (the Bot's, when it offers one).
   */
  exclusive?: <T>(sessionId: string, fn: () => Promise<T>) => Promise<T>;
  now?: () => number;
}

/**
 * Edits of a session's state from the page, made the way the runtime commits an event: under the
 * session's lock (`store.begin`, when the store has one) with a write fenced on the version read,
 * so an edit never overwrites an event's commit and an event never overwrites an edit unseen.
 * The edit also has to be based on the version the page showed ({@link StaleEditError}).
 */
export class SessionEditor {
  constructor(private readonly options: SessionEditorOptions) {}

  /** Applies `edit` if the stored version is `expectedVersion` (0: no live session). Returns the new record. */
  async apply(sessionId: string, edit: StateEdit, expectedVersion: number): Promise<SessionRecord> {
    const run = () => this.#locked(sessionId, (stored) => this.#next(sessionId, stored, edit, expectedVersion));
    return this.options.exclusive ? this.options.exclusive(sessionId, run) : run();
  }

  /** A record as the next event would see it: undefined when absent or expired. */
  live(record: SessionRecord | undefined, now = (this.options.now ?? Date.now)()): SessionRecord | undefined {
    const expiresInMs = this.options.expiresIn ? this.options.expiresIn * 60_000 : undefined;
    if (record && expiresInMs !== undefined && now - record.lastActivity >= expiresInMs) return undefined;
    return record;
  }

  #next(sessionId: string, stored: SessionRecord | undefined, edit: StateEdit, expectedVersion: number): SessionRecord {
    const now = (this.options.now ?? Date.now)();
    const live = this.live(stored, now);
    const shownVersion = stored?.version ?? 0;
    if (shownVersion !== expectedVersion) throw new StaleEditError(sessionId, expectedVersion, shownVersion);
    const base: AnyState = live ? live.state : structuredClone(this.options.initialState);
    const state =
      edit.op === 'reset'
        ? structuredClone(this.options.initialState)
        : edit.op === 'delete'
          ? deleteAtPath(base, edit.path)
          : setAtPath(base, edit.path, edit.value);
    return {
      id: sessionId,
      platform: stored?.platform ?? sessionId.slice(0, Math.max(0, sessionId.indexOf(':'))),
      state,
      // An edit is not the user's activity, so it does not renew the expiry of a live session.
      lastActivity: live ? live.lastActivity : now,
      version: (stored?.version ?? 0) + 1,
      eventIds: stored?.eventIds ?? [],
      // An edited state keeps the shape version it was read at, or a state migration would run on it again.
      ...(live?.stateVersion !== undefined && edit.op !== 'reset' ? { stateVersion: live.stateVersion } : {}),
    };
  }

  async #locked(sessionId: string, next: (stored: SessionRecord | undefined) => SessionRecord): Promise<SessionRecord> {
    const { store } = this.options;
    const ttlMs = this.options.expiresIn ? this.options.expiresIn * 60_000 : undefined;
    if (store.begin) {
      const transaction = await store.begin(sessionId, { timeoutMs: this.options.lockTimeoutMs ?? 10_000 });
      let record: SessionRecord;
      try {
        record = next(transaction.record);
        await transaction.commit(record, { ttlMs });
      } catch (error) {
        await transaction.release();
        throw error;
      }
      return record;
    }
    const stored = await store.read(sessionId);
    const record = next(stored);
    try {
      await store.write(record, { expectedVersion: stored?.version ?? 0, ttlMs });
    } catch (error) {
      if (error instanceof VersionConflictError) throw new StaleEditError(sessionId, stored?.version ?? 0, error.actualVersion);
      throw error;
    }
    return record;
  }
}
