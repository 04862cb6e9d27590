// The counter of the raw LINE targets (raw-http.cjs, raw-sdk.cjs): what every framework target's
// handler does (counter.cjs), written out by hand on a Map.
'use strict';

/**
 * Counts each user's message events in `counts` and replies "Count: N" to each through
 * `reply(replyToken, text)`; the promise settles when every reply has.
 */
function replyWithCounts(events, counts, reply) {
  const sends = [];
  for (const event of events) {
    const userId = event.source && event.source.userId;
    if (event.type !== 'message' || !userId) continue;
    const count = (counts.get(userId) || 0) + 1;
    counts.set(userId, count);
    sends.push(reply(event.replyToken, `Count: ${count}`));
  }
  return Promise.all(sends);
}

module.exports = { replyWithCounts };
