// The events of one phase: which user each request is for, in a seeded order, pre-signed.
import { lineSignature, lineUserId, messageWebhookBody } from '../lib/line-webhook.mjs';
import { seededRandom, shuffle } from '../lib/stats.mjs';

/**
 * `users` users get `eventsPerUser` events each, shuffled with a seed so every target sees the
 * same order. Users are new for each phase (`tag`), so every count starts at 0.
 * Bodies and signatures are made before the clock starts.
 */
export function planPhase({ tag, users, eventsPerUser, seed, channelSecret }) {
  const ids = Array.from({ length: users }, (_, i) => lineUserId(tag, i));
  const order = [];
  for (let i = 0; i < users; i++) for (let k = 0; k < eventsPerUser; k++) order.push(i);
  shuffle(order, seededRandom(seed));
  const timestamp = Date.now();
  return order.map((userIndex, seq) => {
    const userId = ids[userIndex];
    const body = Buffer.from(messageWebhookBody({ tag, userId, seq, timestamp: timestamp + seq }));
    return { userId, body, signature: lineSignature(body, channelSecret) };
  });
}

/** How many events each user was sent. */
export function sentPerUser(events) {
  const sent = {};
  for (const { userId } of events) sent[userId] = (sent[userId] ?? 0) + 1;
  return sent;
}
