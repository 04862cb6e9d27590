// PostgreSQL for the S3P scenario: a schema of the bench's own on the server at DATABASE_URL
// (default: this machine's, postgres@127.0.0.1:5432/test), emptied before each run and dropped at
// the end. The shared server itself is never restarted, reconfigured or flushed.
import { createRequire } from 'node:module';

import { cpuSeconds } from './cpu-time.mjs';
import { median } from './stats.mjs';

const require = createRequire(import.meta.url);
const { Client } = require('pg');

export const DATABASE_URL = process.env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/test';
/** The table the target's store creates in the bench schema (the driver's default name). */
const TABLE = 'bottender_sessions';

/** Creates `bottender_bench_<pid>`; resolves `{ url, schema, flush(), stop() }`. */
export async function startPostgres() {
  const schema = `bottender_bench_${process.pid}`;
  const client = new Client({ connectionString: DATABASE_URL, application_name: 'bottender-bench-admin' });
  client.on('error', () => {});
  try {
    await client.connect();
  } catch (error) {
    throw new Error(`no PostgreSQL at ${DATABASE_URL.replace(/(\/\/[^:/@]*:)[^@]*@/, '$1***@')}: ${error.message}`);
  }
  await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  await client.query(`CREATE SCHEMA "${schema}"`);
  return {
    url: DATABASE_URL,
    schema,
    /** Empties the sessions table between runs (it exists once the target has started). */
    flush: async () => {
      const { rows } = await client.query('SELECT to_regclass($1) IS NOT NULL AS present', [`"${schema}"."${TABLE}"`]);
      if (rows[0].present) await client.query(`TRUNCATE "${schema}"."${TABLE}", "${schema}"."${TABLE}_held"`);
    },
    /**
     * CPU seconds used so far by the target's server processes (its pool's backends, found by
     * application_name), per pid, so a phase can count the server's share of the work.
     */
    backendCpu: async () => {
      const { rows } = await client.query(`SELECT pid FROM pg_stat_activity WHERE application_name = 'bottender-bench'`);
      return new Map(rows.map(({ pid }) => [pid, cpuSeconds(pid)]));
    },
    stop: async () => {
      try {
        await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      } finally {
        await client.end().catch(() => {});
      }
    },
  };
}

/** The server's CPU µs per handled event between two `backendCpu()` readings (backends present in both). */
export function backendCpuUsPerEvent(before, after, handled) {
  let seconds = 0;
  for (const [pid, end] of after) {
    const start = before.get(pid) ?? 0; // a backend opened during the phase counts from zero
    if (Number.isFinite(end) && Number.isFinite(start)) seconds += end - start;
  }
  return handled > 0 ? (seconds * 1e6) / handled : NaN;
}

/** Statements per handled event during a phase, from the target's counter (see targets/ours/postgres-store.cjs). */
export async function roundTripsSince(target, before, handled) {
  const after = await target.call('pg-round-trips');
  return { count: after, perEvent: handled > 0 ? (after - before) / handled : NaN };
}

/**
 * The lines the report gains for PostgreSQL: S3P (PostgreSQL) against S3 (Redis) for `ours`,
 * as the ratio of the medians and the median of same-round ratios, and round trips per event.
 */
export function postgresReport(runs) {
  const ok = (scenario) => runs.filter((r) => r.scenario === scenario && r.target === 'ours' && r.result);
  const pg = ok('S3P');
  if (pg.length === 0) return '';
  const rate = (list) => median(list.map((r) => r.result.eventsPerSec));
  const redis = ok('S3');
  const perRound = pg.flatMap((run) => {
    const other = redis.find((r) => r.round === run.round);
    return other?.result.eventsPerSec > 0 ? [run.result.eventsPerSec / other.result.eventsPerSec] : [];
  });
  const trips = pg.map((r) => r.result.roundTripsPerEvent).filter(Number.isFinite);
  const serverCpu = median(pg.map((r) => r.result.postgresCpuUsPerEvent));
  const targetCpu = (list) => median(list.map((r) => r.result.cpuUsPerEvent));
  const lines = [
    '',
    'PostgreSQL driver (S3P) against the Redis driver (S3), ours, same run:',
    '',
    '| | S3P postgres | S3 redis | postgres / redis (of the medians) | median of same-round ratios |',
    '| --- | ---: | ---: | ---: | ---: |',
    `| events/s | ${Math.round(rate(pg))} | ${redis.length ? Math.round(rate(redis)) : '-'} | ${
      redis.length ? `${(rate(pg) / rate(redis)).toFixed(2)}x` : '-'
    } | ${perRound.length ? `${median(perRound).toFixed(2)}x` : '-'} |`,
    `| target CPU µs/event | ${Math.round(targetCpu(pg))} | ${redis.length ? Math.round(targetCpu(redis)) : '-'} | | |`,
    '',
    `Round trips per event (postgres, counted at the target's pool): ${trips.length ? median(trips).toFixed(2) : '-'}; ` +
      `PostgreSQL server CPU (the target's backends): ${Number.isFinite(serverCpu) ? Math.round(serverCpu) : '-'} µs/event.`,
  ];
  return lines.join('\n');
}
