// The load generator of the Slack scenarios: builds a phase's signed Events API requests (one
// message per request, `channels` channels with `eventsPerChannel` each, shuffled by seed), sends
// them with bench/load/send.mjs, reports timings and what each channel was sent.
import { serveCalls } from '../lib/child.mjs';
import { slackChannelId, slackHeaders, slackMessageBody } from '../lib/slack-webhook.mjs';
import { seededRandom, shuffle } from '../lib/stats.mjs';
import { sendAll } from './send.mjs';

function plan({ tag, users, eventsPerUser, seed, signingSecret }) {
  const channels = Array.from({ length: users }, (_, i) => slackChannelId(tag, i));
  const order = [];
  for (let i = 0; i < users; i++) for (let k = 0; k < eventsPerUser; k++) order.push(i);
  shuffle(order, seededRandom(seed));
  const now = Date.now();
  const seconds = Math.floor(now / 1000);
  return order.map((index, seq) => {
    const channel = channels[index];
    const body = Buffer.from(slackMessageBody({ tag, channel, seq, timestamp: now + seq }));
    return { userId: channel, body, headers: slackHeaders(body, signingSecret, seconds) };
  });
}

serveCalls({
  /** args: { url, tag, users, eventsPerUser, inFlight, seed, signingSecret, deadlineMs } */
  run: async (args) => {
    const events = plan(args);
    const result = await sendAll({ url: args.url, events, inFlight: args.inFlight, deadlineMs: args.deadlineMs });
    const sentPerUser = {};
    for (const { userId } of events.slice(0, result.sent)) sentPerUser[userId] = (sentPerUser[userId] ?? 0) + 1;
    return { ...result, sentPerUser };
  },
});

process.send({ type: 'ready' });
