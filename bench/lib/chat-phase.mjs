// One measured phase of the chat benches (bench/telegram.mjs, bench/slack.mjs): their fake APIs
// count the messages the bot posted (sendMessage, chat.postMessage).
import { loadDiagnostics, measurePhase } from './phase.mjs';

/**
 * Runs `shape` ({ users, eventsPerUser, inFlight }) against `target` (a started child) at
 * `webhookPath`, with chats new to this phase (`tag`), signed with `credentials`. Returns the
 * figures of the issue plus diagnostics.
 */
export async function runChatPhase({ target, fakeApi, loadGen, webhookPath, shape, tag, seed, credentials }) {
  const phase = await measurePhase({ target, fakeApi, loadGen, webhookPath, shape, tag, seed, credentials, answered: (api) => api.replies });
  const { api } = phase;
  return {
    ...phase.figures,
    diagnostics: {
      ...loadDiagnostics(phase.load),
      posts: api.replies,
      unreadablePosts: api.unreadable,
      otherApiCalls: api.unknownPaths,
      apiConnectionsOpened: api.connections,
      loadGenCpuUsPerEvent: phase.cpuUsPerEvent.loadGen,
      fakeApiCpuUsPerEvent: phase.cpuUsPerEvent.fakeApi,
      answeredSeconds: phase.answeredSeconds,
      lastPostSeconds: phase.lastAnswerSeconds,
    },
  };
}
