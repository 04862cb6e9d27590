// One invocation of a bench script: when it started, the machine it ran on, its child processes
// (each logging to a file in this invocation's log folder), and the results file it ends with.
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, release, totalmem } from 'node:os';

import { startChild } from './child.mjs';
import { ROOT } from './setup.mjs';

/** Where every bench script writes its results, logs and profiles (not committed). */
export const RESULTS = `${ROOT}bench/results/`;

/** The machine, as every report and results file names it. */
export const MACHINE = `${cpus().length} cores (${cpus()[0]?.model ?? 'unknown CPU'}), ${Math.round(totalmem() / 2 ** 30)} GiB, Linux ${release()}, Node ${process.version}`;

/** Node flags that make a target write a CPU profile, bench/results/profiles/<name>.cpuprofile, when it stops. */
export function cpuProfileArgs(name) {
  return ['--cpu-prof', `--cpu-prof-dir=${RESULTS}profiles`, `--cpu-prof-name=${name}.cpuprofile`];
}

/**
 * Starts the bookkeeping of one invocation: `say` prints with `sayPrefix`; the logs of the
 * processes it `start`s go to bench/results/logs/<logPrefix><start time>/<process name>.log.
 */
export function benchRun({ sayPrefix, logPrefix = '' }) {
  const startedAt = new Date();
  const logs = `${RESULTS}logs/${logPrefix}${startedAt.toISOString().replace(/[:.]/g, '-')}/`;
  const children = new Set();
  const say = (text) => console.log(`${sayPrefix}: ${text}`);
  return {
    startedAt,
    machine: MACHINE,
    say,
    /** Forks a bench process (see startChild) and keeps it for stopAll. */
    async start(spec) {
      const child = await startChild({ ...spec, logFile: `${logs}${spec.name}.log` });
      children.add(child);
      return child;
    },
    async stop(child) {
      await child.stop();
      children.delete(child);
    },
    async stopAll() {
      await Promise.allSettled([...children].map((c) => c.stop()));
      children.clear();
    },
    /** Writes `{ startedAt, seconds, machine, ...fields }` to bench/results/<fileName> and says where it and the logs are. */
    writeResults(fileName, fields) {
      mkdirSync(RESULTS, { recursive: true });
      const seconds = (Date.now() - startedAt.getTime()) / 1000;
      writeFileSync(`${RESULTS}${fileName}`, `${JSON.stringify({ startedAt, seconds, machine: MACHINE, ...fields }, null, 2)}\n`);
      say(`done in ${seconds.toFixed(0)} s; results in bench/results/${fileName}, process logs in ${logs.slice(ROOT.length)}`);
    },
  };
}

/** Runs the script's `main`; on an error (exit 1) or Ctrl-C (exit 130) first awaits `cleanup`, which stops its processes. */
export function runMain(main, cleanup) {
  process.on('SIGINT', () => void cleanup().then(() => process.exit(130)));
  main().catch(async (error) => {
    console.error(error);
    await cleanup();
    process.exit(1);
  });
}
