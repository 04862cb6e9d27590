import { createHash } from 'node:crypto';

import { type HeldEvent, type JsonValue, SessionStoreError } from 'bottender/store';
import { type Collection, ObjectId } from 'mongodb';

import { escapeSessionId, isDuplicateKey } from './keys';

/**
 * Events acknowledged to their platform at a deadline, before their commit (issue 8's contract),
 * kept in `<collectionName>.held` until the commit, so that a crash after the acknowledgement does
 * not lose them: the next event of the session, or the next start, handles them.
 *
 * One document per (session, event id), with a deterministic `_id` so holding twice is one
 * document, on any server. The event itself is JSON text (`e`), for the same reasons as records.
 */
export interface HeldDocument {
  _id: ObjectId;
  /** The escaped session id. */
  sid: string;
  /** The escaped event id. */
  eid: string;
  heldAt: Date;
  /** The {@link HeldEvent} as JSON. */
  e: string;
}

/** The index `heldEvents` walks: a session's events, oldest first. */
export const HELD_INDEX = { key: { sid: 1, heldAt: 1 }, name: 'sid_1_heldAt_1' } as const;

/** The held-event methods of the store, over their collection. */
export class HeldEvents {
  constructor(
    private readonly held: Collection<HeldDocument>,
    private readonly fail: (error: unknown, id: string | undefined, what: string) => SessionStoreError,
  ) {}

  /** Keeps `event`; holding it again (same session and event id) changes nothing. One round trip. */
  async hold(event: HeldEvent): Promise<void> {
    checkHeldEvent(event);
    const sid = escapeSessionId(event.sessionId);
    const eid = escapeSessionId(event.eventId);
    const doc = { sid, eid, heldAt: new Date(event.heldAt), e: JSON.stringify(event) };
    try {
      await this.held.updateOne({ _id: heldId(sid, eid) }, { $setOnInsert: doc }, { upsert: true });
    } catch (error) {
      if (isDuplicateKey(error)) return; // held at the same moment by another call: it is there
      throw this.fail(error, event.sessionId, 'hold event');
    }
  }

  /** Held events of one session, or of all (grouped by session), oldest first within a session. */
  async *list(sessionId?: string): AsyncIterable<HeldEvent> {
    const filter = sessionId === undefined ? {} : { sid: escapeSessionId(sessionId) };
    const cursor = this.held.find(filter, { sort: { sid: 1, heldAt: 1, _id: 1 } });
    try {
      for (;;) {
        let doc: HeldDocument | null;
        try {
          doc = await cursor.next();
        } catch (error) {
          throw this.fail(error, sessionId, 'list held events');
        }
        if (!doc) return;
        yield parseHeld(doc);
      }
    } finally {
      await cursor.close().catch(() => {});
    }
  }

  /** Forgets the given events of a session; absent ones are not an error. One round trip. */
  async release(sessionId: string, eventIds: readonly string[]): Promise<void> {
    if (typeof sessionId !== 'string') throw new TypeError(`a session id must be a string, got ${typeof sessionId}`);
    if (!Array.isArray(eventIds) || !eventIds.every((e) => typeof e === 'string')) {
      throw new TypeError('eventIds must be a list of strings');
    }
    if (eventIds.length === 0) return;
    try {
      await this.held.deleteMany({ sid: escapeSessionId(sessionId), eid: { $in: eventIds.map(escapeSessionId) } });
    } catch (error) {
      throw this.fail(error, sessionId, 'release held events');
    }
  }
}

/** The `_id` of a held event: deterministic, so a repeated hold is one document. */
function heldId(sid: string, eid: string): ObjectId {
  return new ObjectId(createHash('sha256').update(`${sid}\n${eid}`).digest().subarray(0, 12));
}

function checkHeldEvent(event: HeldEvent): void {
  if (typeof event !== 'object' || event === null) throw new TypeError('a held event must be an object');
  for (const key of ['sessionId', 'platform', 'eventId'] as const) {
    if (typeof event[key] !== 'string') throw new TypeError(`a held event's ${key} must be a string, got ${typeof event[key]}`);
  }
  if (typeof event.heldAt !== 'number' || !Number.isFinite(event.heldAt)) {
    throw new TypeError(`a held event's heldAt must be epoch milliseconds, got ${String(event.heldAt)}`);
  }
}

function parseHeld(doc: HeldDocument): HeldEvent {
  let value: unknown;
  try {
    value = JSON.parse(doc.e);
  } catch {
    value = undefined;
  }
  const event = value as Partial<HeldEvent> | undefined;
  if (
    typeof event !== 'object' ||
    event === null ||
    typeof event.sessionId !== 'string' ||
    typeof event.eventId !== 'string' ||
    typeof event.platform !== 'string' ||
    typeof event.heldAt !== 'number' ||
    escapeSessionId(event.sessionId) !== doc.sid ||
    escapeSessionId(event.eventId) !== doc.eid
  ) {
    throw new SessionStoreError(`held event document ${String(doc._id)} is not a held event (corrupted)`);
  }
  return { ...event, rawEvent: (event.rawEvent ?? null) as JsonValue } as HeldEvent;
}
