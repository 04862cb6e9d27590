/**
 * Operating sessions from outside a conversation: list, read, edit, delete, export and import
 * records of any {@link SessionStore}. The CLI (`bottender session ...`) and tools use these.
 *
 * Every write is fenced like an event's commit: under the store's lock when it has `begin`
 * (so it waits for an event in progress and the event waits for it), else a read plus a write
 * with `expectedVersion`, retried a bounded number of times on {@link VersionConflictError}. An
 * edit therefore never overwrites a concurrent event's update, and an event never overwrites an
 * edit: whichever comes second starts from what the first one committed.
 */
import { checkRecord, platformOf } from '../session/record';
import {
  type AnyState,
  type SessionRecord,
  type SessionStore,
  SessionStoreError,
  VersionConflictError,
} from '../session/types';

/** Options shared by the writing operations. */
export interface OperationOptions {
  /** How long to wait for the session's lock (stores with `begin`). Default 10 s. */
  lockTimeoutMs?: number;
  /** Attempts on a version conflict (stores without `begin`). Default 8. */
  attempts?: number;
  /**
   * The config's `session.expiresIn` in milliseconds: a write keeps the remaining inactivity
   * time of the record (an edit is not activity), and import skips records already expired.
   */
  expiresInMs?: number;
  /** The clock, for tests. */
  now?: () => number;
}

/** Filters for {@link listSessions}. */
export interface ListOptions {
  /** Only sessions of this platform (`line`, `telegram`, ...). */
  platform?: string;
  /** At most this many records. */
  limit?: number;
}

/**
 * The stored sessions, one at a time: the store's own streaming `list()` (SCAN, cursors, keyset
 * pages, a directory walk), filtered as it goes. Stopping early (`limit`, `break`) stops the walk.
 */
export async function* listSessions(store: SessionStore, options: ListOptions = {}): AsyncGenerator<SessionRecord> {
  const { platform, limit } = options;
  if (limit !== undefined && !(Number.isSafeInteger(limit) && limit >= 0)) {
    throw new TypeError(`limit must be a non-negative integer (got ${JSON.stringify(limit)})`);
  }
  if (limit === 0) return;
  let count = 0;
  for await (const record of store.list()) {
    if (platform !== undefined && record.platform !== platform) continue;
    yield record;
    if (++count === limit) return;
  }
}

/** One session's record, or undefined. */
export async function getSession(store: SessionStore, id: string): Promise<SessionRecord | undefined> {
  return store.read(checkId(id));
}

/**
 * What an edit makes of the stored record: the next record, `undefined` to leave it as it is,
 * or `'delete'` to remove it. Called again with the fresh record after a version conflict.
 */
export type RecordChange = (
  current: SessionRecord | undefined,
) => SessionRecord | undefined | 'delete' | Promise<SessionRecord | undefined | 'delete'>;

/**
 * Applies `change` to one session under its lock and version check. Resolves with the record
 * stored afterwards (undefined when deleted or absent).
 */
export async function updateSession(
  store: SessionStore,
  id: string,
  change: RecordChange,
  options: OperationOptions = {},
): Promise<SessionRecord | undefined> {
  checkId(id);
  const now = options.now ?? Date.now;
  const ttlOf = (record: SessionRecord): number | undefined =>
    options.expiresInMs === undefined ? undefined : Math.max(1, options.expiresInMs - (now() - record.lastActivity));

  if (store.begin) {
    const transaction = await store.begin(id, { timeoutMs: options.lockTimeoutMs ?? 10_000 });
    let next: SessionRecord | undefined | 'delete';
    try {
      next = await change(transaction.record);
      if (next !== undefined && next !== 'delete') checkRecord(next, id);
    } catch (error) {
      await transaction.release();
      throw error;
    }
    if (next === undefined || next === 'delete') {
      try {
        // The lock is held, so no event of this session runs between the read and the delete.
        if (next === 'delete') await store.delete(id);
      } finally {
        await transaction.release();
      }
      return next === 'delete' ? undefined : transaction.record;
    }
    try {
      // commit writes and gives up the lock in one step; after a failed one, release as the runtime does.
      await transaction.commit(next, { ttlMs: ttlOf(next) });
    } catch (error) {
      await transaction.release();
      throw error;
    }
    return next;
  }

  const attempts = options.attempts ?? 8;
  for (let attempt = 1; ; attempt++) {
    const current = await store.read(id);
    const next = await change(current);
    if (next === undefined) return current;
    if (next === 'delete') {
      // No fenced delete in the store contract: a record written between the read and here is
      // deleted too, which is what deleting a session asks for.
      await store.delete(id);
      return undefined;
    }
    checkRecord(next, id);
    try {
      await store.write(next, { expectedVersion: current?.version ?? 0, ttlMs: ttlOf(next) });
      return next;
    } catch (error) {
      if (!(error instanceof VersionConflictError || (error as Error)?.name === 'VersionConflictError') || attempt >= attempts) {
        throw error;
      }
    }
  }
}

/** The record after an edit of `current`'s state: next version, same activity and event ids. */
function edited(id: string, current: SessionRecord | undefined, state: AnyState, now: number): SessionRecord {
  const next: SessionRecord = {
    id,
    platform: current?.platform ?? platformOf(id),
    state,
    lastActivity: current?.lastActivity ?? now,
    version: (current?.version ?? 0) + 1,
    eventIds: current?.eventIds.slice() ?? [],
  };
  if (current?.stateVersion !== undefined) next.stateVersion = current.stateVersion;
  return next;
}

/** Replaces one session's state (creating the session when absent). */
export async function setSessionState(
  store: SessionStore,
  id: string,
  state: AnyState,
  options: OperationOptions & { stateVersion?: number } = {},
): Promise<SessionRecord> {
  checkState(state);
  const now = options.now ?? Date.now;
  const record = await updateSession(
    store,
    id,
    (current) => {
      const next = edited(id, current, structuredClone(state), now());
      if (current === undefined && options.stateVersion !== undefined) next.stateVersion = options.stateVersion;
      return next;
    },
    options,
  );
  return record!;
}

/**
 * Merges `partial` into one session's state, as `context.setState` does (shallow). An absent
 * session starts from `initialState` (the config's), as its first event would.
 */
export async function patchSessionState(
  store: SessionStore,
  id: string,
  partial: AnyState,
  options: OperationOptions & { initialState?: AnyState; stateVersion?: number } = {},
): Promise<SessionRecord> {
  checkState(partial);
  const now = options.now ?? Date.now;
  const record = await updateSession(
    store,
    id,
    (current) => {
      const base = current?.state ?? options.initialState ?? {};
      const next = edited(id, current, structuredClone({ ...base, ...partial }), now());
      if (current === undefined && options.stateVersion !== undefined) next.stateVersion = options.stateVersion;
      return next;
    },
    options,
  );
  return record!;
}

/** Deletes one session under its lock. Resolves true when there was one. */
export async function deleteSession(store: SessionStore, id: string, options: OperationOptions = {}): Promise<boolean> {
  let existed = false;
  await updateSession(
    store,
    id,
    (current) => {
      existed = current !== undefined;
      return current === undefined ? undefined : 'delete';
    },
    options,
  );
  return existed;
}

/**
 * The sessions as NDJSON lines (each ends with `\n`): one record per line, exactly as stored
 * (`version`, `lastActivity`, `eventIds`, `stateVersion`), so an import elsewhere keeps
 * expiry and de-duplication. Streams like {@link listSessions}.
 */
export async function* exportSessions(store: SessionStore, options: ListOptions = {}): AsyncGenerator<string> {
  for await (const record of listSessions(store, options)) {
    const line: SessionRecord = {
      id: record.id,
      platform: record.platform,
      state: record.state,
      lastActivity: record.lastActivity,
      version: record.version,
      eventIds: record.eventIds,
    };
    if (record.stateVersion !== undefined) line.stateVersion = record.stateVersion;
    yield `${JSON.stringify(line)}\n`;
  }
}

/** A line of an import file that is not a session record. */
export class ImportFileError extends SessionStoreError {
  constructor(
    readonly line: number,
    problem: string,
  ) {
    super(`line ${line}: ${problem}; nothing was imported`);
    this.name = 'ImportFileError';
  }
}

/** What {@link importSessions} did. */
export interface ImportResult {
  /** Records read from the file. */
  records: number;
  /** Written to the store. */
  imported: number;
  /** Left alone because the store already has that session (without `replace`). */
  existing: number;
  /** Left out because their inactivity expiry (`expiresInMs`) has passed. */
  expired: number;
}

/** Options of {@link importSessions}. */
export interface ImportOptions extends OperationOptions {
  /** Overwrite sessions the store already has (default: keep them and count them). */
  replace?: boolean;
}

/**
 * Imports NDJSON records (as {@link exportSessions} writes them). `lines` is called twice: the
 * first pass checks every line and refuses the file with an {@link ImportFileError} naming the
 * first bad line before anything is written; the second pass writes, each record fenced on what
 * the store holds (absent, or with `replace` the stored version). Imported versions are kept;
 * a replaced record gets a version above the stored one so no writer mistakes it for its own.
 * Only ids are kept in memory, to find duplicates.
 */
export async function importSessions(
  store: SessionStore,
  lines: () => AsyncIterable<string>,
  options: ImportOptions = {},
): Promise<ImportResult> {
  const ids = new Set<string>();
  let number = 0;
  for await (const text of lines()) {
    number++;
    if (text.trim() === '') continue;
    const record = parseImportLine(text, number);
    if (ids.has(record.id)) throw new ImportFileError(number, `session ${JSON.stringify(record.id)} appears twice`);
    ids.add(record.id);
  }
  ids.clear();

  const now = options.now ?? Date.now;
  const result: ImportResult = { records: 0, imported: 0, existing: 0, expired: 0 };
  number = 0;
  for await (const text of lines()) {
    number++;
    if (text.trim() === '') continue;
    const record = parseImportLine(text, number);
    result.records++;
    if (options.expiresInMs !== undefined && now() - record.lastActivity >= options.expiresInMs) {
      result.expired++;
      continue;
    }
    let outcome: 'imported' | 'existing' = 'imported';
    await updateSession(
      store,
      record.id,
      (current) => {
        if (current === undefined) return (outcome = 'imported'), record;
        if (!options.replace) return (outcome = 'existing'), undefined;
        outcome = 'imported';
        return { ...record, version: Math.max(record.version, current.version + 1) };
      },
      options,
    );
    result[outcome]++;
  }
  return result;
}

/** Parses and checks one import line; throws {@link ImportFileError} with its number. */
export function parseImportLine(text: string, number: number): SessionRecord {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new ImportFileError(number, `not valid JSON (${(error as Error).message})`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new ImportFileError(number, 'expected a session record object');
  }
  const id = (value as { id?: unknown }).id;
  if (typeof id !== 'string' || !/^[^:]+:./s.test(id)) {
    throw new ImportFileError(number, `id must be "<platform>:<key>" (got ${JSON.stringify(id)})`);
  }
  try {
    checkRecord(value, id);
  } catch (error) {
    throw new ImportFileError(number, (error as Error).message.replace(/^stored data for /, ''));
  }
  const record = value as SessionRecord;
  if (record.platform !== platformOf(id)) {
    throw new ImportFileError(number, `platform ${JSON.stringify(record.platform)} does not match the id ${JSON.stringify(id)}`);
  }
  if (record.stateVersion !== undefined && !(Number.isSafeInteger(record.stateVersion) && record.stateVersion >= 1)) {
    throw new ImportFileError(number, `stateVersion must be a positive integer (got ${JSON.stringify(record.stateVersion)})`);
  }
  return record;
}

function checkId(id: string): string {
  if (typeof id !== 'string' || !/^[^:]+:./s.test(id)) {
    throw new TypeError(`a session id is "<platform>:<key>", e.g. line:U123 (got ${JSON.stringify(id)})`);
  }
  return id;
}

function checkState(state: unknown): void {
  if (typeof state !== 'object' || state === null || Array.isArray(state)) {
    throw new TypeError(`state must be a JSON object (got ${Array.isArray(state) ? 'an array' : JSON.stringify(state)})`);
  }
}
