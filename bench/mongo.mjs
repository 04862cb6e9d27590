// `node bench/mongo.mjs`: the S3 shape (throughput with a shared store) on MongoDB, i.e. on the
// MongoDB-wire-compatible test server of packages/mongo/test-server (no mongod can be installed
// here): ours (@bottender/mongo) against Bottender 1.5.5's own mongo driver on the same server.
// Besides events/s it counts the commands the server received per handled event (round trips;
// the driver's monitoring heartbeats left out). Writes bench/results/mongo-latest.json.
//
//   node bench/mongo.mjs                 5 rounds of 500 users x 10 events, 32 in flight (S3)
//   node bench/mongo.mjs --quick         1 round of 100 users x 5 events after 1,000 warm-up events (a check that it runs)
//   node bench/mongo.mjs --runs 3 --target ours,bottender-sync
//   node bench/mongo.mjs --no-build      measure the packages/*/dist already built
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

import { benchRun, runMain } from './lib/bench-run.mjs';
import { bottender155Targets } from './lib/bottender-155-targets.mjs';
import { ACCESS_TOKEN, lineTargetEnv } from './lib/constants.mjs';
import { checkRuns, parseFlags, targetNames } from './lib/flags.mjs';
import { runPhase } from './lib/line-phase.mjs';
import { formatReport, ratios, summarize } from './lib/report.mjs';
import { runRounds } from './lib/rounds.mjs';
import { SCENARIOS, WARMUP } from './lib/scenarios.mjs';
import { buildPackages, ensureBottender155, ROOT } from './lib/setup.mjs';

const here = (p) => fileURLToPath(new URL(p, import.meta.url));
const TEST_SERVER = `${ROOT}packages/mongo/test-server/`;

/** The targets of this run; the 1.5.5 ones run the shared 1.5.5 server script in this folder's config. */
const TARGETS = {
  ours: { label: 'ours (@bottender/mongo)', script: here('./targets/mongo/ours/server.cjs') },
  ...bottender155Targets(here('./targets/mongo/bottender-1.5.5/'), { labelSuffix: ', its MongoSessionStore' }),
};
/** Commands that are the drivers' own monitoring and connection set-up, not the handling of events. */
const NOT_PER_EVENT = new Set(['hello', 'ismaster', 'isMaster', 'ping', 'buildInfo', 'buildinfo', 'endSessions', 'saslStart', 'getLastError', 'createIndexes', 'listIndexes']);

function parse(argv) {
  const options = { runs: 5, build: true, warmup: WARMUP, shape: { ...SCENARIOS.S3, name: 'S3-mongo', title: 'throughput on MongoDB (test server)', store: 'mongo' }, targets: Object.keys(TARGETS) };
  const target = (value) => (options.targets = targetNames(value()));
  const flags = {
    '--runs': (value) => (options.runs = Number(value())),
    '--quick': () => Object.assign(options, { runs: 1, shape: { ...options.shape, users: 100, eventsPerUser: 5 }, warmup: { ...WARMUP, users: 100 } }),
    '--no-build': () => (options.build = false),
    '--target': target,
    '--targets': target,
  };
  parseFlags(argv, flags, 'node bench/mongo.mjs [--quick] [--runs 5] [--no-build] [--target ours,bottender-sync,bottender-default]');
  checkRuns(options.runs);
  const unknown = options.targets.filter((t) => !TARGETS[t]);
  if (unknown.length) throw new Error(`unknown target ${unknown.join(', ')}`);
  return options;
}

const options = parse(process.argv.slice(2));
const run = benchRun({ sayPrefix: 'bench mongo', logPrefix: 'mongo-' });
const { say } = run;

/** Commands per handled event the server received during a phase. */
async function roundTrips(mongo, handled) {
  const { commands } = await mongo.call('stats');
  const perEvent = Object.entries(commands).filter(([name]) => !NOT_PER_EVENT.has(name));
  const total = perEvent.reduce((sum, [, n]) => sum + n, 0);
  return { perEvent: handled > 0 ? total / handled : NaN, commands: Object.fromEntries(perEvent) };
}

function line(tag, r) {
  return (
    `${tag}: ${Math.round(r.eventsPerSec)} events/s, p50 ${r.p50Ms.toFixed(1)} ms, p99 ${r.p99Ms.toFixed(1)} ms, ` +
    `non-2xx ${r.non2xx}, lost ${r.lostUpdates}/${r.sent}, ${r.roundTripsPerEvent.toFixed(2)} round trips/event ` +
    `(${Object.entries(r.commands).map(([n, c]) => `${n} ${c}`).join(', ')}), target CPU ${r.cpuUsPerEvent.toFixed(0)} µs/event`
  );
}

async function main() {
  if (!existsSync(`${TEST_SERVER}node_modules/@push.rocks/smartmongo/package.json`)) {
    throw new Error('the MongoDB test server is not installed: npm install --ignore-scripts --prefix packages/mongo/test-server');
  }
  if (options.build) buildPackages();
  if (options.targets.some((t) => t !== 'ours')) ensureBottender155();
  const fakeApi = await run.start({ name: 'fake-line-api', script: `${ROOT}bench/fake-line-api/server.mjs`, env: { BENCH_ACCESS_TOKEN: ACCESS_TOKEN } });
  const loadGen = await run.start({ name: 'load-generator', script: `${ROOT}bench/load/generator.mjs` });
  const mongo = await run.start({ name: 'mongo-test-server', script: `${TEST_SERVER}server.mjs`, cwd: TEST_SERVER });
  const url = `mongodb://127.0.0.1:${mongo.port}/bench`;
  say(`MongoDB test server on port ${mongo.port}; shape ${options.shape.users} users x ${options.shape.eventsPerUser} events, ${options.shape.inFlight} in flight`);

  const runs = [];
  await runRounds({
    targets: options.targets,
    scenarios: [options.shape.name],
    rounds: options.runs,
    async launch(name) {
      const target = TARGETS[name];
      const child = await run.start({
        name: `${name}-mongo`,
        script: target.script,
        cwd: target.cwd ?? ROOT,
        env: { ...lineTargetEnv(fakeApi.port, 'mongo'), BENCH_MONGO_URL: url, ...target.env },
      });
      const warm = await phase(child, mongo, fakeApi, loadGen, options.warmup, `Wmongo${name}`, 7);
      say(line(`warm-up ${name} (${warm.sent} events)`, warm));
      return child;
    },
    measure: ({ name, child, round }) => phase(child, mongo, fakeApi, loadGen, options.shape, `${options.shape.name}R${round}${name}`, round * 10),
    describe: line,
    say,
    runs,
  });
  await run.stopAll();

  const summary = summarize(runs);
  for (const row of summary) {
    const own = runs.filter((r) => r.target === row.target && r.result).map((r) => r.result.roundTripsPerEvent);
    row.roundTripsPerEvent = own.length ? own.sort((a, b) => a - b)[own.length >> 1] : NaN;
  }
  const ratioList = ratios(summary, runs);
  // The shared report names the store's column after Redis; here that process is the test server.
  const report = formatReport({ summary, ratioList, memory: undefined, machine: run.machine, runsPerScenario: options.runs });
  console.log(`\n${report.replace('| redis-server |', '| MongoDB test server |')}\n`);
  console.log('Round trips per handled event (commands the server received, heartbeats left out; median of runs):\n');
  console.log('| target | round trips / event |\n| --- | ---: |');
  for (const row of summary.filter((r) => !r.error)) console.log(`| ${row.target} | ${row.roundTripsPerEvent.toFixed(2)} |`);
  run.writeResults('mongo-latest.json', { options, summary, ratios: ratioList, runs });
}

/** One phase on an empty database (the test server's every command scans its collection). */
async function phase(child, mongo, fakeApi, loadGen, shape, tag, seed) {
  await mongo.call('drop');
  await mongo.call('resetStats');
  const result = await runPhase({ target: child, fakeApi, loadGen, shape, tag, seed, redisPid: mongo.pid });
  const trips = await roundTrips(mongo, result.handled);
  return { ...result, roundTripsPerEvent: trips.perEvent, commands: trips.commands };
}

runMain(main, () => run.stopAll());
