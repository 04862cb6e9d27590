// The ceiling: node:http alone. Checks the secret token in constant time, counts per chat in a
// Map, sends "Count: N" with sendMessage over a keep-alive agent, then answers 200. No framework,
// no store, no SDK.
'use strict';
const crypto = require('node:crypto');

const { jsonPoster, statusOk } = require('../json-post.cjs');
const { answer, answerWhenSent, serveWebhook } = require('../raw-webhook.cjs');
const { settings } = require('./settings.cjs');

const { origin, token, secretToken, path } = settings();
const post = jsonPoster(origin);
const counts = new Map();
const expected = crypto.createHash('sha256').update(secretToken).digest();
const sendPath = `/bot${token}/sendMessage`;
const sent = statusOk('sendMessage');

function validSecret(given) {
  if (typeof given !== 'string') return false;
  return crypto.timingSafeEqual(crypto.createHash('sha256').update(given).digest(), expected);
}

function sendMessage(chatId, text) {
  return post(sendPath, { 'content-type': 'application/json' }, JSON.stringify({ chat_id: chatId, text }), sent);
}

serveWebhook({
  path,
  admit: (req) => validSecret(req.headers['x-telegram-bot-api-secret-token']),
  handle(update, res) {
    const chatId = update.message && update.message.chat && update.message.chat.id;
    if (typeof chatId !== 'number') return answer(res, 200, '{}');
    const count = (counts.get(chatId) || 0) + 1;
    counts.set(chatId, count);
    answerWhenSent(res, sendMessage(chatId, `Count: ${count}`));
  },
});
