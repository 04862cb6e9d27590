// `npm run bench`: starts the fake LINE API, the load generator and each target in its own
// process, runs the scenarios, prints medians and ratios, writes bench/results/latest.json.
import { execFileSync } from 'node:child_process';

import { parseArgs } from './lib/args.mjs';
import { benchRun, cpuProfileArgs, runMain } from './lib/bench-run.mjs';
import { ACCESS_TOKEN, lineTargetEnv } from './lib/constants.mjs';
import { runPhase } from './lib/line-phase.mjs';
import { backendCpuUsPerEvent, postgresReport, roundTripsSince, startPostgres } from './lib/postgres.mjs';
import { startRedis } from './lib/redis.mjs';
import { formatReport, phaseLine, ratios, summarize } from './lib/report.mjs';
import { runRounds } from './lib/rounds.mjs';
import { SCENARIOS, WARMUP } from './lib/scenarios.mjs';
import { buildPackages, ensureBottender155, missingFor, ROOT } from './lib/setup.mjs';
import { TARGETS } from './lib/targets.mjs';

const options = parseArgs(process.argv.slice(2));
const run = benchRun({ sayPrefix: 'bench' });
const { say } = run;

let redis;
let postgres;
async function stopEverything() {
  await run.stopAll();
  await redis?.stop();
  redis = undefined;
  await postgres?.stop();
  postgres = undefined;
}

/** Starts every target of a store, warms each up, then runs the scenarios round by round. */
async function runGroup(store, scenarioNames, runs, fakeApi, loadGen) {
  const children = await runRounds({
    targets: options.targets.filter((t) => TARGETS[t].stores.includes(store)),
    scenarios: scenarioNames,
    rounds: options.runs,
    label: (name) => `${name} (${store})`,
    async launch(name) {
      const missing = missingFor(name);
      if (missing) throw new Error(missing);
      const target = TARGETS[name];
      const child = await run.start({
        name: `${name}-${store}`,
        script: target.script,
        cwd: target.cwd ?? ROOT,
        env: {
          ...lineTargetEnv(fakeApi.port, store),
          BENCH_REDIS_PORT: String(redis?.port ?? ''),
          BENCH_DATABASE_URL: postgres?.url ?? '',
          BENCH_PG_SCHEMA: postgres?.schema ?? '',
          ...target.env,
        },
        execArgv: options.profile ? cpuProfileArgs(`${name}-${store}`) : [],
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
      say(phaseLine(`warm-up ${name} (${store}, ${warm.sent} events)`, warm));
      return child;
    },
    async measure({ name, child, scenario, index, round }) {
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
      return result;
    },
    describe: (tag, result) => phaseLine(tag, result) + (postgres ? `, ${result.roundTripsPerEvent.toFixed(2)} round trips/event` : ''),
    say,
    runs,
  });
  for (const child of children) await run.stop(child);
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
    const fakeApi = await run.start({
      name: 'fake-line-api',
      script: `${ROOT}bench/fake-line-api/server.mjs`,
      env: { BENCH_ACCESS_TOKEN: ACCESS_TOKEN },
    });
    const loadGen = await run.start({ name: 'load-generator', script: `${ROOT}bench/load/generator.mjs` });
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
  const report = formatReport({ summary, ratioList, memory, machine: run.machine, runsPerScenario: options.runs }) + postgresReport(runs);
  console.log(`\n${report}\n`);
  run.writeResults('latest.json', { options, summary, ratios: ratioList, memory, runs });
  say('docs/benchmarks.md quotes only published runs: `node bench/docs.mjs --publish` makes this one its "Latest run"');
}

runMain(main, stopEverything);
