import { platformOf } from './record';
import type { SessionRecord } from './types';

/**
 * What this version carries over of a session Bottender 1.x wrote: its state, and when it was
 * last active (1.x's Bot stamped `lastActivity` on every write; expiry keeps counting from it).
 */
export interface OneXSessionParts {
  state: Record<string, unknown>;
  lastActivity: number | undefined;
}

/**
 * Reads Bottender 1.x's session object, the one shape every 1.x store held
 * (`{ id, platform, _state, lastActivity, user?, ... }`, JSON; BSON in MongoDB). A missing
 * `_state` is an empty state. Undefined when `value` is not such an object (not an object, or a
 * `_state` that is not one): that is damage, which each driver reports naming where it found it,
 * and never a session to start over from.
 */
export function readOneXSession(value: unknown): OneXSessionParts | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const { _state: state = {}, lastActivity } = value as { _state?: unknown; lastActivity?: unknown };
  if (typeof state !== 'object' || state === null || Array.isArray(state)) return undefined;
  const at = lastActivity instanceof Date ? lastActivity.getTime() : lastActivity;
  return { state: state as Record<string, unknown>, lastActivity: typeof at === 'number' && Number.isFinite(at) ? at : undefined };
}

/**
 * A carried-over 1.x session as this version's record: version 0, so the first commit writes it
 * as if the session were new (fenced against a concurrent one), with no event ids yet. Without a
 * `lastActivity` of 1.x's, it counts as active now rather than expired.
 */
export function oneXSessionRecord(id: string, parts: OneXSessionParts): SessionRecord {
  return { id, platform: platformOf(id), state: parts.state, lastActivity: parts.lastActivity ?? Date.now(), version: 0, eventIds: [] };
}
