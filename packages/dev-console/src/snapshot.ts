import { readFile, rm, writeFile } from 'node:fs/promises';

import { checkRecord, type Logger, type SessionRecord, type SessionStore } from 'bottender';

import type { LogEntry } from './log/event-log';
import type { SessionOrigin } from './sessions/session-view';

/** What one bot process hands to the next under `bottender dev`. */
export interface Snapshot {
  log: LogEntry[];
  labels: [string, SessionOrigin][];
  /** Sessions of the memory driver, which would otherwise be gone with the process. */
  sessions: SessionRecord[];
}

/** At most this many log entries and memory sessions cross a reload. */
const MAX_LOG = 300;
const MAX_SESSIONS = 10_000;

/**
 * Writes the page's log, the session labels and, for the memory driver only, its sessions. Other
 * drivers keep their sessions themselves. Failures are logged, never thrown: a reload must go on.
 */
export async function saveSnapshot(
  file: string,
  what: { store: SessionStore; log: LogEntry[]; labels: Map<string, SessionOrigin> },
  logger: Logger,
): Promise<void> {
  try {
    const sessions: SessionRecord[] = [];
    if (what.store.name === 'memory') {
      for await (const record of what.store.list()) {
        sessions.push(record);
        if (sessions.length >= MAX_SESSIONS) break;
      }
    }
    const snapshot: Snapshot = { log: what.log.slice(-MAX_LOG), labels: [...what.labels], sessions };
    await writeFile(file, JSON.stringify(snapshot), { mode: 0o600 });
  } catch (error) {
    logger.warn(`dev console: could not keep the log and sessions for the next reload: ${(error as Error)?.message ?? error}`);
  }
}

/**
 * Reads and removes the snapshot the previous bot process wrote, putting memory sessions back
 * (each only when the store has none under its id). Removed at once, so a process that dies
 * without writing one never brings back older sessions. Undefined when there is none.
 */
export async function loadSnapshot(file: string, store: SessionStore, logger: Logger): Promise<Snapshot | undefined> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    return undefined;
  }
  await rm(file, { force: true });
  try {
    const snapshot = JSON.parse(text) as Snapshot;
    if (store.name === 'memory') {
      for (const value of snapshot.sessions ?? []) {
        const record = checkRecord(value, (value as SessionRecord)?.id);
        if ((await store.read(record.id)) === undefined) await store.write(record, { expectedVersion: 0 });
      }
    }
    return { log: Array.isArray(snapshot.log) ? snapshot.log : [], labels: Array.isArray(snapshot.labels) ? snapshot.labels : [], sessions: [] };
  } catch (error) {
    logger.warn(`dev console: the snapshot of the previous reload could not be read: ${(error as Error)?.message ?? error}`);
    return undefined;
  }
}
