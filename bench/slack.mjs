// `node bench/slack.mjs`: the Slack scenarios. The counter bot answers every channel message
// with "Count: N" (chat.postMessage); a channel is a session. Targets, each in its own process:
//   raw                node:http alone (signature check, a Map, http.request): the ceiling
//   ours               @bottender/slack on the memory driver, started like `bottender start`
//   bolt               a Bolt 5.1 app with its defaults, counting in Bolt's conversation store
//   bottender-sync     Bottender 1.5.5's Slack connector, sync: true (answers after the handler)
//   bottender-default  Bottender 1.5.5 default (answers at once, handles after)
// Scenarios: SL1 = S1's shape (500 channels x 10 messages, 32 in flight); SL2 = the hot channel
// (1 channel x 300 messages, 30 in flight), where lost updates show. Writes bench/results/slack-latest.json.
//
//   node bench/slack.mjs                   5 rounds of SL1 and SL2, every target
//   node bench/slack.mjs --quick           1 round, SL1 at 100 channels x 5, after 1,000 warm-up events
//   node bench/slack.mjs --runs 3 --target ours,bolt --scenario SL2
//   node bench/slack.mjs --no-build        measure the packages/*/dist already built
//   node bench/slack.mjs --profile         run the targets under --cpu-prof (bench/results/profiles/slack-*.cpuprofile)
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { cpus, release, totalmem } from 'node:os';
import { fileURLToPath } from 'node:url';

import { startChild } from './lib/child.mjs';
import { cpuSeconds } from './lib/cpu-time.mjs';
import { peakRss, resetPeakRss } from './lib/peak-rss.mjs';
import { lostUpdates } from './lib/phase.mjs';
import { summarize } from './lib/report.mjs';
import { SCENARIOS, WARMUP } from './lib/scenarios.mjs';
import { buildPackages, ensureBottender155, ROOT } from './lib/setup.mjs';
import { median } from './lib/stats.mjs';

const here = (p) => fileURLToPath(new URL(p, import.meta.url));
const ACCESS_TOKEN = 'xoxb-bench-access-token';
const SIGNING_SECRET = 'bench-signing-secret-0123456789ab';
const WEBHOOK_PATH = '/webhooks/slack';
const V1_SERVER = here('./targets/bottender-1.5.5/server.cjs');
const BOLT_DIR = here('./bolt/');

const TARGETS = {
  raw: { label: 'raw node:http Slack (ceiling)', script: here('./targets/slack/raw-http.cjs') },
  ours: { label: 'ours (@bottender/slack, memory)', script: here('./targets/slack/ours/server.cjs'), needsBuild: true },
  bolt: { label: 'Bolt 5.1 defaults, conversation store', script: here('./targets/slack/bolt/server.cjs'), needsBolt: true },
  'bottender-sync': {
    label: 'Bottender 1.5.5 sync: true',
    script: V1_SERVER,
    cwd: here('./targets/slack/bottender-1.5.5/'),
    env: { BENCH_BOTTENDER_SYNC: 'true' },
    needsV1: true,
  },
  'bottender-default': {
    label: 'Bottender 1.5.5 default (async)',
    script: V1_SERVER,
    cwd: here('./targets/slack/bottender-1.5.5/'),
    env: { BENCH_BOTTENDER_SYNC: 'false' },
    needsV1: true,
  },
};
const SHAPES = {
  SL1: { ...SCENARIOS.S1, name: 'SL1', title: 'Slack throughput (S1 shape)' },
  SL2: { ...SCENARIOS.S2, name: 'SL2', title: 'Slack hot channel (S2 shape)' },
};
const PAIRS = ['bottender-sync', 'bottender-default', 'bolt', 'raw'];

function parse(argv) {
  const options = { runs: 5, build: true, warmup: WARMUP, shapes: { ...SHAPES }, scenarios: Object.keys(SHAPES), targets: Object.keys(TARGETS) };
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = argv[i].split('=', 2);
    const value = () => inline ?? argv[++i] ?? '';
    if (flag === '--runs') options.runs = Number(value());
    else if (flag === '--quick') {
      options.runs = 1;
      options.shapes.SL1 = { ...options.shapes.SL1, users: 100, eventsPerUser: 5 };
      options.warmup = { ...WARMUP, users: 100 };
    } else if (flag === '--no-build') options.build = false;
    else if (flag === '--profile') options.profile = true;
    else if (flag === '--scenario' || flag === '--scenarios') options.scenarios = value().toUpperCase().split(',');
    else if (flag === '--target' || flag === '--targets') options.targets = value().split(',').flatMap((t) => (t === 'bottender' ? ['bottender-sync', 'bottender-default'] : [t]));
    else throw new Error(`unknown option ${argv[i]}; usage: node bench/slack.mjs [--quick] [--runs 5] [--no-build] [--profile] [--scenario SL1,SL2] [--target raw,ours,bolt,bottender-sync,bottender-default]`);
  }
  if (!Number.isInteger(options.runs) || options.runs < 1 || options.runs > 9) throw new Error('--runs is 1..9');
  const unknown = [...options.targets.filter((t) => !TARGETS[t]), ...options.scenarios.filter((s) => !SHAPES[s])];
  if (unknown.length) throw new Error(`unknown target or scenario ${unknown.join(', ')}`);
  return options;
}

const options = parse(process.argv.slice(2));
const startedAt = new Date();
const RESULTS = `${ROOT}bench/results/`;
const LOGS = `${RESULTS}logs/slack-${startedAt.toISOString().replace(/[:.]/g, '-')}/`;
const machine = `${cpus().length} cores (${cpus()[0]?.model ?? 'unknown CPU'}), ${Math.round(totalmem() / 2 ** 30)} GiB, Linux ${release()}, Node ${process.version}`;
const say = (text) => console.log(`bench slack: ${text}`);
const children = new Set();
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

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

/** Installs bench/bolt from its lock file on first use (never part of the workspaces). */
function ensureBolt() {
  if (existsSync(`${BOLT_DIR}node_modules/@slack/bolt/package.json`)) return;
  say('installing Bolt into bench/bolt (first run only)...');
  const result = spawnSync('npm', ['ci', '--no-audit', '--no-fund', '--ignore-scripts', '--prefix', BOLT_DIR], { cwd: BOLT_DIR, stdio: 'inherit' });
  if (result.status !== 0) throw new Error('could not install bench/bolt (npm ci failed)');
}

/** Waits until every sent message got its answer posted, or posts stop coming for 1.5 s. */
async function settled(fakeApi, expected, quietMs = 1_500, maxMs = 30_000) {
  const begun = Date.now();
  let last = await fakeApi.call('collect');
  let lastChange = Date.now();
  while (last.replies < expected && Date.now() - lastChange < quietMs && Date.now() - begun < maxMs) {
    await sleep(100);
    const now = await fakeApi.call('collect');
    if (now.replies !== last.replies) lastChange = Date.now();
    last = now;
  }
  return last;
}

async function runPhase({ target, fakeApi, loadGen, shape, tag, seed }) {
  await fakeApi.call('reset');
  const rssReset = resetPeakRss(target.pid);
  const before = { target: cpuSeconds(target.pid), load: cpuSeconds(loadGen.pid), api: cpuSeconds(fakeApi.pid) };
  const load = await loadGen.call('run', {
    url: `http://127.0.0.1:${target.port}${WEBHOOK_PATH}`,
    tag,
    seed,
    users: shape.users,
    eventsPerUser: shape.eventsPerUser,
    inFlight: shape.inFlight,
    signingSecret: SIGNING_SECRET,
    deadlineMs: 120_000,
  });
  const api = await settled(fakeApi, load.sent);
  const handled = api.replies;
  const seconds = (api.lastNs - load.firstSendNs) / 1e9;
  const per = (used) => (handled > 0 ? (used * 1e6) / handled : NaN);
  return {
    sent: load.sent,
    handled,
    eventsPerSec: handled > 0 && seconds > 0 ? handled / seconds : 0,
    p50Ms: load.p50Ms,
    p99Ms: load.p99Ms,
    non2xx: load.non2xx,
    lostUpdates: lostUpdates(load.sentPerUser, api.highest),
    peakRssBytes: peakRss(target.pid),
    cpuUsPerEvent: per(cpuSeconds(target.pid) - before.target),
    peakRssIsRunOnly: rssReset,
    diagnostics: {
      statuses: load.statuses,
      failures: load.failures,
      firstError: load.firstError,
      timedOut: load.timedOut,
      posts: api.replies,
      unreadablePosts: api.unreadable,
      otherApiCalls: api.unknownPaths,
      apiConnectionsOpened: api.connections,
      loadGenCpuUsPerEvent: per(cpuSeconds(loadGen.pid) - before.load),
      fakeApiCpuUsPerEvent: per(cpuSeconds(fakeApi.pid) - before.api),
      answeredSeconds: (load.lastAnswerNs - load.firstSendNs) / 1e9,
      lastPostSeconds: seconds,
    },
  };
}

const line = (tag, r) =>
  `${tag}: ${Math.round(r.eventsPerSec)} events/s, p50 ${r.p50Ms.toFixed(1)} ms, p99 ${r.p99Ms.toFixed(1)} ms, non-2xx ${r.non2xx}, ` +
  `lost ${r.lostUpdates}/${r.sent}, peak RSS ${(r.peakRssBytes / 2 ** 20).toFixed(0)} MiB, target CPU ${r.cpuUsPerEvent.toFixed(0)} µs/event`;

function ratioList(summary, runs) {
  const out = [];
  for (const scenario of options.scenarios) {
    const ours = summary.find((r) => r.scenario === scenario && r.target === 'ours' && !r.error);
    for (const other of PAIRS) {
      const peer = summary.find((r) => r.scenario === scenario && r.target === other && !r.error);
      if (!ours || !peer || !peer.eventsPerSec) continue;
      const perRound = runs
        .filter((r) => r.scenario === scenario && r.target === 'ours' && r.result)
        .map((r) => [r, runs.find((p) => p.scenario === scenario && p.target === other && p.round === r.round && p.result)])
        .filter(([, p]) => p?.result.eventsPerSec > 0)
        .map(([r, p]) => r.result.eventsPerSec / p.result.eventsPerSec);
      out.push({ scenario, ratio: `ours / ${other}`, value: ours.eventsPerSec / peer.eventsPerSec, medianOfRunRatios: median(perRound) });
    }
  }
  return out;
}

function report(summary, ratios) {
  const num = (v, d = 0) => (Number.isFinite(v) ? v.toFixed(d) : '-');
  const lines = [`Machine: ${machine}. Medians of ${options.runs} runs; 2 cores shared by load generator, fake Slack API and target.`, ''];
  lines.push('| scenario | target | events/s | p50 ms | p99 ms | non-2xx (worst run) | lost updates (worst run) | peak RSS | target CPU µs/event |', '| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
  for (const r of summary) {
    if (r.error) lines.push(`| ${r.scenario} | ${r.target} | not run: ${r.error.split('\n')[0].slice(0, 120)} | | | | | | |`);
    else {
      lines.push(
        `| ${r.scenario} | ${r.target} | ${num(r.eventsPerSec)} | ${num(r.p50Ms, 1)} | ${num(r.p99Ms, 1)} | ${r.non2xxMax} | ${r.lostUpdatesMax} of ${r.sentPerRun} | ${num(r.peakRssBytes / 2 ** 20)} MiB | ${num(r.cpuUsPerEvent)} |`,
      );
    }
  }
  lines.push('', '| scenario | ratio of events/s | of the medians | median of same-round ratios |', '| --- | --- | ---: | ---: |');
  for (const r of ratios) lines.push(`| ${r.scenario} | ${r.ratio} | ${r.value.toFixed(2)}x | ${num(r.medianOfRunRatios, 2)}x |`);
  return lines.join('\n');
}

async function main() {
  if (options.build) buildPackages();
  if (options.targets.some((t) => TARGETS[t].needsV1)) ensureBottender155();
  if (options.targets.includes('bolt')) ensureBolt();
  const fakeApi = await start({ name: 'fake-slack-api', script: here('./fake-slack-api/server.mjs'), env: { BENCH_ACCESS_TOKEN: ACCESS_TOKEN } });
  const loadGen = await start({ name: 'slack-load-generator', script: here('./load/slack-generator.mjs') });
  const runs = [];
  const live = [];
  for (const name of options.targets) {
    const target = TARGETS[name];
    try {
      const child = await start({
        name: `slack-${name}`,
        script: target.script,
        cwd: target.cwd ?? ROOT,
        env: {
          NODE_ENV: 'production',
          BENCH_SLACK_ORIGIN: `http://127.0.0.1:${fakeApi.port}`,
          BENCH_SIGNING_SECRET: SIGNING_SECRET,
          BENCH_ACCESS_TOKEN: ACCESS_TOKEN,
          BENCH_WEBHOOK_PATH: WEBHOOK_PATH,
          BENCH_STORE: 'memory',
          ...target.env,
        },
        execArgv: options.profile ? ['--cpu-prof', `--cpu-prof-dir=${RESULTS}profiles`, `--cpu-prof-name=slack-${name}.cpuprofile`] : [],
      });
      const warm = await runPhase({ target: child, fakeApi, loadGen, shape: options.warmup, tag: `w${name.replace(/\W/g, '')}`, seed: 7 });
      say(line(`warm-up ${name} (${warm.sent} events)`, warm));
      live.push({ name, child });
    } catch (error) {
      say(`${name} not run: ${error.message}`);
      for (const scenario of options.scenarios) runs.push({ scenario, target: name, error: String(error.message) });
    }
  }
  for (let round = 1; round <= options.runs; round++) {
    for (const [index, scenario] of options.scenarios.entries()) {
      for (const { name, child } of live) {
        if (child.dead) continue;
        try {
          const result = await runPhase({ target: child, fakeApi, loadGen, shape: options.shapes[scenario], tag: `${scenario}r${round}${name.replace(/\W/g, '')}`.toLowerCase(), seed: round * 10 + index });
          runs.push({ scenario, target: name, round, result });
          say(line(`${scenario} run ${round} ${name}`, result));
        } catch (error) {
          child.dead = true;
          runs.push({ scenario, target: name, round, error: error.message });
          say(`${scenario} run ${round} ${name} failed: ${error.message}`);
        }
      }
    }
  }
  await stopAll();
  const summary = summarize(runs);
  const ratios = ratioList(summary, runs);
  console.log(`\n${report(summary, ratios)}\n`);
  mkdirSync(RESULTS, { recursive: true });
  const seconds = (Date.now() - startedAt.getTime()) / 1000;
  writeFileSync(`${RESULTS}slack-latest.json`, `${JSON.stringify({ startedAt, seconds, machine, options, targets: TARGETS, summary, ratios, runs }, null, 2)}\n`);
  say(`done in ${seconds.toFixed(0)} s; results in bench/results/slack-latest.json, process logs in ${LOGS.slice(ROOT.length)}`);
}

main().catch(async (error) => {
  console.error(error);
  await stopAll();
  process.exit(1);
});
