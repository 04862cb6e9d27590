// `npm run bench`: starts the fake LINE API, the load generator and each target in its own
// process, runs the scenarios, prints medians and ratios, writes bench/results/latest.json.
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, release, totalmem } from 'node:os';

import { parseArgs } from './lib/args.mjs';
import { startChild } from './lib/child.mjs';
import { ACCESS_TOKEN, CHANNEL_SECRET, WEBHOOK_PATH } from './lib/constants.mjs';
import { runPhase } from './lib/phase.mjs';
import { backendCpuUsPerEvent, postgresReport, roundTripsSince, startPostgres } from './lib/postgres.mjs';
import { startRedis } from './lib/redis.mjs';
import { formatReport, ratios, summarize } from './lib/report.mjs';
import { SCENARIOS, WARMUP } from './lib/scenarios.mjs';
import { buildPackages, ensureBottender155, missingFor, ROOT } from './lib/setup.mjs';
import { TARGETS } from './lib/targets.mjs';

const options = parseArgs(process.argv.slice(2));
const startedAt = new Date();
const RESULTS = `${ROOT}bench/results/`;
const LOGS = `${RESULTS}logs/${startedAt.toISOString().replace(/[:.]/g, '-')}/`;
const machine = `${cpus().length} cores (${cpus()[0]?.model ?? 'unknown CPU'}), ${Math.round(totalmem() / 2 ** 30)} GiB, Linux ${release()}, Node ${process.version}`;
const say = (text) => console.log(`bench: ${text}`);

const children = new Set();
let redis;
let postgres;
async function stopEverything() {
  await Promise.allSettled([...children].map((c) => c.stop()));
  children.clear();
  await redis?.stop();
  redis = undefined;
  await postgres?.stop();
  postgres = undefined;
}
process.on('SIGINT', () => void stopEverything().then(() => process.exit(130)));

async function start(spec) {
  const child = await startChild({ ...spec, logFile: `${LOGS}${spec.name}.log` });
  children.add(child);
  return child;
}

async function stop(child) {
  await child.stop();
  children.delete(child);
}

function line(tag, r) {
  return (
    `${tag}: ${Math.round(r.eventsPerSec)} events/s, p50 ${r.p50Ms.toFixed(1)} ms, p99 ${r.p99Ms.toFixed(1)} ms, ` +
    `non-2xx ${r.non2xx}, lost ${r.lostUpdates}/${r.sent}, peak RSS ${(r.peakRssBytes / 2 ** 20).toFixed(0)} MiB, ` +
    `target CPU ${r.cpuUsPerEvent.toFixed(0)} µs/event`
  );
}

/** Starts every target of a store, warms each up, then runs the scenarios round by round. */
async function runGroup(store, scenarioNames, runs, fakeApi, loadGen) {
  const live = [];
  for (const name of options.targets.filter((t) => TARGETS[t].stores.includes(store))) {
    const target = TARGETS[name];
    const fail = (error) => {
      say(`${name} (${store}) not run: ${error}`);
      for (const scenario of scenarioNames) runs.push({ scenario, target: name, error: String(error) });
    };
    const missing = missingFor(name);
    if (missing) {
      fail(missing);
      continue;
    }
    try {
      const child = await start({
        name: `${name}-${store}`,
        script: target.script,
        cwd: target.cwd ?? ROOT,
        env: {
          NODE_ENV: 'production',
          BENCH_LINE_ORIGIN: `http://127.0.0.1:${fakeApi.port}`,
          BENCH_CHANNEL_SECRET: CHANNEL_SECRET,
          BENCH_ACCESS_TOKEN: ACCESS_TOKEN,
          BENCH_WEBHOOK_PATH: WEBHOOK_PATH,
          BENCH_STORE: store,
          BENCH_REDIS_PORT: String(redis?.port ?? ''),
          BENCH_DATABASE_URL: postgres?.url ?? '',
          BENCH_PG_SCHEMA: postgres?.schema ?? '',
          ...target.env,
        },
        execArgv: options.profile
          ? ['--cpu-prof', `--cpu-prof-dir=${RESULTS}profiles`, `--cpu-prof-name=${name}-${store}.cpuprofile`]
          : [],
      });
      await redis?.flush();
      await postgres?.flush();
      const warm = await runPhase({
        target: child,
        fakeApi,
        loadGen,
        shape: WARMUP,
        tag: `W${store}${name}`,
        seed: 7,
        redisPid: redis?.pid,
      });
      say(line(`warm-up ${name} (${store}, ${warm.sent} events)`, warm));
      live.push({ name, child });
    } catch (error) {
      fail(error.message);
    }
  }
  for (let round = 1; round <= options.runs; round++) {
    for (const [index, scenario] of scenarioNames.entries()) {
      for (const { name, child } of live) {
        if (child.dead) continue;
        try {
          await redis?.flush();
          await postgres?.flush();
          const tripsBefore = postgres ? await child.call('pg-round-trips') : undefined;
          const backendsBefore = await postgres?.backendCpu();
          const result = await runPhase({
            target: child,
            fakeApi,
            loadGen,
            shape: SCENARIOS[scenario],
            tag: `${scenario}R${round}${name}`,
            seed: round * 10 + index,
            redisPid: redis?.pid,
          });
          if (postgres) {
            result.roundTripsPerEvent = (await roundTripsSince(child, tripsBefore, result.handled)).perEvent;
            result.postgresCpuUsPerEvent = backendCpuUsPerEvent(backendsBefore, await postgres.backendCpu(), result.handled);
          }
          runs.push({ scenario, target: name, round, result });
          say(
            line(`${scenario} run ${round} ${name}`, result) +
              (postgres ? `, ${result.roundTripsPerEvent.toFixed(2)} round trips/event` : ''),
          );
        } catch (error) {
          child.dead = true;
          runs.push({ scenario, target: name, round, error: error.message });
          say(`${scenario} run ${round} ${name} failed: ${error.message}`);
        }
      }
    }
  }
  for (const { child } of live) await stop(child);
}

function measureIdleSessions() {
  try {
    const out = execFileSync(process.execPath, ['--expose-gc', `${ROOT}bench/memory/idle-sessions.mjs`], {
      cwd: ROOT,
      encoding: 'utf8',
      timeout: 120_000,
    });
    return JSON.parse(out.trim().split('\n').pop());
  } catch (error) {
    say(`idle-sessions measurement failed: ${error.message.split('\n')[0]}`);
    return undefined;
  }
}

async function main() {
  buildPackages();
  if (options.load && options.targets.some((t) => TARGETS[t].needsBottender155)) ensureBottender155();
  const runs = [];
  if (options.load) {
    const fakeApi = await start({
      name: 'fake-line-api',
      script: `${ROOT}bench/fake-line-api/server.mjs`,
      env: { BENCH_ACCESS_TOKEN: ACCESS_TOKEN },
    });
    const loadGen = await start({ name: 'load-generator', script: `${ROOT}bench/load/generator.mjs` });
    for (const store of ['memory', 'redis', 'postgres']) {
      const names = options.scenarios.filter((s) => SCENARIOS[s].store === store);
      if (names.length === 0) continue;
      if (store === 'redis') redis = await startRedis();
      if (store === 'postgres') {
        try {
          postgres = await startPostgres();
        } catch (error) {
          say(`${names.join(', ')} not run: ${error.message}`);
          for (const scenario of names) runs.push({ scenario, target: 'ours', error: error.message });
          continue;
        }
      }
      await runGroup(store, names, runs, fakeApi, loadGen);
      await redis?.stop();
      redis = undefined;
      await postgres?.stop();
      postgres = undefined;
    }
    await stopEverything();
  }
  const memory = options.memory ? measureIdleSessions() : undefined;
  const summary = summarize(runs);
  const ratioList = ratios(summary, runs);
  const report = formatReport({ summary, ratioList, memory, machine, runsPerScenario: options.runs }) + postgresReport(runs);
  console.log(`\n${report}\n`);
  mkdirSync(RESULTS, { recursive: true });
  const seconds = (Date.now() - startedAt.getTime()) / 1000;
  writeFileSync(
    `${RESULTS}latest.json`,
    `${JSON.stringify({ startedAt, seconds, machine, options, summary, ratios: ratioList, memory, runs }, null, 2)}\n`,
  );
  say(`done in ${seconds.toFixed(0)} s; results in bench/results/latest.json, process logs in ${LOGS.slice(ROOT.length)}`);
  say('docs/benchmarks.md quotes only published runs: `node bench/docs.mjs --publish` makes this one its "Latest run"');
}

main().catch(async (error) => {
  console.error(error);
  await stopEverything();
  process.exit(1);
});
