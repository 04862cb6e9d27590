// A raw server using @line/bot-sdk as shipped: validateSignature for the check and
// MessagingApiClient.replyMessage (Node's global fetch underneath) for the reply. Counts in a Map.
'use strict';
const { messagingApi, validateSignature } = require('@line/bot-sdk');

const { settings } = require('./lifecycle.cjs');
const { replyWithCounts } = require('./line-counter.cjs');
const { answer, answerWhenSent, serveWebhook } = require('./raw-webhook.cjs');

const { origin, channelSecret, accessToken, path } = settings();
const client = new messagingApi.MessagingApiClient({ channelAccessToken: accessToken, baseURL: origin });
const counts = new Map();

function reply(replyToken, text) {
  return client.replyMessage({ replyToken, messages: [{ type: 'text', text }] });
}

serveWebhook({
  path,
  verify(raw, req) {
    const signature = req.headers['x-line-signature'];
    return typeof signature === 'string' && validateSignature(raw, channelSecret, signature);
  },
  handle(body, res) {
    if (!body || !Array.isArray(body.events)) return answer(res, 400, '{}');
    answerWhenSent(res, replyWithCounts(body.events, counts, reply));
  },
});
