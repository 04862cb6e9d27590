import { checkRecord, parseRecord, type SessionRecord, SessionStoreError, serializeRecord } from 'bottender/store';
import type { Filter, IndexDescription, UpdateFilter } from 'mongodb';

import { documentId, escapeSessionId } from './keys';

/**
 * What the driver keeps in MongoDB, and the conditional commands that read and change it. Each
 * command acts on one document, which MongoDB changes atomically: that is what lets one round trip
 * both check and act (take the lock and read; check the lock and the version, write and unlock).
 *
 * The record is kept as JSON text in `r` rather than as a BSON sub-document: state comes from
 * users and may hold keys BSON or MongoDB refuse or treat specially (NUL, a leading `$`, dots,
 * `__proto__`), and JSON text keeps every such key, and every string, exactly.
 */
export interface SessionDocument {
  _id: unknown;
  /** The escaped session id (see keys.ts); unique index `sid_1`. */
  sid: string;
  /** The version of the record in `r`; 0 while there is no record (a new session's first event holds the lock). */
  v: number;
  /** The record as JSON; absent until the first commit. */
  r?: string;
  /** When the record expires (`ttlMs` after its write); TTL index `expiresAt_1`. Absent: kept until deleted. */
  expiresAt?: Date | null;
  /** The random token of the event that holds the session, or null. */
  lock: string | null;
  /** When that hold ends unless renewed; the epoch when free. */
  lockUntil: Date;
}

/**
 * The indexes the sessions need: `sid_1` (unique; sparse, so Bottender 1.x's documents, which have
 * no `sid`, do not collide) and `expiresAt_1` (TTL: MongoDB deletes expired sessions). The store
 * also creates `id_1` (sparse: finds 1.x documents), accepting a 1.x deployment's own index on `id`.
 */
export function sessionIndexes(): IndexDescription[] {
  return [
    { key: { sid: 1 }, name: 'sid_1', unique: true, sparse: true },
    { key: { expiresAt: 1 }, name: 'expiresAt_1', expireAfterSeconds: 0 },
  ];
}

/** `lockUntil` of a free session. */
export const UNLOCKED = new Date(0);

/**
 * How long a document created only to hold a new session's lock (no record yet) lives if its event
 * never commits (the handler threw, the process died): the TTL index then removes it. Generous, so
 * that no real handler outlives it; reads and listings never show such a document anyway.
 */
export const PLACEHOLDER_TTL_MS = 60 * 60 * 1000;

/** The documents of session `sid` whose lock is free at `now` (or that never had one). */
export function lockFree(sid: string, now: number): Filter<SessionDocument> {
  return { sid, $or: [{ lockUntil: null as never }, { lockUntil: { $lte: new Date(now) } }] };
}

/**
 * Takes the lock for `token` until `until`. With `upsert`, also creates the document (with its
 * deterministic `_id`) when the session has none; when the session's document exists but its lock
 * is held, that insert collides on `_id` and the command fails with E11000: "busy".
 */
export function takeLock(sid: string, token: string, until: number): UpdateFilter<SessionDocument> {
  return {
    $set: { lock: token, lockUntil: new Date(until) },
    $setOnInsert: { _id: documentId(sid) as never, v: 0, expiresAt: new Date(until + PLACEHOLDER_TTL_MS) },
  };
}

/** Gives the lock up (only meaningful in a filter that names the token). */
export const RELEASE: UpdateFilter<SessionDocument> = { $set: { lock: null, lockUntil: UNLOCKED } };

/** Checks what the conditional updates rely on; returns the TTL in ms (0: keep forever). */
export function prepareWrite(record: SessionRecord, ttlMs: number | undefined): number {
  if (typeof record !== 'object' || record === null || typeof record.id !== 'string') {
    throw new TypeError('a session record needs a string id');
  }
  if (!Number.isSafeInteger(record.version) || record.version < 1) {
    throw new TypeError(`session ${JSON.stringify(record.id)}: version must be a positive integer, got ${String(record.version)}`);
  }
  checkRecord(record, record.id);
  if (ttlMs === undefined || ttlMs === 0) return 0;
  if (typeof ttlMs !== 'number' || !Number.isFinite(ttlMs) || ttlMs < 0) {
    throw new TypeError(`ttlMs must be a positive number of milliseconds, got ${String(ttlMs)}`);
  }
  return Math.ceil(ttlMs);
}

/**
 * Stores `record` as the document's record; `unlock` also gives the lock up (a commit). Without a
 * TTL the record is kept until deleted, so any previous expiry is removed.
 */
export function storeRecord(record: SessionRecord, ttlMs: number, now: number, unlock: boolean): UpdateFilter<SessionDocument> {
  const set: Partial<SessionDocument> = { v: record.version, r: serializeRecord(record) };
  if (unlock) Object.assign(set, { lock: null, lockUntil: UNLOCKED });
  if (ttlMs > 0) set.expiresAt = new Date(now + ttlMs);
  return ttlMs > 0 ? { $set: set } : { $set: set, $unset: { expiresAt: '' } };
}

/** The fields a document created by a plain `write` (no lock) starts with. */
export function insertedUnlocked(sid: string): UpdateFilter<SessionDocument>['$setOnInsert'] {
  return { _id: documentId(sid) as never, lock: null, lockUntil: UNLOCKED };
}

/** Documents of session `sid` whose record is absent or expired at `now`: version 0 for fencing. */
export function versionZero(sid: string, now: number): Filter<SessionDocument> {
  return { sid, $or: [{ v: 0 }, { expiresAt: { $lte: new Date(now) } }] };
}

/** Documents of session `sid` holding a live record at version `version`. */
export function liveAt(sid: string, version: number, now: number): Filter<SessionDocument> {
  return { sid, v: version, $or: [{ expiresAt: null }, { expiresAt: { $gt: new Date(now) } }] };
}

/** Live records only: what `list()` walks. */
export function liveRecords(now: number): Filter<SessionDocument> {
  return { sid: { $type: 'string' }, v: { $gt: 0 }, $or: [{ expiresAt: null }, { expiresAt: { $gt: new Date(now) } }] };
}

/** Whether a document's record has expired at `now`. */
export function isExpired(doc: Pick<SessionDocument, 'expiresAt'>, now: number): boolean {
  return doc.expiresAt instanceof Date && doc.expiresAt.getTime() <= now;
}

/**
 * The record a document holds for session `id` at `now`: undefined when there is none yet or it
 * expired. Anything that is not a well-formed record of this session is a SessionStoreError naming
 * it; it is never taken for an absent session.
 */
export function recordOf(doc: SessionDocument, id: string, now: number): SessionRecord | undefined {
  checkDocument(doc, id);
  if (doc.r === undefined || doc.r === null || isExpired(doc, now)) return undefined;
  return recordIn(doc, id);
}

/** The record in `doc.r`, checked against `doc.v`, whatever its expiry. */
export function recordIn(doc: SessionDocument, id: string): SessionRecord {
  checkDocument(doc, id);
  if (typeof doc.r !== 'string') throw notARecord(id, `its record field is ${describe(doc.r)}`, 'left untouched');
  const record = parseRecord(doc.r, id);
  if (record.version !== doc.v) {
    throw notARecord(id, `its version field ${doc.v} disagrees with the record's ${record.version}`, 'left untouched');
  }
  return record;
}

/** The version a write must name to replace what `doc` holds at `now` (0: nothing live). */
export function liveVersion(doc: SessionDocument | null | undefined, now: number): number {
  if (!doc || doc.r === undefined || doc.r === null || isExpired(doc, now)) return 0;
  return doc.v;
}

/** Refuses documents whose fields are not the driver's (another program's data, a bad migration). */
export function checkDocument(doc: SessionDocument, id: string): void {
  if (!Number.isSafeInteger(doc.v) || doc.v < 0) throw notARecord(id, `its version field is ${describe(doc.v)}`, 'left untouched');
  if (doc.v > 0 && (doc.r === undefined || doc.r === null)) throw notARecord(id, `version ${doc.v} without a record`, 'left untouched');
}

/** The record of a listed document, which must name its own session. */
export function recordAt(doc: SessionDocument): SessionRecord {
  let id: unknown;
  try {
    id = (JSON.parse(String(doc.r)) as { id?: unknown } | null)?.id;
  } catch (error) {
    throw new SessionStoreError(`stored data of document sid ${JSON.stringify(doc.sid)} is not valid JSON (corrupted record)`, undefined, {
      cause: error,
    });
  }
  if (typeof id !== 'string' || escapeSessionId(id) !== doc.sid) {
    throw new SessionStoreError(`stored data of document sid ${JSON.stringify(doc.sid)} is not a session record of that sid`);
  }
  return recordIn(doc, id);
}

export function notARecord(id: string, what: string, consequence: string): SessionStoreError {
  return new SessionStoreError(`stored data for session ${JSON.stringify(id)} is not a session record (${what}); ${consequence}`, id);
}

function describe(value: unknown): string {
  if (value === undefined) return 'missing';
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}...` : value);
  if (typeof value === 'object' && value !== null) return Array.isArray(value) ? 'an array' : 'an object';
  return String(value);
}
