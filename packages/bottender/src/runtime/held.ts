/**
 * Held events: events acknowledged at their platform's deadline before their commit, kept in the
 * store so that a crash after the acknowledgement does not lose them (docs/promises.md,
 * "Deadlines"). This module finds them again and runs them: at start for every session, and
 * before the next event of a session this process knows has some.
 */
import { ACKNOWLEDGED_OUTCOMES } from '../connector/types';
import type { HeldEvent, HeldEventStore, SessionStore } from '../session/types';
import type { AnyConnector, Pipeline } from './pipeline';

/** Whether `store` can hold events (implements {@link HeldEventStore}). */
export function isHeldEventStore(store: SessionStore): store is SessionStore & HeldEventStore {
  const s = store as Partial<HeldEventStore>;
  return typeof s.holdEvent === 'function' && typeof s.heldEvents === 'function' && typeof s.releaseHeldEvents === 'function';
}

/**
 * Runs the held events of session `id`, oldest first, ahead of every event queued behind (the
 * job goes first in the session's lane). A held event found committed is only forgotten (the
 * pipeline sees its id and answers `duplicate`). One that cannot be run now stays held.
 */
export function recoverSession(pipeline: Pipeline, connector: AnyConnector, id: string): Promise<void> {
  const store = pipeline.store as SessionStore & HeldEventStore;
  const logger = pipeline.settings.logger;
  return pipeline.track(new Promise<void>((resolve) => {
    pipeline.lanes.enterFirst(id, {
      start: () => {
        void (async () => {
          try {
            for (const held of await collect(store.heldEvents(id))) {
              if (!(await runHeld(pipeline, connector, held))) {
                pipeline.pendingHeld.add(id);
                break;
              }
            }
          } catch (error) {
            pipeline.pendingHeld.add(id);
            logger.error(`session ${JSON.stringify(id)}: held events could not be read (store: ${store.name})`, error);
          } finally {
            pipeline.lanes.leave(id);
            resolve();
          }
        })();
      },
    });
  }));
}

/** Runs one held event in the lane its recovery job holds. False when it has to stay held. */
async function runHeld(pipeline: Pipeline, connector: AnyConnector, held: HeldEvent): Promise<boolean> {
  const store = pipeline.store as SessionStore & HeldEventStore;
  const logger = pipeline.settings.logger;
  const where = `session ${JSON.stringify(held.sessionId)}, held event ${JSON.stringify(held.eventId)}`;
  if (typeof connector.restoreEvent !== 'function') {
    logger.error(`${where}: the ${connector.platform} connector has no restoreEvent(), so it stays held`);
    return false;
  }
  let event;
  try {
    event = connector.restoreEvent(held.rawEvent);
  } catch (error) {
    logger.error(`${where}: the ${connector.platform} connector could not restore it; it stays held`, error);
    return false;
  }
  const result = await pipeline.deliver(connector, event, undefined, held.sessionId);
  if (!ACKNOWLEDGED_OUTCOMES.has(result.outcome)) return false;
  await store.releaseHeldEvents(held.sessionId, [held.eventId]);
  if (result.outcome !== 'duplicate') logger.info(`${where}: handled after its deadline acknowledgement (${result.outcome})`);
  return true;
}

/**
 * Finds every held event in the store and runs each session's (in the background; the pipeline
 * counts them in flight, so a drain waits for them). Sessions of a platform that no connector
 * given here serves stay held, with a log line. Resolves with the number of sessions started.
 */
export async function recoverHeldEvents(pipeline: Pipeline, connectors: readonly AnyConnector[]): Promise<number> {
  const store = pipeline.store;
  if (!isHeldEventStore(store)) return 0;
  const byPlatform = new Map(connectors.map((c) => [c.platform, c]));
  const sessions = new Map<string, string>();
  for await (const held of store.heldEvents()) sessions.set(held.sessionId, held.platform);
  let started = 0;
  for (const [id, platform] of sessions) {
    const connector = byPlatform.get(platform);
    if (connector === undefined) {
      pipeline.settings.logger.warn(
        `session ${JSON.stringify(id)} has held events of platform ${JSON.stringify(platform)}, which no enabled channel serves; they stay held`,
      );
      continue;
    }
    void recoverSession(pipeline, connector, id);
    started++;
  }
  return started;
}

async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
}
