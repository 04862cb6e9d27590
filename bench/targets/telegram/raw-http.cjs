// The ceiling: node:http alone. Checks the secret token in constant time, counts per chat in a
// Map, sends "Count: N" with sendMessage over a keep-alive agent, then answers 200. No framework,
// no store, no SDK.
'use strict';
const crypto = require('node:crypto');
const http = require('node:http');

const { announce } = require('../lifecycle.cjs');
const { settings } = require('./settings.cjs');

const { origin, token, secretToken, path } = settings();
const api = new URL(origin);
const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
const counts = new Map();
const expected = crypto.createHash('sha256').update(secretToken).digest();
const sendPath = `/bot${token}/sendMessage`;

function validSecret(given) {
  if (typeof given !== 'string') return false;
  return crypto.timingSafeEqual(crypto.createHash('sha256').update(given).digest(), expected);
}

function sendMessage(chatId, text) {
  const body = JSON.stringify({ chat_id: chatId, text });
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        agent,
        host: api.hostname,
        port: api.port,
        path: sendPath,
        method: 'POST',
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
      },
      (res) => {
        res.resume();
        res.on('end', () => (res.statusCode === 200 ? resolve() : reject(new Error(`sendMessage: ${res.statusCode}`))));
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
  if (!validSecret(req.headers['x-telegram-bot-api-secret-token'])) {
    req.resume();
    return answer(res, 401, '{}');
  }
  const chunks = [];
  req.on('data', (chunk) => chunks.push(chunk));
  req.on('end', () => {
    let update;
    try {
      update = JSON.parse(Buffer.concat(chunks).toString('utf8'));
    } catch {
      return answer(res, 400, '{}');
    }
    const chatId = update.message && update.message.chat && update.message.chat.id;
    if (typeof chatId !== 'number') return answer(res, 200, '{}');
    const count = (counts.get(chatId) || 0) + 1;
    counts.set(chatId, count);
    sendMessage(chatId, `Count: ${count}`).then(
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
