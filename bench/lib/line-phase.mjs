// One measured phase of the LINE benches (bench/run.mjs, bench/mongo.mjs): the fake LINE API
// counts replies and pushes.
import { CHANNEL_SECRET, WEBHOOK_PATH } from './constants.mjs';
import { loadDiagnostics, measurePhase } from './phase.mjs';

/**
 * Runs `shape` ({ users, eventsPerUser, inFlight }) against `target` (a started child) with
 * users new to this phase (`tag`). Returns the figures of the issue plus diagnostics;
 * `redisPid`, the store process whose CPU counts too.
 */
export async function runPhase({ target, fakeApi, loadGen, shape, tag, seed, redisPid }) {
  const phase = await measurePhase({
    target,
    fakeApi,
    loadGen,
    webhookPath: WEBHOOK_PATH,
    shape,
    tag,
    seed,
    credentials: { channelSecret: CHANNEL_SECRET },
    answered: (api) => api.replies + api.pushes,
    storePid: redisPid,
  });
  const { api } = phase;
  return {
    ...phase.figures,
    diagnostics: {
      ...loadDiagnostics(phase.load),
      replies: api.replies,
      pushes: api.pushes,
      unreadableReplies: api.unreadable,
      reusedReplyTokens: api.reusedTokens,
      unknownApiCalls: api.unknownPaths,
      /** Connections the target opened to the fake API during the run (keep-alive keeps it low). */
      apiConnectionsOpened: api.connections,
      loadGenCpuUsPerEvent: phase.cpuUsPerEvent.loadGen,
      fakeApiCpuUsPerEvent: phase.cpuUsPerEvent.fakeApi,
      redisCpuUsPerEvent: phase.cpuUsPerEvent.store,
      answeredSeconds: phase.answeredSeconds,
      lastReplySeconds: phase.lastAnswerSeconds,
    },
  };
}
