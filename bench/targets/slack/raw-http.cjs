// The Slack ceiling: node:http alone. Checks the signature and its timestamp window, counts in a
// Map per channel, posts chat.postMessage with http.request over a keep-alive agent, then answers
// 200. No framework, no store.
'use strict';
const crypto = require('node:crypto');
const http = require('node:http');

const { announce } = require('../lifecycle.cjs');
const { settings } = require('./settings.cjs');

const { origin, signingSecret, accessToken, path } = settings();
const api = new URL(origin);
const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
const counts = new Map();

function validSignature(raw, timestamp, signature) {
  if (typeof timestamp !== 'string' || typeof signature !== 'string' || !signature.startsWith('v0=')) return false;
  if (Math.abs(Date.now() / 1000 - Number(timestamp)) > 300) return false;
  const expected = crypto.createHmac('sha256', signingSecret).update(`v0:${timestamp}:`).update(raw).digest();
  const given = Buffer.from(signature.slice(3), 'hex');
  return given.length === expected.length && crypto.timingSafeEqual(given, expected);
}

function postMessage(channel, text) {
  const body = JSON.stringify({ channel, text });
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        agent,
        host: api.hostname,
        port: api.port,
        path: '/api/chat.postMessage',
        method: 'POST',
        headers: {
          authorization: `Bearer ${accessToken}`,
          'content-type': 'application/json; charset=utf-8',
          'content-length': Buffer.byteLength(body),
        },
      },
      (res) => {
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
    if (!validSignature(raw, req.headers['x-slack-request-timestamp'], req.headers['x-slack-signature'])) return answer(res, 401, '{}');
    let body;
    try {
      body = JSON.parse(raw.toString('utf8'));
    } catch {
      return answer(res, 400, '{}');
    }
    if (body.type === 'url_verification') return answer(res, 200, JSON.stringify({ challenge: body.challenge }));
    const event = body.event;
    if (!event || event.type !== 'message' || event.subtype !== undefined || event.bot_id || typeof event.channel !== 'string') {
      return answer(res, 200, '{}');
    }
    const count = (counts.get(event.channel) || 0) + 1;
    counts.set(event.channel, count);
    postMessage(event.channel, `Count: ${count}`).then(
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
