import { parseRecord } from '../../session/record';
import { type SessionRecord, SessionStoreError } from '../../session/types';
import { sessionFileName } from './names';

/** The field the file driver adds to a stored record to keep its expiry (epoch milliseconds). */
export const EXPIRES_AT = 'expiresAt';

/** A record as the file holds it. */
export type StoredRecord = SessionRecord & { [EXPIRES_AT]?: unknown };

/** A parsed session file. */
export interface StoredEntry {
  record: SessionRecord;
  expiresAt: number | undefined;
}

/** Parses a stored file: the record, checked as every driver checks it, and its expiry. */
export function parseEntry(text: string, id: string): StoredEntry {
  const { [EXPIRES_AT]: expiresAt, ...record } = parseRecord(text, id) as StoredRecord;
  if (expiresAt !== undefined && (typeof expiresAt !== 'number' || !Number.isFinite(expiresAt))) {
    throw new SessionStoreError(
      `stored data for session ${JSON.stringify(id)} is not a session record: ${EXPIRES_AT} is not a number`,
      id,
    );
  }
  return { record, expiresAt };
}

/**
 * The id in a file whose name is hashed (the name alone does not give it back). The id must map
 * to this very name; otherwise the file is reported, since it sits where a session should be.
 */
export function idFromHashedFile(name: string, text: string): string | undefined {
  if (!name.includes('~')) return undefined; // a name no id maps to: a foreign file, skipped
  let id: unknown;
  try {
    id = (JSON.parse(text) as { id?: unknown } | null)?.id;
  } catch {
    // reported below
  }
  if (typeof id === 'string' && sessionFileName(id) === name) return id;
  throw new SessionStoreError(`session file ${JSON.stringify(name)} does not hold a session record (corrupted record)`);
}
