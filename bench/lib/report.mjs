// Medians over runs, ratios, and the table printed at the end of `npm run bench`.
import { median } from './stats.mjs';

const CORES_NOTE = '2 cores shared by load generator, fake API and target';

function maxOrNaN(values) {
  const finite = values.filter(Number.isFinite);
  return finite.length ? Math.max(...finite) : NaN;
}

/** Collapses the runs of each (scenario, target) into medians (worst run for counts). */
export function summarize(runs) {
  const groups = new Map();
  for (const run of runs) {
    const key = `${run.scenario}|${run.target}`;
    if (!groups.has(key)) groups.set(key, []);
    groups.get(key).push(run);
  }
  return [...groups.values()].map((list) => {
    const ok = list.filter((r) => !r.error);
    const pick = (f) => ok.map((r) => r.result[f]);
    return {
      scenario: list[0].scenario,
      target: list[0].target,
      runs: ok.length,
      error: ok.length ? undefined : list[0].error,
      eventsPerSec: median(pick('eventsPerSec')),
      eventsPerSecRuns: pick('eventsPerSec').map((v) => Math.round(v)),
      p50Ms: median(pick('p50Ms')),
      p99Ms: median(pick('p99Ms')),
      non2xxMax: Math.max(...pick('non2xx'), 0),
      lostUpdatesMax: Math.max(...pick('lostUpdates'), 0),
      lostUpdatesMedian: median(pick('lostUpdates')),
      sentPerRun: median(pick('sent')),
      cpuUsPerEvent: median(pick('cpuUsPerEvent')),
      loadGenCpuUsPerEvent: median(ok.map((r) => r.result.diagnostics.loadGenCpuUsPerEvent)),
      fakeApiCpuUsPerEvent: median(ok.map((r) => r.result.diagnostics.fakeApiCpuUsPerEvent)),
      redisCpuUsPerEvent: median(ok.map((r) => r.result.diagnostics.redisCpuUsPerEvent ?? NaN)),
      peakRssBytes: maxOrNaN(pick('peakRssBytes')),
    };
  });
}

const RATIOS = [
  ['ours', 'bottender-sync'],
  ['ours', 'bottender-default'],
  ['ours', 'raw'],
  ['ours', 'sdk'],
];

/**
 * The ratios of a's events/s to b's in `scenario`, one per round in which both ran (back to
 * back, so under about the same background load).
 */
export function sameRoundRatios(runs, scenario, a, b) {
  const inRound = (round) => runs.find((r) => r.scenario === scenario && r.target === b && r.round === round && r.result);
  const perRound = [];
  for (const run of runs.filter((r) => r.scenario === scenario && r.target === a && r.result)) {
    const other = inRound(run.round);
    if (other?.result.eventsPerSec > 0) perRound.push(run.result.eventsPerSec / other.result.eventsPerSec);
  }
  return perRound;
}

/** The summary row of a (scenario, target) that ran. */
export function measured(summary, scenario, target) {
  return summary.find((r) => r.scenario === scenario && r.target === target && !r.error);
}

/**
 * ours / other per scenario: the ratio of the median events/s, and the median of the ratios of
 * runs made in the same round.
 */
export function ratios(summary, runs = []) {
  const out = [];
  for (const scenario of [...new Set(summary.map((r) => r.scenario))]) {
    for (const [a, b] of RATIOS) {
      const x = measured(summary, scenario, a)?.eventsPerSec;
      const y = measured(summary, scenario, b)?.eventsPerSec;
      if (!x || !y) continue;
      const perRound = sameRoundRatios(runs, scenario, a, b);
      out.push({ scenario, ratio: `${a} / ${b}`, value: x / y, medianOfRunRatios: median(perRound), runRatios: perRound });
    }
  }
  return out;
}

/** The line printed after each warm-up and run. */
export function phaseLine(tag, r) {
  return (
    `${tag}: ${Math.round(r.eventsPerSec)} events/s, p50 ${r.p50Ms.toFixed(1)} ms, p99 ${r.p99Ms.toFixed(1)} ms, ` +
    `non-2xx ${r.non2xx}, lost ${r.lostUpdates}/${r.sent}, peak RSS ${(r.peakRssBytes / 2 ** 20).toFixed(0)} MiB, ` +
    `target CPU ${r.cpuUsPerEvent.toFixed(0)} µs/event`
  );
}

const num = (v, digits = 0) => (Number.isFinite(v) ? v.toFixed(digits) : '-');
const mib = (b) => (Number.isFinite(b) ? `${(b / 2 ** 20).toFixed(0)} MiB` : '-');

/** A row of the table of medians: scenario, target, events/s, p50, p99, non-2xx, lost updates, peak RSS, target CPU. */
export function summaryRow(r) {
  if (r.error) return `| ${r.scenario} | ${r.target} | not run: ${r.error.split('\n')[0].slice(0, 120)} | | | | | | |`;
  return `| ${r.scenario} | ${r.target} | ${num(r.eventsPerSec)} | ${num(r.p50Ms, 1)} | ${num(r.p99Ms, 1)} | ${r.non2xxMax} | ${r.lostUpdatesMax} of ${r.sentPerRun} | ${mib(r.peakRssBytes)} | ${num(r.cpuUsPerEvent)} |`;
}

/** A row of the table of ratios. */
export function ratioRow(r) {
  return `| ${r.scenario} | ${r.ratio} | ${r.value.toFixed(2)}x | ${num(r.medianOfRunRatios, 2)}x |`;
}

/** The Markdown tables of a run. */
export function formatReport({ summary, ratioList, memory, machine, runsPerScenario }) {
  const lines = [];
  lines.push(`Machine: ${machine}. Medians of ${runsPerScenario} runs; ${CORES_NOTE}.`, '');
  lines.push(
    `| scenario | target | events/s (${CORES_NOTE}) | p50 ms | p99 ms | non-2xx (worst run) | lost updates (worst run) | peak RSS | target CPU µs/event |`,
    '| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
  );
  lines.push(...summary.map(summaryRow));
  if (ratioList.length) {
    lines.push(
      '',
      `| scenario | ratio of events/s (${CORES_NOTE}) | of the medians | median of same-round ratios |`,
      '| --- | --- | ---: | ---: |',
    );
    lines.push(...ratioList.map(ratioRow));
  }
  const measured = summary.filter((r) => !r.error);
  if (measured.length) {
    lines.push(
      '',
      'Where the CPU goes, µs per handled event (medians; from /proc, user + system):',
      '',
      '| scenario | target | target | load generator | fake LINE API | redis-server | all | cores busy at that rate |',
      '| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |',
    );
    for (const r of measured) {
      const parts = [r.cpuUsPerEvent, r.loadGenCpuUsPerEvent, r.fakeApiCpuUsPerEvent, r.redisCpuUsPerEvent];
      const all = parts.filter(Number.isFinite).reduce((a, b) => a + b, 0);
      lines.push(
        `| ${r.scenario} | ${r.target} | ${parts.map((v) => num(v)).join(' | ')} | ${num(all)} | ${num((all * r.eventsPerSec) / 1e6, 2)} of 2 |`,
      );
    }
  }
  if (memory) {
    lines.push(
      '',
      `Idle sessions (memory driver): ${memory.sessions.toLocaleString('en-US')} sessions, process RSS ${mib(memory.rssBytes)}, ` +
        `+${mib(memory.rssDeltaBytes)} over the empty store = ${num(memory.rssBytesPerSession)} bytes/session RSS ` +
        `(${num(memory.heapBytesPerSession)} bytes/session of JS heap).`,
    );
  }
  return lines.join('\n');
}
