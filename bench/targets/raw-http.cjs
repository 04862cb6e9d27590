// The ceiling: node:http alone. Verifies the signature, counts in a Map, replies with
// http.request over a keep-alive agent, then answers 200. No framework, no store.
'use strict';
const crypto = require('node:crypto');
const http = require('node:http');

const { announce, settings } = require('./lifecycle.cjs');

const { origin, channelSecret, accessToken, path } = settings();
const api = new URL(origin);
const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
const counts = new Map();

function validSignature(body, signature) {
  const expected = crypto.createHmac('sha256', channelSecret).update(body).digest();
  const given = Buffer.from(typeof signature === 'string' ? signature : '', 'base64');
  return given.length === expected.length && crypto.timingSafeEqual(given, expected);
}

function reply(replyToken, text) {
  const body = JSON.stringify({ replyToken, messages: [{ type: 'text', text }] });
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        agent,
        host: api.hostname,
        port: api.port,
        path: '/v2/bot/message/reply',
        method: 'POST',
        headers: {
          authorization: `Bearer ${accessToken}`,
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(body),
        },
      },
      (res) => {
        res.resume();
        res.on('end', () => (res.statusCode === 200 ? resolve() : reject(new Error(`reply: ${res.statusCode}`))));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

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
    if (!validSignature(raw, req.headers['x-line-signature'])) return answer(res, 401, '{}');
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
      sends.push(reply(event.replyToken, `Count: ${count}`));
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
