// One measured phase, whatever the platform: reset the fake API, send the load, wait until the
// fake API saw the last answer, and compute the figures every bench reports. What the platform's
// fake API counts as an answer, and its diagnostics, are the platform's (line-phase.mjs,
// chat-phase.mjs).
import { cpuSeconds } from './cpu-time.mjs';
import { peakRss, resetPeakRss } from './peak-rss.mjs';

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Waits until `answered(collected)` reaches `expected`, or answers stop coming for `quietMs`. */
async function settled(fakeApi, expected, answered, { quietMs = 1_500, maxMs = 30_000 } = {}) {
  const start = Date.now();
  let last = await fakeApi.call('collect');
  let lastChange = Date.now();
  while (answered(last) < expected && Date.now() - lastChange < quietMs && Date.now() - start < maxMs) {
    await sleep(100);
    const now = await fakeApi.call('collect');
    if (answered(now) !== answered(last)) lastChange = Date.now();
    last = now;
  }
  return last;
}

/** Events sent to each user minus the highest count replied to that user, summed. */
export function lostUpdates(sentPerUser, highest) {
  let lost = 0;
  for (const [user, sent] of Object.entries(sentPerUser)) lost += Math.max(0, sent - (highest[user] ?? 0));
  return lost;
}

/**
 * Runs `shape` ({ users, eventsPerUser, inFlight }) against `target` (a started child) at its
 * `webhookPath`, with users new to this phase (`tag`); `credentials` go to the load generator
 * (what it signs with). `answered(collected)` counts the answers in what the fake API collected;
 * `storePid` is a store process whose CPU time counts too. Returns the figures of the issue
 * (`figures`), what the load generator and fake API reported (`load`, `api`), the CPU µs per
 * handled event of the other processes (`cpuUsPerEvent`), and the seconds until the last
 * answer was sent back (`answeredSeconds`) and seen by the fake API (`lastAnswerSeconds`).
 */
export async function measurePhase({ target, fakeApi, loadGen, webhookPath, shape, tag, seed, credentials, answered, storePid }) {
  await fakeApi.call('reset');
  const rssReset = resetPeakRss(target.pid);
  const cpuBefore = cpuSeconds(target.pid);
  const loadBefore = cpuSeconds(loadGen.pid);
  const apiBefore = cpuSeconds(fakeApi.pid);
  const storeBefore = storePid ? cpuSeconds(storePid) : NaN;
  const load = await loadGen.call('run', {
    url: `http://127.0.0.1:${target.port}${webhookPath}`,
    tag,
    seed,
    users: shape.users,
    eventsPerUser: shape.eventsPerUser,
    inFlight: shape.inFlight,
    ...credentials,
    deadlineMs: 120_000,
  });
  const api = await settled(fakeApi, load.sent, answered);
  const handled = answered(api);
  const perEvent = (secondsUsed) => (handled > 0 ? (secondsUsed * 1e6) / handled : NaN);
  const seconds = (api.lastNs - load.firstSendNs) / 1e9;
  return {
    figures: {
      sent: load.sent,
      handled,
      eventsPerSec: handled > 0 && seconds > 0 ? handled / seconds : 0,
      p50Ms: load.p50Ms,
      p99Ms: load.p99Ms,
      non2xx: load.non2xx,
      lostUpdates: lostUpdates(load.sentPerUser, api.highest),
      peakRssBytes: peakRss(target.pid),
      /** The target's own CPU time per handled event: less sensitive to the shared cores' noise. */
      cpuUsPerEvent: perEvent(cpuSeconds(target.pid) - cpuBefore),
      peakRssIsRunOnly: rssReset,
    },
    load,
    api,
    cpuUsPerEvent: {
      loadGen: perEvent(cpuSeconds(loadGen.pid) - loadBefore),
      fakeApi: perEvent(cpuSeconds(fakeApi.pid) - apiBefore),
      store: storePid ? perEvent(cpuSeconds(storePid) - storeBefore) : NaN,
    },
    answeredSeconds: (load.lastAnswerNs - load.firstSendNs) / 1e9,
    lastAnswerSeconds: seconds,
  };
}

/** What the load generator saw go wrong, first in every phase's diagnostics. */
export function loadDiagnostics(load) {
  return { statuses: load.statuses, failures: load.failures, firstError: load.firstError, timedOut: load.timedOut };
}
