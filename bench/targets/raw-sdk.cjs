// A raw server using @line/bot-sdk as shipped: validateSignature for the check and
// MessagingApiClient.replyMessage (Node's global fetch underneath) for the reply. Counts in a Map.
'use strict';
const http = require('node:http');
const { messagingApi, validateSignature } = require('@line/bot-sdk');

const { announce, settings } = require('./lifecycle.cjs');

const { origin, channelSecret, accessToken, path } = settings();
const client = new messagingApi.MessagingApiClient({ channelAccessToken: accessToken, baseURL: origin });
const counts = new Map();

function answer(res, status, body) {
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

const server = http.createServer((req, res) => {
  if (req.method !== 'POST' || req.url !== path) return answer(res, 404, '{}');
  const chunks = [];
  req.on('data', (chunk) => chunks.push(chunk));
  req.on('end', () => {
    const raw = Buffer.concat(chunks);
    const signature = req.headers['x-line-signature'];
    if (typeof signature !== 'string' || !validateSignature(raw, channelSecret, signature)) {
      return answer(res, 401, '{}');
    }
    let events;
    try {
      events = JSON.parse(raw.toString('utf8')).events;
    } catch {
      return answer(res, 400, '{}');
    }
    const sends = [];
    for (const event of events) {
      const userId = event.source && event.source.userId;
      if (event.type !== 'message' || !userId) continue;
      const count = (counts.get(userId) || 0) + 1;
      counts.set(userId, count);
      sends.push(client.replyMessage({ replyToken: event.replyToken, messages: [{ type: 'text', text: `Count: ${count}` }] }));
    }
    Promise.all(sends).then(
      () => answer(res, 200, '{}'),
      () => answer(res, 500, '{}'),
    );
  });
});
server.keepAliveTimeout = 65_000;

server.listen(0, '127.0.0.1', () =>
  announce(server.address().port, () => {
    server.close();
    server.closeAllConnections();
  }),
);
