// The ceiling: node:http alone. Verifies the signature, counts in a Map, replies with
// http.request over a keep-alive agent, then answers 200. No framework, no store.
'use strict';
const crypto = require('node:crypto');

const { jsonPoster, statusOk } = require('./json-post.cjs');
const { settings } = require('./lifecycle.cjs');
const { replyWithCounts } = require('./line-counter.cjs');
const { answer, answerWhenSent, serveWebhook } = require('./raw-webhook.cjs');

const { origin, channelSecret, accessToken, path } = settings();
const post = jsonPoster(origin);
const counts = new Map();
const replied = statusOk('reply');

function validSignature(body, signature) {
  const expected = crypto.createHmac('sha256', channelSecret).update(body).digest();
  const given = Buffer.from(typeof signature === 'string' ? signature : '', 'base64');
  return given.length === expected.length && crypto.timingSafeEqual(given, expected);
}

function reply(replyToken, text) {
  const body = JSON.stringify({ replyToken, messages: [{ type: 'text', text }] });
  return post('/v2/bot/message/reply', { authorization: `Bearer ${accessToken}`, 'content-type': 'application/json' }, body, replied);
}

serveWebhook({
  path,
  verify: (raw, req) => validSignature(raw, req.headers['x-line-signature']),
  handle(body, res) {
    if (!body || !Array.isArray(body.events)) return answer(res, 400, '{}');
    answerWhenSent(res, replyWithCounts(body.events, counts, reply));
  },
});
