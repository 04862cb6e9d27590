// The Slack ceiling: node:http alone. Checks the signature and its timestamp window, counts in a
// Map per channel, posts chat.postMessage with http.request over a keep-alive agent, then answers
// 200. No framework, no store.
'use strict';
const crypto = require('node:crypto');

const { jsonPoster } = require('../json-post.cjs');
const { answer, answerWhenSent, serveWebhook } = require('../raw-webhook.cjs');
const { settings } = require('./settings.cjs');

const { origin, signingSecret, accessToken, path } = settings();
const post = jsonPoster(origin);
const counts = new Map();

function validSignature(raw, timestamp, signature) {
  if (typeof timestamp !== 'string' || typeof signature !== 'string' || !signature.startsWith('v0=')) return false;
  if (Math.abs(Date.now() / 1000 - Number(timestamp)) > 300) return false;
  const expected = crypto.createHmac('sha256', signingSecret).update(`v0:${timestamp}:`).update(raw).digest();
  const given = Buffer.from(signature.slice(3), 'hex');
  return given.length === expected.length && crypto.timingSafeEqual(given, expected);
}

/** Slack answers 200 to failed calls too: the call was taken when the body says `ok`. */
function okInBody(res, resolve, reject) {
  const chunks = [];
  res.on('data', (c) => chunks.push(c));
  res.on('end', () => {
    try {
      if (JSON.parse(Buffer.concat(chunks).toString('utf8')).ok) return resolve();
    } catch {
      // fall through
    }
    reject(new Error('chat.postMessage failed'));
  });
}

function postMessage(channel, text) {
  const body = JSON.stringify({ channel, text });
  return post('/api/chat.postMessage', { authorization: `Bearer ${accessToken}`, 'content-type': 'application/json; charset=utf-8' }, body, okInBody);
}

serveWebhook({
  path,
  verify: (raw, req) => validSignature(raw, req.headers['x-slack-request-timestamp'], req.headers['x-slack-signature']),
  handle(body, res) {
    if (body.type === 'url_verification') return answer(res, 200, JSON.stringify({ challenge: body.challenge }));
    const event = body.event;
    if (!event || event.type !== 'message' || event.subtype !== undefined || event.bot_id || typeof event.channel !== 'string') {
      return answer(res, 200, '{}');
    }
    const count = (counts.get(event.channel) || 0) + 1;
    counts.set(event.channel, count);
    answerWhenSent(res, postMessage(event.channel, `Count: ${count}`));
  },
});
