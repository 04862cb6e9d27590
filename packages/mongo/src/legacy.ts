import { type Logger, oneXSessionRecord, readOneXSession, type SessionRecord, SessionStoreError } from 'bottender/store';
import type { Collection, Filter } from 'mongodb';

import { liveRecords, type SessionDocument } from './documents';
import { escapeSessionId } from './keys';

/** 1.x documents checked per query against this driver's records while listing. */
const LIST_BATCH = 100;

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
  const parts = readOneXSession(doc);
  if (parts === undefined) {
    throw new SessionStoreError(
      `stored data for session ${JSON.stringify(id)} is a Bottender 1.x session whose _state is not an object; ` +
        'it is left untouched: delete it to start this session over',
      id,
    );
  }
  return oneXSessionRecord(id, { ...parts, state: JSON.parse(JSON.stringify(parts.state)) as Record<string, unknown> });
}

/**
 * The store's view of the 1.x documents in its collection: whether there were any at start (only
 * then is anything looked up), and finding, listing and forgetting them.
 */
export class OneXSessions {
  #present = false;

  constructor(
    private readonly sessions: Collection<SessionDocument>,
    private readonly fail: (error: unknown, id: string | undefined, what: string) => SessionStoreError,
    private readonly logger: Logger,
  ) {}

  /** Whether 1.x documents were found at start. */
  get present(): boolean {
    return this.#present;
  }

  /** Looks once, at start, whether the collection holds any 1.x document (through the sparse `id_1` index). */
  async detect(): Promise<void> {
    this.#present = (await this.sessions.findOne(ANY_ONE_X as never, { projection: { _id: 1 } })) !== null;
  }

  /** Whether session `id` may have a 1.x document worth looking up. */
  applies(id: string): boolean {
    return this.#present && canHaveOneXDocument(id);
  }

  /** The 1.x document of session `id`, or null (one round trip). */
  async find(id: string): Promise<OneXDocument | null> {
    try {
      return await this.sessions.findOne<OneXDocument>(oneXFilter(id) as never);
    } catch (error) {
      throw this.fail(error, id, 'read (Bottender 1.x session)');
    }
  }

  /** Deletes the 1.x document of a session carried over. A failure only leaves a document no longer read. */
  async forget(id: string, oneXId?: unknown): Promise<void> {
    if (!this.applies(id)) return;
    try {
      const filter = oneXId === undefined ? oneXFilter(id) : { ...oneXFilter(id), _id: oneXId };
      await this.sessions.deleteMany(filter as never);
    } catch (error) {
      this.logger.warn(
        `mongo session store: session ${JSON.stringify(id)} was carried over from Bottender 1.x, but its old document ` +
          `could not be deleted (${(error as Error)?.message ?? String(error)}); it is no longer read`,
      );
    }
  }

  /** The 1.x sessions that have no live record of this driver (checked in batches). */
  async *list(): AsyncIterable<SessionRecord> {
    if (!this.#present) return;
    const cursor = this.sessions.find<OneXDocument>(ANY_ONE_X as never);
    try {
      for (let done = false; !done; ) {
        const batch: OneXDocument[] = [];
        while (batch.length < LIST_BATCH) {
          let doc: OneXDocument | null;
          try {
            doc = await cursor.next();
          } catch (error) {
            throw this.fail(error, undefined, 'list');
          }
          if (!doc) {
            done = true;
            break;
          }
          if (canHaveOneXDocument(doc.id)) batch.push(doc);
        }
        if (batch.length === 0) break;
        let carried: Set<string>;
        try {
          const sids = batch.map((doc) => escapeSessionId(doc.id));
          const ours = await this.sessions.find({ ...liveRecords(Date.now()), sid: { $in: sids } }, { projection: { sid: 1 } }).toArray();
          carried = new Set(ours.map((doc) => doc.sid));
        } catch (error) {
          throw this.fail(error, undefined, 'list');
        }
        for (const doc of batch) if (!carried.has(escapeSessionId(doc.id))) yield fromOneX(doc, doc.id);
      }
    } finally {
      await cursor.close().catch(() => {});
    }
  }
}
