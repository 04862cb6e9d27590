/**
 * The rules of a session, stated once: how its id is made, when a stored record is still alive,
 * and what the next record after a handled event looks like. The runtime and console mode both
 * use them, so `/state` shows exactly what the next event will see. See docs/promises.md.
 */
import type { AnyState, SessionRecord } from './types';

/** The session id of a conversation: `<platform>:<sessionKey>`, e.g. `line:U4af49...`. */
export function sessionIdOf(platform: string, sessionKey: string): string {
  return `${platform}:${sessionKey}`;
}

/** `expiresIn` (minutes, as in the config) as milliseconds; undefined keeps sessions forever. */
export function expiresInMs(expiresIn: number | undefined): number | undefined {
  return expiresIn ? expiresIn * 60_000 : undefined;
}

/**
 * Whether `record` is alive at `now`: expiry is inactivity (promise 6), counted from the last
 * handled event. An expired record is treated as absent and never brought back.
 */
export function isLive(record: SessionRecord | undefined, now: number, ttlMs: number | undefined): record is SessionRecord {
  return record !== undefined && (ttlMs === undefined || now - record.lastActivity < ttlMs);
}

/**
 * The record a handled event commits: its state, `lastActivity` now, the version after the one it
 * was based on (fencing, promise 5) and the event id appended to the bounded window (promise 4).
 * `base` is the stored record, live or not: the version always follows what is stored.
 */
export function nextRecord(
  base: SessionRecord | undefined,
  change: { id: string; platform: string; state: AnyState; now: number; eventId: string | undefined; eventIds?: readonly string[] },
  eventIdWindow: number,
): SessionRecord {
  return {
    id: change.id,
    platform: change.platform,
    state: change.state,
    lastActivity: change.now,
    version: (base?.version ?? 0) + 1,
    eventIds: appendBounded(change.eventIds ?? base?.eventIds ?? [], change.eventId, eventIdWindow),
  };
}

/** `ids` plus `id` (when given), keeping only the last `limit`. Never mutates `ids`. */
export function appendBounded(ids: readonly string[], id: string | undefined, limit: number): string[] {
  if (id === undefined) return ids.slice();
  const next = ids.length >= limit ? ids.slice(ids.length - limit + 1) : ids.slice();
  next.push(id);
  return next;
}
