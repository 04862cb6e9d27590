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
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { cpus, release, totalmem } from 'node:os';
import { fileURLToPath } from 'node:url';

import { startChild } from './lib/child.mjs';
import { ACCESS_TOKEN, CHANNEL_SECRET, WEBHOOK_PATH } from './lib/constants.mjs';
import { runPhase } from './lib/phase.mjs';
import { formatReport, ratios, summarize } from './lib/report.mjs';
import { SCENARIOS, WARMUP } from './lib/scenarios.mjs';
import { buildPackages, ensureBottender155, ROOT } from './lib/setup.mjs';

const here = (p) => fileURLToPath(new URL(p, import.meta.url));
const TEST_SERVER = `${ROOT}packages/mongo/test-server/`;
const V1_SERVER = here('./targets/bottender-1.5.5/server.cjs');

/** The targets of this run; the 1.5.5 ones run the shared 1.5.5 server script in this folder's config. */
const TARGETS = {
  ours: { label: 'ours (@bottender/mongo)', script: here('./targets/mongo/ours/server.cjs') },
  'bottender-sync': {
    label: 'Bottender 1.5.5 sync: true, its MongoSessionStore',
    script: V1_SERVER,
    cwd: here('./targets/mongo/bottender-1.5.5/'),
    env: { BENCH_BOTTENDER_SYNC: 'true' },
  },
  'bottender-default': {
    label: 'Bottender 1.5.5 default (async), its MongoSessionStore',
    script: V1_SERVER,
    cwd: here('./targets/mongo/bottender-1.5.5/'),
    env: { BENCH_BOTTENDER_SYNC: 'false' },
  },
};
/** Commands that are the drivers' own monitoring and connection set-up, not the handling of events. */
const NOT_PER_EVENT = new Set(['hello', 'ismaster', 'isMaster', 'ping', 'buildInfo', 'buildinfo', 'endSessions', 'saslStart', 'getLastError', 'createIndexes', 'listIndexes']);

function parse(argv) {
  const options = { runs: 5, build: true, warmup: WARMUP, shape: { ...SCENARIOS.S3, name: 'S3-mongo', title: 'throughput on MongoDB (test server)', store: 'mongo' }, targets: Object.keys(TARGETS) };
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = argv[i].split('=', 2);
    const value = () => inline ?? argv[++i] ?? '';
    if (flag === '--runs') options.runs = Number(value());
    else if (flag === '--quick') Object.assign(options, { runs: 1, shape: { ...options.shape, users: 100, eventsPerUser: 5 }, warmup: { ...WARMUP, users: 100 } });
    else if (flag === '--no-build') options.build = false;
    else if (flag === '--target' || flag === '--targets') options.targets = value().split(',').flatMap((t) => (t === 'bottender' ? ['bottender-sync', 'bottender-default'] : [t]));
    else throw new Error(`unknown option ${argv[i]}; usage: node bench/mongo.mjs [--quick] [--runs 5] [--no-build] [--target ours,bottender-sync,bottender-default]`);
  }
  if (!Number.isInteger(options.runs) || options.runs < 1 || options.runs > 9) throw new Error('--runs is 1..9');
  const unknown = options.targets.filter((t) => !TARGETS[t]);
  if (unknown.length) throw new Error(`unknown target ${unknown.join(', ')}`);
  return options;
}

const options = parse(process.argv.slice(2));
const startedAt = new Date();
const RESULTS = `${ROOT}bench/results/`;
const LOGS = `${RESULTS}logs/mongo-${startedAt.toISOString().replace(/[:.]/g, '-')}/`;
const machine = `${cpus().length} cores (${cpus()[0]?.model ?? 'unknown CPU'}), ${Math.round(totalmem() / 2 ** 30)} GiB, Linux ${release()}, Node ${process.version}`;
const say = (text) => console.log(`bench mongo: ${text}`);
const children = new Set();

async function start(spec) {
  const child = await startChild({ ...spec, logFile: `${LOGS}${spec.name}.log` });
  children.add(child);
  return child;
}
async function stopAll() {
  await Promise.allSettled([...children].map((c) => c.stop()));
  children.clear();
}
process.on('SIGINT', () => void stopAll().then(() => process.exit(130)));

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
  const fakeApi = await start({ name: 'fake-line-api', script: `${ROOT}bench/fake-line-api/server.mjs`, env: { BENCH_ACCESS_TOKEN: ACCESS_TOKEN } });
  const loadGen = await start({ name: 'load-generator', script: `${ROOT}bench/load/generator.mjs` });
  const mongo = await start({ name: 'mongo-test-server', script: `${TEST_SERVER}server.mjs`, cwd: TEST_SERVER });
  const url = `mongodb://127.0.0.1:${mongo.port}/bench`;
  say(`MongoDB test server on port ${mongo.port}; shape ${options.shape.users} users x ${options.shape.eventsPerUser} events, ${options.shape.inFlight} in flight`);

  const runs = [];
  const live = [];
  for (const name of options.targets) {
    const target = TARGETS[name];
    try {
      const child = await start({
        name: `${name}-mongo`,
        script: target.script,
        cwd: target.cwd ?? ROOT,
        env: {
          NODE_ENV: 'production',
          BENCH_LINE_ORIGIN: `http://127.0.0.1:${fakeApi.port}`,
          BENCH_CHANNEL_SECRET: CHANNEL_SECRET,
          BENCH_ACCESS_TOKEN: ACCESS_TOKEN,
          BENCH_WEBHOOK_PATH: WEBHOOK_PATH,
          BENCH_STORE: 'mongo',
          BENCH_MONGO_URL: url,
          ...target.env,
        },
      });
      const warm = await phase(child, mongo, fakeApi, loadGen, options.warmup, `Wmongo${name}`, 7);
      say(line(`warm-up ${name} (${warm.sent} events)`, warm));
      live.push({ name, child });
    } catch (error) {
      say(`${name} not run: ${error.message}`);
      runs.push({ scenario: options.shape.name, target: name, error: error.message });
    }
  }
  for (let round = 1; round <= options.runs; round++) {
    for (const { name, child } of live) {
      if (child.dead) continue;
      try {
        const result = await phase(child, mongo, fakeApi, loadGen, options.shape, `${options.shape.name}R${round}${name}`, round * 10);
        runs.push({ scenario: options.shape.name, target: name, round, result });
        say(line(`${options.shape.name} run ${round} ${name}`, result));
      } catch (error) {
        child.dead = true;
        runs.push({ scenario: options.shape.name, target: name, round, error: error.message });
        say(`${options.shape.name} run ${round} ${name} failed: ${error.message}`);
      }
    }
  }
  await stopAll();

  const summary = summarize(runs);
  for (const row of summary) {
    const own = runs.filter((r) => r.target === row.target && r.result).map((r) => r.result.roundTripsPerEvent);
    row.roundTripsPerEvent = own.length ? own.sort((a, b) => a - b)[own.length >> 1] : NaN;
  }
  const ratioList = ratios(summary, runs);
  // The shared report names the store's column after Redis; here that process is the test server.
  const report = formatReport({ summary, ratioList, memory: undefined, machine, runsPerScenario: options.runs });
  console.log(`\n${report.replace('| redis-server |', '| MongoDB test server |')}\n`);
  console.log('Round trips per handled event (commands the server received, heartbeats left out; median of runs):\n');
  console.log('| target | round trips / event |\n| --- | ---: |');
  for (const row of summary.filter((r) => !r.error)) console.log(`| ${row.target} | ${row.roundTripsPerEvent.toFixed(2)} |`);
  mkdirSync(RESULTS, { recursive: true });
  const seconds = (Date.now() - startedAt.getTime()) / 1000;
  writeFileSync(`${RESULTS}mongo-latest.json`, `${JSON.stringify({ startedAt, seconds, machine, options, summary, ratios: ratioList, runs }, null, 2)}\n`);
  say(`done in ${seconds.toFixed(0)} s; results in bench/results/mongo-latest.json, process logs in ${LOGS.slice(ROOT.length)}`);
}

/** One phase on an empty database (the test server's every command scans its collection). */
async function phase(child, mongo, fakeApi, loadGen, shape, tag, seed) {
  await mongo.call('drop');
  await mongo.call('resetStats');
  const result = await runPhase({ target: child, fakeApi, loadGen, shape, tag, seed, redisPid: mongo.pid });
  const trips = await roundTrips(mongo, result.handled);
  return { ...result, roundTripsPerEvent: trips.perEvent, commands: trips.commands };
}

main().catch(async (error) => {
  console.error(error);
  await stopAll();
  process.exit(1);
});
