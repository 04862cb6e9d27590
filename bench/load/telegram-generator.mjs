// The load generator of the Telegram scenarios: builds a phase's webhook requests (one message
// update per request; `users` private chats with `eventsPerUser` each, shuffled by seed), sends
// them with bench/load/send.mjs, reports timings and what each chat was sent.
import { serveCalls } from '../lib/child.mjs';
import { seededRandom, shuffle } from '../lib/stats.mjs';
import { messageUpdateBody, telegramChatId, telegramHeaders } from '../lib/telegram-update.mjs';
import { sendAll } from './send.mjs';

let nextUpdateId = 1;

function plan({ tag, users, eventsPerUser, seed }) {
  const chats = Array.from({ length: users }, (_, i) => telegramChatId(tag, i));
  const order = [];
  for (let i = 0; i < users; i++) for (let k = 0; k < eventsPerUser; k++) order.push(i);
  shuffle(order, seededRandom(seed));
  const date = Math.floor(Date.now() / 1000);
  const headers = telegramHeaders();
  return order.map((index, seq) => {
    const chatId = chats[index];
    const body = Buffer.from(messageUpdateBody({ chatId, updateId: nextUpdateId++, messageId: seq + 1, date }));
    return { userId: String(chatId), body, headers };
  });
}

serveCalls({
  /** args: { url, tag, users, eventsPerUser, inFlight, seed, deadlineMs } */
  run: async (args) => {
    const events = plan(args);
    const result = await sendAll({ url: args.url, events, inFlight: args.inFlight, deadlineMs: args.deadlineMs });
    const sentPerUser = {};
    for (const { userId } of events.slice(0, result.sent)) sentPerUser[userId] = (sentPerUser[userId] ?? 0) + 1;
    return { ...result, sentPerUser };
  },
});

process.send({ type: 'ready' });
