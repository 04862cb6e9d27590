import { constants } from 'node:fs';
import { access, mkdir, readdir, readFile, stat, unlink } from 'node:fs/promises';
import path from 'node:path';

import { consoleLogger, type Logger } from '../runtime/logger';
import { KeyedQueue } from '../runtime/keyed-queue';
import { checkRecord, serializeRecord } from '../session/record';
import {
  type HeldEvent,
  type HeldEventStore,
  type SessionRecord,
  type SessionStore,
  SessionStoreError,
  VersionConflictError,
  type WriteOptions,
} from '../session/types';
import { activeTempFiles, writeFileAtomic } from './file/atomic';
import { HeldEventFiles } from './file/held';
import { EXPIRES_AT, idFromHashedFile, parseEntry, type StoredEntry, type StoredRecord } from './file/entries';
import { idFromFileName, isSessionFileName, SESSION_FILE_PREFIX, sessionFileName, TEMP_FILE_SUFFIX } from './file/names';
import { OneXSessionFiles } from './file/one-x';

export { idFromFileName, isSessionFileName, sessionFileName } from './file/names';

/** Options of the file driver (`session.stores.file`). */
export interface FileStoreOptions {
  /** The folder of the session files, resolved against `process.cwd()`. Default `.sessions`. */
  dirname?: string;
  /**
   * How often, in milliseconds, expired and left-over files are removed in the background once
   * {@link FileSessionStore.init} ran; 0 turns the timer off. Default 10 minutes: expired
   * sessions are already hidden from reads, so the sweep only gives the disk space back.
   */
  sweepIntervalMs?: number;
  /** The clock for expiry, in epoch milliseconds. Tests pass a controllable one. Default `Date.now`. */
  now?: () => number;
  /** Where the sweep reports files it had to skip. Default: stderr. */
  logger?: Logger;
}

/** What one {@link FileSessionStore.sweep} removed or skipped. */
export interface SweepResult {
  /** Session files whose time to live had passed. */
  expired: number;
  /** Temporary files left by writes that never finished (a crash or a kill). */
  tempFiles: number;
  /** Session files that could not be read as records; they are kept, and logged. */
  skipped: number;
}

const DEFAULT_SWEEP_INTERVAL_MS = 10 * 60_000;
const MAX_TIMER_MS = 2 ** 31 - 1;
/**
 * Serializes the check-and-rename of each session file, keyed by its path. Module-wide rather
 * than per store, so two stores on one folder in one process still fence each other exactly.
 */
const fileQueue = new KeyedQueue();

/**
 * Sessions as JSON files in one folder, for single-process bots that must keep state across
 * restarts without a database.
 *
 * - Each session is one file holding `serializeRecord(record)` (plus an `expiresAt` field when
 *   written with a time to live), named by {@link sessionFileName}: any id, however hostile,
 *   becomes one safe file name inside the folder (invariant 9).
 * - Writes are atomic (temporary file, fsync, rename): a crash leaves the old record or the new
 *   one, never a torn file. Left-over temporary files are ignored and swept.
 * - Writes are fenced (invariant 5) and serialized per session within the process, so the
 *   version check and the rename cannot interleave with another write of the same session.
 * - A file that is not a record is reported as a {@link SessionStoreError} by `read`, `write` and
 *   `list`; it is never taken for an absent session and never overwritten (invariant 8).
 *   `delete` still removes it, which is how an operator recovers.
 * - A time to live counts from the write, on the store's clock (like Redis `PX` and the memory
 *   driver): the runtime's own expiry counts from `lastActivity` on the bot's clock, which may be
 *   a test clock. Expired records read as absent and are removed by {@link sweep}.
 *
 * One process only: the fencing is exact within a process, but two processes sharing a folder
 * could both pass the version check before either renames. Use the Redis driver to share
 * sessions between processes.
 */
export class FileSessionStore implements SessionStore, HeldEventStore {
  readonly name = 'file';
  /** The absolute path of the session folder. */
  readonly dirname: string;
  /** Events acknowledged at a deadline and not yet committed, in `<dirname>/held` (see {@link HeldEventFiles}). */
  readonly #held: HeldEventFiles;
  /** Sessions Bottender 1.x left in the folder, carried over on first access (see {@link OneXSessionFiles}). */
  readonly #oneX: OneXSessionFiles;
  readonly #sweepIntervalMs: number;
  readonly #now: () => number;
  readonly #logger: Logger;
  #timer: NodeJS.Timeout | undefined;
  #sweeping: Promise<SweepResult> | undefined;

  constructor(options: FileStoreOptions = {}) {
    const dirname = options.dirname ?? '.sessions';
    if (typeof dirname !== 'string' || dirname === '' || dirname.includes('\0')) {
      throw new TypeError(`session.stores.file.dirname must be a folder path, got ${JSON.stringify(dirname)}`);
    }
    const interval = options.sweepIntervalMs ?? DEFAULT_SWEEP_INTERVAL_MS;
    if (!Number.isSafeInteger(interval) || interval < 0 || interval > MAX_TIMER_MS) {
      throw new TypeError(
        `session.stores.file.sweepIntervalMs must be an integer from 0 to ${MAX_TIMER_MS}, got ${JSON.stringify(interval)}`,
      );
    }
    this.dirname = path.resolve(dirname);
    this.#held = new HeldEventFiles(this.dirname, fileQueue);
    this.#sweepIntervalMs = interval;
    this.#now = options.now ?? Date.now;
    this.#logger = options.logger ?? consoleLogger;
    this.#oneX = new OneXSessionFiles(this.dirname, this.#logger);
  }

  /** Creates the folder, checks it is usable, sweeps once and starts the background sweep. */
  async init(): Promise<void> {
    try {
      await mkdir(this.dirname, { recursive: true });
      if (!(await stat(this.dirname)).isDirectory()) throw new Error('not a folder');
      await access(this.dirname, constants.R_OK | constants.W_OK);
    } catch (error) {
      throw new SessionStoreError(
        `file session store cannot use folder ${JSON.stringify(this.dirname)}: ${messageOf(error)}`,
        undefined,
        { cause: error },
      );
    }
    await this.sweep();
    await this.#oneX.present(); // whether 1.x left sessions here is decided now, at start
    if (this.#sweepIntervalMs > 0 && this.#timer === undefined) {
      this.#timer = setInterval(() => {
        this.sweep().catch((error) => this.#logger.error('file session store: sweep failed', error));
      }, this.#sweepIntervalMs);
      // The sweep is housekeeping: it must never keep the process alive.
      this.#timer.unref();
    }
  }

  /** The path of the file that holds session `id` (whether or not it exists). */
  filePath(id: string): string {
    return path.join(this.dirname, sessionFileName(id));
  }

  async read(id: string): Promise<SessionRecord | undefined> {
    const entry = await this.#readEntry(id);
    if (entry) return this.#isExpired(entry) ? undefined : entry.record;
    return this.#oneX.read(id);
  }

  async write(record: SessionRecord, { expectedVersion, ttlMs }: WriteOptions): Promise<void> {
    if (ttlMs !== undefined && !(ttlMs >= 0 && Number.isFinite(ttlMs))) {
      throw new TypeError(`ttlMs must be a non-negative number of milliseconds, got ${JSON.stringify(ttlMs)}`);
    }
    const id = record.id;
    checkRecord(record, id); // never write a file that would read back as corrupted
    await fileQueue.run(this.filePath(id), async () => {
      const current = await this.#readEntry(id);
      // A 1.x session (read as version 0) is replaced by the first write based on it.
      const actualVersion = current && !this.#isExpired(current) ? current.record.version : 0;
      if (actualVersion !== expectedVersion) throw new VersionConflictError(id, expectedVersion, actualVersion);
      // A field of that name in the given record is not the caller's to set.
      const { [EXPIRES_AT]: _ignored, ...plain } = record as StoredRecord;
      const stored: StoredRecord = ttlMs ? { ...plain, [EXPIRES_AT]: this.#now() + ttlMs } : plain;
      const text = serializeRecord(stored);
      try {
        await writeFileAtomic(this.dirname, sessionFileName(id), text);
      } catch (error) {
        throw new SessionStoreError(`session ${JSON.stringify(id)} could not be written: ${messageOf(error)}`, id, {
          cause: error,
        });
      }
      // Once this driver's file holds the session, 1.x's copy goes (it is never read again).
      if (current === undefined) await this.#oneX.forget(id);
    });
  }

  async delete(id: string): Promise<void> {
    await fileQueue.run(this.filePath(id), async () => {
      try {
        await unlink(this.filePath(id));
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
        throw new SessionStoreError(`session ${JSON.stringify(id)} could not be deleted: ${messageOf(error)}`, id, {
          cause: error,
        });
      } finally {
        await this.#oneX.forget(id); // or a 1.x copy would come back
      }
    });
  }

  /**
   * Every unexpired session in the folder. Temporary and foreign files are skipped; a session
   * file that is not a record stops the listing with a {@link SessionStoreError} naming it, as a
   * read of it would (a listing that silently left it out would hide the damage).
   */
  async *list(): AsyncIterable<SessionRecord> {
    const names = await this.#fileNames();
    for (const name of names) {
      if (!isSessionFileName(name)) continue;
      const entry = await this.#readEntryByName(name);
      if (entry && !this.#isExpired(entry)) yield entry.record;
    }
    // Sessions 1.x left that were not carried over yet (one with a file of this driver was listed above).
    yield* this.#oneX.list(names, async (id) => (await this.#readEntry(id)) !== undefined);
  }

  /** Keeps an event acknowledged before its commit, so a crash does not lose it (atomic write). */
  holdEvent(event: HeldEvent): Promise<void> {
    return this.#held.hold(event);
  }

  /** Held events of one session, or of all, oldest first within a session. */
  heldEvents(sessionId?: string): AsyncIterable<HeldEvent> {
    return this.#held.list(sessionId);
  }

  /** Forgets held events once committed. */
  releaseHeldEvents(sessionId: string, eventIds: readonly string[]): Promise<void> {
    return this.#held.release(sessionId, eventIds);
  }

  /**
   * Removes expired session files and temporary files that no write of this process is using
   * (so, after a crash, right away). Files that are not records are kept and logged. Runs from
   * {@link init} and then on a timer; call it yourself to sweep now. Concurrent calls share one run.
   */
  sweep(): Promise<SweepResult> {
    this.#sweeping ??= this.#sweepOnce().finally(() => {
      this.#sweeping = undefined;
    });
    return this.#sweeping;
  }

  /** Stops the background sweep and waits for a running one. Reads and writes still work. */
  async close(): Promise<void> {
    clearInterval(this.#timer);
    this.#timer = undefined;
    await this.#sweeping?.catch(() => {});
  }

  async #sweepOnce(): Promise<SweepResult> {
    const result: SweepResult = { expired: 0, tempFiles: await this.#held.sweepTempFiles(), skipped: 0 };
    for (const name of await this.#fileNames()) {
      const filePath = path.join(this.dirname, name);
      const isTemp = name.startsWith(SESSION_FILE_PREFIX) && name.endsWith(TEMP_FILE_SUFFIX);
      if (!isTemp && !isSessionFileName(name)) continue;
      try {
        if (isTemp) {
          if (!activeTempFiles.has(filePath) && (await unlinkIfPresent(filePath))) result.tempFiles++;
          continue;
        }
        const entry = await this.#readEntryByName(name);
        if (!entry || !this.#isExpired(entry)) continue;
        // Check again in the session's queue: a write may have renewed it since.
        const id = entry.record.id;
        await fileQueue.run(filePath, async () => {
          const again = await this.#readEntry(id);
          if (again && this.#isExpired(again) && (await unlinkIfPresent(filePath))) result.expired++;
        });
      } catch (error) {
        result.skipped++;
        this.#logger.warn(
          `file session store: kept ${JSON.stringify(name)} in ${JSON.stringify(this.dirname)}: ${messageOf(error)}`,
        );
      }
    }
    return result;
  }

  #isExpired(entry: StoredEntry): boolean {
    return entry.expiresAt !== undefined && entry.expiresAt <= this.#now();
  }

  async #readEntry(id: string): Promise<StoredEntry | undefined> {
    const text = await this.#readText(this.filePath(id), id);
    return text === undefined ? undefined : parseEntry(text, id);
  }

  /** Reads a file found in the folder; undefined when it vanished or is not a name this store gives. */
  async #readEntryByName(name: string): Promise<StoredEntry | undefined> {
    const decoded = idFromFileName(name);
    const text = await this.#readText(path.join(this.dirname, name), decoded);
    if (text === undefined) return undefined;
    const id = decoded ?? idFromHashedFile(name, text);
    return id === undefined ? undefined : parseEntry(text, id);
  }

  async #readText(filePath: string, id: string | undefined): Promise<string | undefined> {
    try {
      return await readFile(filePath, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      const what = id === undefined ? `session file ${JSON.stringify(path.basename(filePath))}` : `session ${JSON.stringify(id)}`;
      throw new SessionStoreError(`${what} could not be read: ${messageOf(error)}`, id, { cause: error });
    }
  }

  async #fileNames(): Promise<string[]> {
    try {
      return await readdir(this.dirname);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw new SessionStoreError(
        `file session store cannot list folder ${JSON.stringify(this.dirname)}: ${messageOf(error)}`,
        undefined,
        { cause: error },
      );
    }
  }
}

async function unlinkIfPresent(filePath: string): Promise<boolean> {
  try {
    await unlink(filePath);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw error;
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
