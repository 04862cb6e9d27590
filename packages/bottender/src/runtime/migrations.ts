/**
 * State migrations: when a deploy changes the shape of `context.state`, the project declares
 * `stateVersion` (the current shape) and `migrations` (one function per version, keyed by the
 * version it produces). A record stored at an older version is brought up step by step when it
 * is next read, under the session's lock, before the handler sees it; the commit stores the
 * migrated state with the current `stateVersion`. `bottender session migrate` does the same for
 * every session in bounded batches. Records without `stateVersion` are at version 1.
 */
import type { AnyState, SessionRecord } from '../session/types';
import { SessionStoreError } from '../session/types';

/** Turns the state of version `n - 1` into the state of version `n` (may be async). */
export type StateMigration = (state: AnyState) => AnyState | Promise<AnyState>;

/** `{ 2: v1ToV2, 3: v2ToV3 }`: each function keyed by the version it produces. */
export type StateMigrations = Record<number, StateMigration>;

/** A project's migrations, checked: every step from 2 to `stateVersion` is present. */
export interface MigrationPlan {
  stateVersion: number;
  migrations: StateMigrations;
}

/**
 * A migration step threw (or returned something that is not a state object). The stored record
 * is left as it was; the runtime answers the event 503 (`store-unavailable`) so the platform
 * redelivers it once the migration is fixed.
 */
export class MigrationError extends SessionStoreError {
  constructor(
    sessionId: string,
    readonly step: number,
    cause: unknown,
  ) {
    super(
      `session ${JSON.stringify(sessionId)}: state migration to version ${step} failed: ` +
        `${(cause as Error)?.message ?? String(cause)}; the stored state is unchanged`,
      sessionId,
      { cause },
    );
    this.name = 'MigrationError';
  }
}

/**
 * What is wrong with `stateVersion` and `migrations` as a config gives them, or undefined. Used
 * by the config's validation; {@link migrationPlan} throws with the same wording.
 */
export function migrationProblem(stateVersion: unknown, migrations: unknown): { key: string; problem: string } | undefined {
  if (stateVersion === undefined && migrations === undefined) return undefined;
  if (!Number.isSafeInteger(stateVersion) || (stateVersion as number) < 1) {
    return { key: 'stateVersion', problem: `must be a positive integer (the current version of the state's shape), got ${JSON.stringify(stateVersion)}` };
  }
  const migs = migrations ?? {};
  if (typeof migs !== 'object' || migs === null || Array.isArray(migs)) {
    return { key: 'migrations', problem: 'must be an object of functions keyed by the version each produces, e.g. { 2: (state) => ({ ...state }) }' };
  }
  for (const key of Object.keys(migs)) {
    const n = Number(key);
    if (!/^\d+$/.test(key) || n < 2 || n > (stateVersion as number)) {
      return { key: `migrations.${key}`, problem: `keys are the versions 2 to stateVersion (${stateVersion as number}) each function produces` };
    }
    if (typeof (migs as Record<string, unknown>)[key] !== 'function') {
      return { key: `migrations.${key}`, problem: 'must be a function (state) => newState' };
    }
  }
  for (let v = 2; v <= (stateVersion as number); v++) {
    if (!Object.hasOwn(migs, String(v))) {
      return { key: `migrations.${v}`, problem: `is missing: stateVersion is ${stateVersion as number}, so every step from 2 up needs a function` };
    }
  }
  return undefined;
}

/** The checked plan of a config, or undefined when it declares none. Throws a TypeError naming the key. */
export function migrationPlan(stateVersion: unknown, migrations: unknown): MigrationPlan | undefined {
  const problem = migrationProblem(stateVersion, migrations);
  if (problem) throw new TypeError(`${problem.key} ${problem.problem}`);
  if (stateVersion === undefined) return undefined;
  return { stateVersion: stateVersion as number, migrations: (migrations ?? {}) as StateMigrations };
}

/** The version a record's state is at: its `stateVersion`, or 1. */
export function stateVersionOf(record: SessionRecord): number {
  return record.stateVersion ?? 1;
}

/**
 * `record` with its state brought to `plan.stateVersion`, step by step; the same object when it
 * is already there (or newer: a record a later deploy wrote is never downgraded). The version
 * and event ids are unchanged: the caller's fenced commit is what stores the result. Each step
 * gets a copy, so a step that throws halfway leaves nothing changed.
 */
export async function migrateRecord(record: SessionRecord, plan: MigrationPlan): Promise<SessionRecord> {
  let version = stateVersionOf(record);
  if (version >= plan.stateVersion) return record;
  let state: AnyState = record.state;
  while (version < plan.stateVersion) {
    const step = version + 1;
    try {
      const next = await plan.migrations[step](structuredClone(state));
      if (typeof next !== 'object' || next === null || Array.isArray(next)) {
        throw new TypeError(`it returned ${Array.isArray(next) ? 'an array' : JSON.stringify(next)}, not a state object`);
      }
      state = next;
    } catch (error) {
      throw new MigrationError(record.id, step, error);
    }
    version = step;
  }
  return { ...record, state, stateVersion: version };
}
