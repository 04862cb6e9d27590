import { platformOf, type SessionRecord, SessionStoreError } from 'bottender/store';
import type { Filter } from 'mongodb';

/**
 * Sessions Bottender 1.x wrote. Its MongoSessionStore (1.5.5) keeps one document per session in
 * the same collection (`sessions` by default), found by an unindexed `id` field, written as
 * `updateOne({ id }, { $set: session }, { upsert: true })`:
 *
 *     { _id: ObjectId, id: 'line:U4af...', platform: 'line', _state: { ... },
 *       lastActivity: 1712345678901, user: { ... } }
 *
 * It reads them with `findOne({ id })` and treats one as expired when `lastActivity` is older
 * than `expiresIn` minutes. This driver's documents have `sid` instead of `id`, so the two kinds
 * never match each other's filters. A 1.x session is read as a version-0 record (the user keeps
 * the state they had; `lastActivity` still counts for expiry); its first commit creates this
 * driver's document, and the 1.x document is then deleted.
 */
export interface OneXDocument {
  _id: unknown;
  id: string;
  _state?: unknown;
  lastActivity?: unknown;
}

/** 1.x documents of session `id` (never this driver's, which have `sid`). */
export function oneXFilter(id: string): Filter<OneXDocument> {
  return { id, sid: { $exists: false } } as Filter<OneXDocument>;
}

/** Every 1.x document. */
export const ANY_ONE_X: Filter<OneXDocument> = { id: { $type: 'string' }, sid: { $exists: false } } as Filter<OneXDocument>;

/**
 * Whether session `id` can have a 1.x document: BSON stores strings as UTF-8, so 1.x could not
 * have stored an id with a lone surrogate as it is, and querying one would match another id.
 */
export function canHaveOneXDocument(id: string): boolean {
  return !LONE_SURROGATE.test(id);
}

const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/**
 * A 1.x document read as a record at version 0. Values only BSON has (dates, ObjectIds) become
 * what JSON makes of them, as they would have on their way through any other store. A `_state`
 * that is not an object is damage, not a session, and is reported.
 */
export function fromOneX(doc: OneXDocument, id: string): SessionRecord {
  const state = doc._state ?? {};
  if (typeof state !== 'object' || state === null || Array.isArray(state)) {
    throw new SessionStoreError(
      `stored data for session ${JSON.stringify(id)} is a Bottender 1.x session whose _state is not an object; ` +
        'it is left untouched: delete it to start this session over',
      id,
    );
  }
  const lastActivity = doc.lastActivity instanceof Date ? doc.lastActivity.getTime() : doc.lastActivity;
  return {
    id,
    platform: platformOf(id),
    state: JSON.parse(JSON.stringify(state)) as Record<string, unknown>,
    lastActivity: typeof lastActivity === 'number' && Number.isFinite(lastActivity) ? lastActivity : Date.now(),
    version: 0,
    eventIds: [],
  };
}
