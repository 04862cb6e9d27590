// The ratios and tables the chat benches (bench/telegram.mjs, bench/slack.mjs) print at the end.
import { measured, ratioRow, sameRoundRatios, summaryRow } from './report.mjs';
import { median } from './stats.mjs';

/**
 * ours / peer for each scenario and each of `peers` that ran: the ratio of the median events/s,
 * and the median of the same-round ratios.
 */
export function chatRatios(summary, runs, scenarios, peers) {
  const out = [];
  for (const scenario of scenarios) {
    const ours = measured(summary, scenario, 'ours');
    for (const other of peers) {
      const peer = measured(summary, scenario, other);
      if (!ours || !peer || !peer.eventsPerSec) continue;
      const perRound = sameRoundRatios(runs, scenario, 'ours', other);
      out.push({ scenario, ratio: `ours / ${other}`, value: ours.eventsPerSec / peer.eventsPerSec, medianOfRunRatios: median(perRound) });
    }
  }
  return out;
}

/** The Markdown tables: medians per (scenario, target), then the ratios. `apiName` names the fake API process. */
export function formatChatReport({ summary, ratios, machine, runs, apiName }) {
  const lines = [`Machine: ${machine}. Medians of ${runs} runs; 2 cores shared by load generator, ${apiName} and target.`, ''];
  lines.push('| scenario | target | events/s | p50 ms | p99 ms | non-2xx (worst run) | lost updates (worst run) | peak RSS | target CPU µs/event |', '| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
  lines.push(...summary.map(summaryRow));
  lines.push('', '| scenario | ratio of events/s | of the medians | median of same-round ratios |', '| --- | --- | ---: | ---: |');
  lines.push(...ratios.map(ratioRow));
  return lines.join('\n');
}
