import { SessionRecord, SessionStoreError } from './types';

/** How many committed event ids a record remembers for de-duplication, unless configured. */
export const DEFAULT_EVENT_ID_WINDOW = 64;

/** Serializes a record for stores that keep text. */
export function serializeRecord(record: SessionRecord): string {
  return JSON.stringify(record);
}

/**
 * Parses and checks stored text. Anything that is not a well-formed record is reported as a
 * {@link SessionStoreError} naming the session: a corrupted record must never be mistaken for an
 * absent one, or the next write would silently replace the user's state.
 */
export function parseRecord(text: string, id: string): SessionRecord {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new SessionStoreError(
      `stored data for session ${JSON.stringify(id)} is not valid JSON (corrupted record)`,
      id,
      { cause: error },
    );
  }
  return checkRecord(value, id);
}

/** Checks that a stored value has the shape of a session record; see {@link parseRecord}. */
export function checkRecord(value: unknown, id: string): SessionRecord {
  const problem = describeProblem(value, id);
  if (problem) {
    throw new SessionStoreError(
      `stored data for session ${JSON.stringify(id)} is not a session record: ${problem}`,
      id,
    );
  }
  return value as SessionRecord;
}

function describeProblem(value: unknown, id: string): string | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return 'expected an object';
  const r = value as Record<string, unknown>;
  if (r.id !== id) return `id is ${JSON.stringify(r.id)}`;
  if (typeof r.platform !== 'string') return 'platform is not a string';
  if (typeof r.state !== 'object' || r.state === null || Array.isArray(r.state)) return 'state is not an object';
  if (typeof r.lastActivity !== 'number' || !Number.isFinite(r.lastActivity)) return 'lastActivity is not a number';
  if (!Number.isSafeInteger(r.version) || (r.version as number) < 0) return 'version is not a non-negative integer';
  if (!Array.isArray(r.eventIds) || !r.eventIds.every((e) => typeof e === 'string')) {
    return 'eventIds is not a list of strings';
  }
  return undefined;
}

/** The platform part of a session id (`line` for `line:U123`). */
export function platformOf(sessionId: string): string {
  const colon = sessionId.indexOf(':');
  return colon === -1 ? sessionId : sessionId.slice(0, colon);
}
