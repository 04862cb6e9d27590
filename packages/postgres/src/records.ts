/**
 * Session records to statement parameters and back. Damaged rows are errors naming the session,
 * never absent sessions (an absent session would let the next event overwrite the stored state).
 */
import { checkRecord, type HeldEvent, type JsonValue, type SessionRecord, SessionStoreError } from 'bottender/store';

import { escapeId, needsPlainJson, unescapeId } from './schema';

/** The columns of a session row as `pg` returns them (see RECORD_COLUMNS in statements.ts). */
export interface SessionRow {
  platform: string;
  state: string | null;
  version: string | number;
  last_activity: number | null;
  event_ids: (string | null)[] | null;
  live: boolean;
  /** NULL for records written without a state version (version 1). */
  state_version?: number | null;
}

/**
 * The record of a row, or undefined when the row holds no live session (a placeholder, or expired:
 * `expiresIn` is enforced here, on every read, whether or not the sweep has run).
 */
export function rowToRecord(row: SessionRow, id: string): SessionRecord | undefined {
  if (!row.live) return undefined;
  if (row.state === null) throw damaged(id, 'it has a version but no state');
  let state: unknown;
  try {
    state = JSON.parse(row.state);
  } catch (error) {
    throw new SessionStoreError(`stored data for session ${JSON.stringify(id)} is not valid JSON (corrupted record)`, id, { cause: error });
  }
  const eventIds = row.event_ids;
  if (!Array.isArray(eventIds) || eventIds.some((e) => typeof e !== 'string')) throw damaged(id, 'its event_ids hold a NULL');
  return checkRecord(
    {
      id,
      platform: unescapeId(row.platform),
      state,
      lastActivity: row.last_activity,
      version: Number(row.version),
      eventIds: (eventIds as string[]).map(unescapeId),
      ...(row.state_version == null ? {} : { stateVersion: row.state_version }),
    },
    id,
  );
}

/**
 * The parameters of a write ($n.. in statements.ts's `written` order), after checking what the
 * statements rely on. A bad record or TTL is a TypeError, raised before anything is sent.
 */
export function writeValues(record: SessionRecord, ttlMs: number | undefined): unknown[] {
  if (typeof record !== 'object' || record === null || typeof record.id !== 'string') {
    throw new TypeError('a session record needs a string id');
  }
  const what = `session ${JSON.stringify(record.id)}`;
  // Version 0 is what a session without a record has: a record always has 1 or more.
  if (!Number.isSafeInteger(record.version) || record.version < 1) {
    throw new TypeError(`${what}: version must be a positive integer, got ${String(record.version)}`);
  }
  if (typeof record.platform !== 'string') throw new TypeError(`${what}: platform must be a string`);
  if (typeof record.state !== 'object' || record.state === null || Array.isArray(record.state)) {
    throw new TypeError(`${what}: state must be an object`);
  }
  // timestamptz covers 4713 BC to 294276 AD; Date.now() is always inside.
  if (typeof record.lastActivity !== 'number' || !Number.isFinite(record.lastActivity) || Math.abs(record.lastActivity) > 8.64e15) {
    throw new TypeError(`${what}: lastActivity must be epoch milliseconds, got ${String(record.lastActivity)}`);
  }
  if (!Array.isArray(record.eventIds) || !record.eventIds.every((e) => typeof e === 'string')) {
    throw new TypeError(`${what}: eventIds must be a list of strings`);
  }
  if (record.stateVersion !== undefined && !(Number.isSafeInteger(record.stateVersion) && record.stateVersion >= 1 && record.stateVersion <= 2 ** 31 - 1)) {
    throw new TypeError(`${what}: stateVersion must be a positive integer, got ${String(record.stateVersion)}`);
  }
  let ttl: number | null = null;
  if (ttlMs !== undefined && ttlMs !== 0) {
    if (typeof ttlMs !== 'number' || !Number.isFinite(ttlMs) || ttlMs < 0) {
      throw new TypeError(`ttlMs must be a positive number of milliseconds, got ${String(ttlMs)}`);
    }
    ttl = ttlMs;
  }
  const json = JSON.stringify(record.state);
  const plain = needsPlainJson(json);
  return [
    escapeId(record.platform),
    plain ? null : json,
    plain ? json : null,
    record.version,
    record.lastActivity,
    record.eventIds.map(escapeId),
    ttl,
    record.stateVersion ?? null,
  ];
}

/** A held event's row (see statements.ts). */
export interface HeldRow {
  session_id: string;
  event_id: string;
  platform: string;
  raw_event: string;
  held_at: number;
}

/** The parameters of `hold`, checked. */
export function holdValues(event: HeldEvent): unknown[] {
  if (typeof event !== 'object' || event === null) throw new TypeError('a held event must be an object');
  for (const key of ['sessionId', 'platform', 'eventId'] as const) {
    if (typeof event[key] !== 'string') throw new TypeError(`a held event's ${key} must be a string`);
  }
  if (typeof event.heldAt !== 'number' || !Number.isFinite(event.heldAt)) throw new TypeError("a held event's heldAt must be epoch milliseconds");
  const raw = JSON.stringify(event.rawEvent);
  if (raw === undefined) throw new TypeError("a held event's rawEvent must be JSON");
  return [escapeId(event.sessionId), escapeId(event.eventId), escapeId(event.platform), raw, event.heldAt];
}

/** The held event of a row; its rawEvent is parsed afresh, so callers own it. */
export function rowToHeld(row: HeldRow): HeldEvent {
  const sessionId = unescapeId(row.session_id);
  let rawEvent: JsonValue;
  try {
    rawEvent = JSON.parse(row.raw_event) as JsonValue;
  } catch (error) {
    throw new SessionStoreError(`a held event of session ${JSON.stringify(sessionId)} is not valid JSON`, sessionId, { cause: error });
  }
  return { sessionId, eventId: unescapeId(row.event_id), platform: unescapeId(row.platform), rawEvent, heldAt: row.held_at };
}

function damaged(id: string, what: string): SessionStoreError {
  return new SessionStoreError(`stored data for session ${JSON.stringify(id)} is not a session record (${what})`, id);
}
