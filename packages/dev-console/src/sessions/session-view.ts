import type { SessionRecord } from 'bottender';

import type { SourceSelection } from '../platforms/types';
import { diffState, type StateChange } from './state-diff';

/** The platform and source the page used for a session, and the name shown for it. */
export interface SessionOrigin {
  platform: string;
  source: SourceSelection;
  label: string;
}

/** A session as the page shows it. */
export interface SessionView {
  id: string;
  /** A name for the id, e.g. `alice` or `group team`, when the dev console made it. */
  label?: string;
  /** Who the page chatted as in this session, when it did. */
  origin?: SessionOrigin;
  /** False when no record is stored or it expired: the next event starts from initialState. */
  live: boolean;
  /** The stored record's version (0 when none is stored). */
  version: number;
  /** The state the next event will see. */
  state: Record<string, unknown>;
  lastActivity?: number;
  /** Epoch ms at which the session expires without another event; undefined when it never does. */
  expiresAt?: number;
  eventIds: string[];
  /** What changed since the page last heard of this session. */
  changes: StateChange[];
}

/**
 * Remembers the last state shown of recent sessions, so each new view can say what changed. At
 * most `limit` sessions are remembered; an unremembered session shows no changes.
 */
export class SessionViews {
  readonly #seen = new Map<string, { version: number; state: Record<string, unknown> }>();

  constructor(
    private readonly options: { initialState: Record<string, unknown>; expiresIn?: number; labels: Map<string, SessionOrigin>; now?: () => number },
    private readonly limit = 1000,
  ) {}

  /** The view of `record` (read just now) for `id`, with the changes since the last view. */
  view(id: string, record: SessionRecord | undefined): SessionView {
    const now = (this.options.now ?? Date.now)();
    const expiresInMs = this.options.expiresIn ? this.options.expiresIn * 60_000 : undefined;
    const live = record !== undefined && (expiresInMs === undefined || now - record.lastActivity < expiresInMs);
    const state = live ? record.state : structuredClone(this.options.initialState);
    const seen = this.#seen.get(id);
    const version = record?.version ?? 0;
    // Views may be read out of order under concurrency: never report an older one as a change.
    const changes = seen && version >= seen.version ? diffState(seen.state, state) : [];
    if (!seen || version >= seen.version) {
      this.#seen.delete(id);
      this.#seen.set(id, { version, state });
      if (this.#seen.size > this.limit) this.#seen.delete(this.#seen.keys().next().value!);
    }
    return {
      id,
      label: this.options.labels.get(id)?.label,
      origin: this.options.labels.get(id),
      live,
      version,
      state,
      lastActivity: record?.lastActivity,
      expiresAt: live && expiresInMs !== undefined ? record.lastActivity + expiresInMs : undefined,
      eventIds: record?.eventIds ?? [],
      changes,
    };
  }
}
