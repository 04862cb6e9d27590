// One measured phase: reset the fake API, send the load, wait for the last reply, compute figures.
import { CHANNEL_SECRET, WEBHOOK_PATH } from './constants.mjs';
import { cpuSeconds } from './cpu-time.mjs';
import { peakRss, resetPeakRss } from './peak-rss.mjs';

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Waits until every sent event got its reply, or replies stop coming for `quietMs`. */
async function settledReplies(fakeApi, expected, { quietMs = 1_500, maxMs = 30_000 } = {}) {
  const start = Date.now();
  let last = await fakeApi.call('collect');
  let lastChange = Date.now();
  while (last.replies + last.pushes < expected && Date.now() - lastChange < quietMs && Date.now() - start < maxMs) {
    await sleep(100);
    const now = await fakeApi.call('collect');
    if (now.replies + now.pushes !== last.replies + last.pushes) lastChange = Date.now();
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
 * Runs `shape` ({ users, eventsPerUser, inFlight }) against `target` (a started child) with
 * users new to this phase (`tag`). Returns the figures of the issue plus diagnostics.
 */
export async function runPhase({ target, fakeApi, loadGen, shape, tag, seed, redisPid }) {
  await fakeApi.call('reset');
  const rssReset = resetPeakRss(target.pid);
  const cpuBefore = cpuSeconds(target.pid);
  const loadBefore = cpuSeconds(loadGen.pid);
  const apiBefore = cpuSeconds(fakeApi.pid);
  const redisBefore = redisPid ? cpuSeconds(redisPid) : NaN;
  const load = await loadGen.call('run', {
    url: `http://127.0.0.1:${target.port}${WEBHOOK_PATH}`,
    tag,
    seed,
    users: shape.users,
    eventsPerUser: shape.eventsPerUser,
    inFlight: shape.inFlight,
    channelSecret: CHANNEL_SECRET,
    deadlineMs: 120_000,
  });
  const api = await settledReplies(fakeApi, load.sent);
  const handled = api.replies + api.pushes;
  const cpuUsed = cpuSeconds(target.pid) - cpuBefore;
  const loadUsed = cpuSeconds(loadGen.pid) - loadBefore;
  const apiUsed = cpuSeconds(fakeApi.pid) - apiBefore;
  const redisUsed = redisPid ? cpuSeconds(redisPid) - redisBefore : NaN;
  const seconds = (api.lastNs - load.firstSendNs) / 1e9;
  return {
    sent: load.sent,
    handled,
    eventsPerSec: handled > 0 && seconds > 0 ? handled / seconds : 0,
    p50Ms: load.p50Ms,
    p99Ms: load.p99Ms,
    non2xx: load.non2xx,
    lostUpdates: lostUpdates(load.sentPerUser, api.highest),
    peakRssBytes: peakRss(target.pid),
    /** The target's own CPU time per handled event: less sensitive to the shared cores' noise. */
    cpuUsPerEvent: handled > 0 ? (cpuUsed * 1e6) / handled : NaN,
    peakRssIsRunOnly: rssReset,
    diagnostics: {
      statuses: load.statuses,
      failures: load.failures,
      firstError: load.firstError,
      timedOut: load.timedOut,
      replies: api.replies,
      pushes: api.pushes,
      unreadableReplies: api.unreadable,
      reusedReplyTokens: api.reusedTokens,
      unknownApiCalls: api.unknownPaths,
      /** Connections the target opened to the fake API during the run (keep-alive keeps it low). */
      apiConnectionsOpened: api.connections,
      loadGenCpuUsPerEvent: handled > 0 ? (loadUsed * 1e6) / handled : NaN,
      fakeApiCpuUsPerEvent: handled > 0 ? (apiUsed * 1e6) / handled : NaN,
      redisCpuUsPerEvent: handled > 0 ? (redisUsed * 1e6) / handled : NaN,
      answeredSeconds: (load.lastAnswerNs - load.firstSendNs) / 1e9,
      lastReplySeconds: seconds,
    },
  };
}
