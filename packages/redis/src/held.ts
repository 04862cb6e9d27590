import { type HeldEvent, SessionStoreError } from 'bottender/store';
import { Cluster, type Redis } from 'ioredis';

import { heldKey, heldPattern } from './keys';

/** Keys asked for per SCAN step, and fetched per pipelined batch. */
const SCAN_COUNT = 200;

/** What the held events need from their store. */
export interface HeldContext {
  client: Redis | Cluster;
  keyPrefix: string;
  /** Turns a client error into a SessionStoreError naming the session. */
  fail(error: unknown, id: string | undefined, what: string): SessionStoreError;
}

/**
 * Events acknowledged to their platform at a deadline before their commit (bottender/store's
 * `HeldEventStore`), kept per session in one hash beside the record. None of this is on the
 * path of an ordinary event: the runtime holds an event only when its deadline passes, and
 * releases only events it held, so an event still costs two round trips.
 */
export class HeldEvents {
  constructor(private readonly context: HeldContext) {}

  /** One HSETNX: holding the same (session, event id) again keeps the first. */
  async hold(event: HeldEvent): Promise<void> {
    checkHeld(event);
    try {
      await this.context.client.hsetnx(heldKey(this.context.keyPrefix, event.sessionId), event.eventId, JSON.stringify(event));
    } catch (error) {
      throw this.context.fail(error, event.sessionId, `hold event ${JSON.stringify(event.eventId)}`);
    }
  }

  /** The held events of one session (one HGETALL), or of every session (SCAN on every master). */
  async *list(sessionId?: string): AsyncIterable<HeldEvent> {
    if (sessionId !== undefined) {
      if (typeof sessionId !== 'string') throw new TypeError(`a session id must be a string, got ${typeof sessionId}`);
      const key = heldKey(this.context.keyPrefix, sessionId);
      let fields: Record<string, string>;
      try {
        fields = await this.context.client.hgetall(key);
      } catch (error) {
        throw this.context.fail(error, sessionId, 'read held events');
      }
      yield* oldestFirst(parseAll(key, fields, sessionId));
      return;
    }
    const { client } = this.context;
    const nodes = client instanceof Cluster ? client.nodes('master') : [client];
    const pattern = heldPattern(this.context.keyPrefix);
    const seen = new Set<string>(); // SCAN may return a key more than once.
    for (const node of nodes) {
      let cursor = '0';
      do {
        let keys: string[];
        let replies: [Error | null, unknown][];
        try {
          [cursor, keys] = await node.scan(cursor, 'MATCH', pattern, 'COUNT', SCAN_COUNT);
          keys = keys.filter((key) => !seen.has(key));
          const batch = node.pipeline();
          for (const key of keys) batch.hgetall(key);
          replies = keys.length === 0 ? [] : ((await batch.exec()) ?? []);
        } catch (error) {
          throw this.context.fail(error, undefined, 'list held events');
        }
        for (let i = 0; i < keys.length; i++) {
          seen.add(keys[i]);
          const [error, fields] = replies[i] ?? [new Error('no reply'), undefined];
          if (error) throw this.context.fail(error, undefined, `list held events (key ${JSON.stringify(keys[i])})`);
          yield* oldestFirst(parseAll(keys[i], fields as Record<string, string>));
        }
      } while (cursor !== '0');
    }
  }

  /** One HDEL; ids that are not held are not an error. */
  async release(sessionId: string, eventIds: readonly string[]): Promise<void> {
    if (typeof sessionId !== 'string') throw new TypeError(`a session id must be a string, got ${typeof sessionId}`);
    if (!Array.isArray(eventIds) || eventIds.some((id) => typeof id !== 'string')) {
      throw new TypeError('eventIds must be a list of strings');
    }
    if (eventIds.length === 0) return;
    try {
      await this.context.client.hdel(heldKey(this.context.keyPrefix, sessionId), ...eventIds);
    } catch (error) {
      throw this.context.fail(error, sessionId, 'release held events');
    }
  }
}

function checkHeld(event: HeldEvent): void {
  if (typeof event !== 'object' || event === null) throw new TypeError('a held event must be an object');
  for (const key of ['sessionId', 'platform', 'eventId'] as const) {
    if (typeof event[key] !== 'string') throw new TypeError(`a held event needs a string ${key}, got ${typeof event[key]}`);
  }
  if (!Number.isFinite(event.heldAt)) throw new TypeError(`a held event needs heldAt in epoch ms, got ${String(event.heldAt)}`);
}

/** The events of one held-events hash; damaged data is an error, never skipped. */
function parseAll(key: string, fields: Record<string, string>, sessionId?: string): HeldEvent[] {
  return Object.entries(fields).map(([eventId, text]) => {
    let event: HeldEvent;
    try {
      event = JSON.parse(text) as HeldEvent;
    } catch (error) {
      throw new SessionStoreError(`held event ${JSON.stringify(eventId)} at key ${JSON.stringify(key)} is not valid JSON`, sessionId, { cause: error });
    }
    if (typeof event !== 'object' || event === null || event.eventId !== eventId || (sessionId !== undefined && event.sessionId !== sessionId)) {
      throw new SessionStoreError(`held event ${JSON.stringify(eventId)} at key ${JSON.stringify(key)} is not a held event of that key`, sessionId);
    }
    return event;
  });
}

function oldestFirst(events: HeldEvent[]): HeldEvent[] {
  return events.sort((a, b) => a.heldAt - b.heldAt || (a.eventId < b.eventId ? -1 : a.eventId > b.eventId ? 1 : 0));
}
