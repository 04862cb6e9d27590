import { readdir, readFile, unlink } from 'node:fs/promises';
import path from 'node:path';

import type { Logger } from '../../runtime/logger';
import { oneXSessionRecord, readOneXSession } from '../../session/one-x-session';
import { type SessionRecord, SessionStoreError } from '../../session/types';
import { isSessionFileName, TEMP_FILE_SUFFIX } from './names';

/**
 * Sessions that Bottender 1.x's file store left in the same folder.
 *
 * 1.5.5's FileSessionStore keeps one JSON file per session, named after the session id as it is:
 * `<dirname>/line:U4af49806....json` (on Windows the first `:` became `@`: `line@U4af....json`).
 * The file holds the whole 1.x session object, written again after every event:
 *
 *     { "id": "line:U4af...", "platform": "line", "type": "user",
 *       "user": { "id": "U4af...", "_updatedAt": "..." }, "_state": { ... }, "lastActivity": 1712345678901 }
 *
 * 1.x counted `expiresIn` from `lastActivity` when reading; the files themselves never expire.
 *
 * This driver's own files are named `s_<escaped id>.json` and never contain `:` or `@`, so the two
 * kinds cannot be mistaken for each other. A 1.x session is read only while this driver has no file
 * for it, as a version-0 record (its `_state` is the state, its `lastActivity` still counts for
 * expiry); the first commit writes this driver's file and then deletes the 1.x file, so it is never
 * read again. The other 1.x fields (`user`, `type`, ...) were platform details 1.x re-read from
 * every event; they are not carried.
 *
 * An id that could name a path outside the folder (a `/`, `\` or NUL in it) is never looked up:
 * ids come from the network, and 1.x would not have kept such a session inside the folder anyway.
 */
export class OneXSessionFiles {
  #present: Promise<boolean> | undefined;

  constructor(
    private readonly dirname: string,
    private readonly logger: Logger,
  ) {}

  /**
   * Whether the folder held any 1.x session file when first asked (one `readdir`, once per store).
   * Only then is anything looked up, so a folder 1.x never used costs nothing.
   */
  present(): Promise<boolean> {
    this.#present ??= readdir(this.dirname).then(
      (names) => names.some(isOneXFileName),
      () => false,
    );
    return this.#present;
  }

  /** The 1.x session `id` as a version-0 record, or undefined when 1.x left none. */
  async read(id: string): Promise<SessionRecord | undefined> {
    if (!(await this.present())) return undefined;
    for (const name of oneXFileNames(id)) {
      let text: string;
      try {
        text = await readFile(path.join(this.dirname, name), 'utf8');
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') continue;
        throw new SessionStoreError(`Bottender 1.x session file ${JSON.stringify(name)} could not be read: ${messageOf(error)}`, id, {
          cause: error,
        });
      }
      return fromOneXSession(text, id, name);
    }
    return undefined;
  }

  /**
   * Deletes the 1.x file(s) of session `id`, once this driver's own file holds it. A failure is
   * logged: the 1.x file is then left, but this driver's file is read first from now on.
   */
  async forget(id: string): Promise<void> {
    if (!(await this.present())) return;
    for (const name of oneXFileNames(id)) {
      try {
        await unlink(path.join(this.dirname, name));
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') continue;
        this.logger.warn(
          `file session store: session ${JSON.stringify(id)} was carried over from Bottender 1.x, but its old file ` +
            `${JSON.stringify(name)} could not be deleted (${messageOf(error)}); it is no longer read while the new file exists`,
        );
      }
    }
  }

  /** The 1.x sessions of the folder for which `hasOwn(id)` is false (not carried over yet). */
  async *list(names: readonly string[], hasOwn: (id: string) => Promise<boolean>): AsyncIterable<SessionRecord> {
    if (!(await this.present())) return;
    const seen = new Set<string>(); // a session may have both a `:` and a Windows `@` name
    for (const name of names) {
      if (!isOneXFileName(name)) continue;
      const id = idOfOneXFileName(name);
      if (seen.has(id)) continue;
      seen.add(id);
      if (await hasOwn(id)) continue;
      const record = await this.read(id);
      if (record) yield record;
    }
  }
}

/** Whether a file name in the folder has the shape of a 1.x session file. */
export function isOneXFileName(name: string): boolean {
  return (
    name.endsWith('.json') &&
    !isSessionFileName(name) &&
    !name.endsWith(TEMP_FILE_SUFFIX) &&
    /^[A-Za-z0-9_-]+[:@]/.test(name)
  );
}

/** The session id a 1.x file name stands for (a Windows `@` name gives its `:` back). */
function idOfOneXFileName(name: string): string {
  const base = name.slice(0, -'.json'.length);
  return base.includes(':') ? base : base.replace('@', ':');
}

/** The names 1.x could have given session `id`'s file, or none when the id cannot be a safe name. */
function oneXFileNames(id: string): string[] {
  if (!id.includes(':') || /[/\\\0]/.test(id) || Buffer.byteLength(id) > 250) return [];
  return [`${id}.json`, `${id.replace(':', '@')}.json`];
}

/**
 * A 1.x session file's text as a version-0 record. A file that is not a 1.x session (not JSON, not
 * an object, a `_state` that is not an object) is damage and reported, never taken for no session.
 */
function fromOneXSession(text: string, id: string, name: string): SessionRecord {
  let parts;
  try {
    parts = readOneXSession(JSON.parse(text));
  } catch {
    parts = undefined;
  }
  if (parts === undefined) {
    throw new SessionStoreError(
      `Bottender 1.x session file ${JSON.stringify(name)} is not a 1.x session (its _state must be an object); ` +
        'it is left untouched: delete it to start this session over',
      id,
    );
  }
  return oneXSessionRecord(id, parts);
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
