/**
 * `bottender session migrate`: every stored session brought to the config's `stateVersion`, in
 * bounded batches, each record under its lock (as an event's commit), while the bot keeps running.
 */
import { MigrationError, type MigrationPlan, migrateRecord, stateVersionOf } from '../runtime/migrations';
import type { SessionStore } from '../session/types';
import { type OperationOptions, updateSession } from './operations';

/** Options of {@link migrateSessions}. */
export interface MigrateOptions extends OperationOptions {
  /** Count and preview only; nothing is written. */
  dryRun?: boolean;
  /** Ids collected from the listing before they are migrated; bounds memory. Default 100. */
  batchSize?: number;
  /** How many before/after examples a dry run keeps. Default 5. */
  samples?: number;
}

/** What {@link migrateSessions} found and did. */
export interface MigrateReport {
  total: number;
  /** Sessions per stored state version (before migrating). */
  byVersion: Map<number, number>;
  /** Sessions below the target version. */
  outdated: number;
  /** Written at the target version (0 in a dry run). */
  migrated: number;
  /** Dry run: the first few changes. */
  samples: { id: string; from: number; before: unknown; after: unknown }[];
  /** One line per session whose migration failed (its stored state is unchanged). */
  failures: string[];
}

/**
 * Walks the store's streaming `list()`; outdated sessions are collected `batchSize` at a time and
 * each migrated through {@link updateSession} from the record read under its lock (an event may
 * have migrated or changed it meanwhile: then only what is still outdated is migrated).
 */
export async function migrateSessions(store: SessionStore, plan: MigrationPlan, options: MigrateOptions = {}): Promise<MigrateReport> {
  const batchSize = options.batchSize ?? 100;
  const sampleCount = options.samples ?? 5;
  const report: MigrateReport = { total: 0, byVersion: new Map(), outdated: 0, migrated: 0, samples: [], failures: [] };
  let batch: string[] = [];
  const flush = async () => {
    for (const id of batch) {
      try {
        let wrote = false;
        await updateSession(
          store,
          id,
          async (current) => {
            wrote = false;
            if (current === undefined || stateVersionOf(current) >= plan.stateVersion) return undefined;
            const migrated = await migrateRecord(current, plan);
            wrote = true;
            return { ...migrated, version: current.version + 1, eventIds: current.eventIds.slice() };
          },
          options,
        );
        if (wrote) report.migrated++;
      } catch (error) {
        report.failures.push(
          error instanceof MigrationError ? error.message : `session ${JSON.stringify(id)}: ${(error as Error)?.message ?? error}`,
        );
      }
    }
    batch = [];
  };
  for await (const record of store.list()) {
    report.total++;
    const from = stateVersionOf(record);
    report.byVersion.set(from, (report.byVersion.get(from) ?? 0) + 1);
    if (from >= plan.stateVersion) continue;
    report.outdated++;
    if (options.dryRun) {
      try {
        const after = await migrateRecord(record, plan);
        if (report.samples.length < sampleCount) report.samples.push({ id: record.id, from, before: record.state, after: after.state });
      } catch (error) {
        report.failures.push((error as Error).message);
      }
      continue;
    }
    batch.push(record.id);
    if (batch.length >= batchSize) await flush();
  }
  await flush();
  return report;
}
