import { readdir, readFile, unlink } from 'node:fs/promises';
import path from 'node:path';

import type { KeyedQueue } from '../../runtime/keyed-queue';
import { type HeldEvent, SessionStoreError } from '../../session/types';
import { activeTempFiles, writeFileAtomic } from './atomic';
import { isSessionFileName, SESSION_FILE_PREFIX, sessionFileName, TEMP_FILE_SUFFIX } from './names';

/** The folder, inside the session folder, where held events are kept. */
export const HELD_FOLDER = 'held';

/**
 * The file driver's held events (see `HeldEventStore`): one JSON file per session in the `held`
 * folder, named as the session's own file is, holding its held events oldest first. Every change
 * is an atomic replace of that file (temporary file, fsync, rename), serialized per file within
 * the process, so a crash leaves the events held before or after a change, never a torn list.
 */
export class HeldEventFiles {
  readonly folder: string;

  constructor(
    dirname: string,
    private readonly queue: KeyedQueue,
  ) {
    this.folder = path.join(dirname, HELD_FOLDER);
  }

  async hold(event: HeldEvent): Promise<void> {
    checkHeldEvent(event);
    await this.#change(event.sessionId, (events) =>
      events.some((e) => e.eventId === event.eventId) ? undefined : [...events, event],
    );
  }

  async release(sessionId: string, eventIds: readonly string[]): Promise<void> {
    await this.#change(sessionId, (events) => {
      const kept = events.filter((e) => !eventIds.includes(e.eventId));
      return kept.length === events.length ? undefined : kept;
    });
  }

  async *list(sessionId?: string): AsyncIterable<HeldEvent> {
    const names = sessionId === undefined ? await this.#names() : [sessionFileName(sessionId)];
    for (const name of names) yield* await this.#read(path.join(this.folder, name), sessionId);
  }

  /** Removes temporary files of changes that never finished (a crash). Returns how many. */
  async sweepTempFiles(): Promise<number> {
    let removed = 0;
    for (const name of await this.#allNames()) {
      const file = path.join(this.folder, name);
      if (!name.startsWith(SESSION_FILE_PREFIX) || !name.endsWith(TEMP_FILE_SUFFIX) || activeTempFiles.has(file)) continue;
      await unlink(file).then(
        () => removed++,
        () => {},
      );
    }
    return removed;
  }

  /** Replaces session `id`'s list with `change(list)`; undefined means no change, [] removes the file. */
  async #change(id: string, change: (events: HeldEvent[]) => HeldEvent[] | undefined): Promise<void> {
    const name = sessionFileName(id);
    const file = path.join(this.folder, name);
    await this.queue.run(file, async () => {
      const next = change(await this.#read(file, id));
      if (next === undefined) return;
      try {
        if (next.length === 0) await unlink(file).catch((error: NodeJS.ErrnoException) => {
          if (error.code !== 'ENOENT') throw error;
        });
        else await writeFileAtomic(this.folder, name, JSON.stringify(next));
      } catch (error) {
        throw new SessionStoreError(`held events of session ${JSON.stringify(id)} could not be written: ${(error as Error).message}`, id, {
          cause: error,
        });
      }
    });
  }

  async #read(file: string, id: string | undefined): Promise<HeldEvent[]> {
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw new SessionStoreError(`held events file ${JSON.stringify(path.basename(file))} could not be read`, id, { cause: error });
    }
    let events: unknown;
    try {
      events = JSON.parse(text);
    } catch (error) {
      throw new SessionStoreError(`held events file ${JSON.stringify(path.basename(file))} is not valid JSON`, id, { cause: error });
    }
    if (!Array.isArray(events)) {
      throw new SessionStoreError(`held events file ${JSON.stringify(path.basename(file))} does not hold a list`, id);
    }
    for (const event of events) checkHeldEvent(event as HeldEvent, path.basename(file));
    return events as HeldEvent[];
  }

  async #names(): Promise<string[]> {
    return (await this.#allNames()).filter(isSessionFileName);
  }

  async #allNames(): Promise<string[]> {
    try {
      return await readdir(this.folder);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw new SessionStoreError(`held events folder ${JSON.stringify(this.folder)} cannot be listed`, undefined, { cause: error });
    }
  }
}

function checkHeldEvent(event: HeldEvent, file?: string): void {
  const ok =
    typeof event === 'object' &&
    event !== null &&
    typeof event.sessionId === 'string' &&
    typeof event.platform === 'string' &&
    typeof event.eventId === 'string' &&
    typeof event.heldAt === 'number' &&
    'rawEvent' in event;
  if (!ok) {
    throw new SessionStoreError(
      file === undefined ? 'a held event needs sessionId, platform, eventId, rawEvent and heldAt' : `held events file ${JSON.stringify(file)} holds something that is not a held event`,
      (event as HeldEvent | null)?.sessionId,
    );
  }
  if (file !== undefined && sessionFileName(event.sessionId) !== file) {
    throw new SessionStoreError(`held events file ${JSON.stringify(file)} holds an event of another session`, event.sessionId);
  }
}
