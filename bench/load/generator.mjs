// The load generator process: builds a phase's signed webhooks, sends them, reports timings.
import { serveCalls } from '../lib/child.mjs';
import { planPhase, sentPerUser } from './plan.mjs';
import { sendAll } from './send.mjs';

serveCalls({
  /** args: { url, tag, users, eventsPerUser, inFlight, seed, channelSecret, deadlineMs } */
  run: async (args) => {
    const events = planPhase(args);
    const result = await sendAll({ url: args.url, events, inFlight: args.inFlight, deadlineMs: args.deadlineMs });
    return { ...result, sentPerUser: sentPerUser(events.slice(0, result.sent)) };
  },
});

process.send({ type: 'ready' });
