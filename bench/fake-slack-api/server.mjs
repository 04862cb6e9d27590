// A fake Slack Web API on 127.0.0.1 for the Slack scenarios: answers chat.postMessage (form or
// JSON, token as a bearer header or a form field, as the SDKs send it), auth.test (Bolt calls it
// at start) and any other method with { ok: true }; records each channel's highest "Count: N".
// Runs as its own process (forked by bench/slack.mjs), reset and read over IPC.
import { createServer } from 'node:http';

import { serveCalls } from '../lib/child.mjs';

const COUNT = /^Count: (\d+)$/;
let posts = 0;
let unreadable = 0;
let lastNs = NaN;
let highest = new Map();
let connections = 0;
const unknown = new Map();
let tsCounter = 0;

function argsOf(raw, contentType) {
  if ((contentType ?? '').startsWith('application/json')) {
    try {
      return JSON.parse(raw);
    } catch {
      return {};
    }
  }
  return Object.fromEntries(new URLSearchParams(raw));
}

function answer(response, body) {
  const text = JSON.stringify(body);
  response.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text) });
  response.end(text);
}

const server = createServer((request, response) => {
  const chunks = [];
  request.on('data', (chunk) => chunks.push(chunk));
  request.on('end', () => {
    const method = (request.url ?? '').split('?')[0].replace(/^\/api\//, '');
    const args = argsOf(Buffer.concat(chunks).toString('utf8'), request.headers['content-type']);
    const token = request.headers.authorization ?? (args.token ? `Bearer ${args.token}` : undefined);
    if (token !== `Bearer ${process.env.BENCH_ACCESS_TOKEN}`) return answer(response, { ok: false, error: 'invalid_auth' });
    if (method === 'auth.test') {
      return answer(response, { ok: true, url: 'https://bench.slack.com/', team: 'Bench', user: 'counter', team_id: 'T0BENCH001', user_id: 'U0BENCHBOT', bot_id: 'B0BENCHBOT', is_enterprise_install: false });
    }
    if (method !== 'chat.postMessage') {
      unknown.set(method, (unknown.get(method) ?? 0) + 1);
      return answer(response, { ok: true });
    }
    posts++;
    lastNs = Number(process.hrtime.bigint());
    const match = COUNT.exec(typeof args.text === 'string' ? args.text : '');
    if (!match || typeof args.channel !== 'string') unreadable++;
    else if (!(highest.get(args.channel) >= Number(match[1]))) highest.set(args.channel, Number(match[1]));
    const ts = `${Math.floor(Date.now() / 1000)}.${String(++tsCounter % 1_000_000).padStart(6, '0')}`;
    answer(response, { ok: true, channel: args.channel, ts, message: { type: 'message', text: args.text, user: 'U0BENCHBOT', bot_id: 'B0BENCHBOT', ts } });
  });
});
server.on('connection', () => connections++);
server.keepAliveTimeout = 600_000;
server.headersTimeout = 601_000;

serveCalls(
  {
    reset: () => {
      posts = 0;
      unreadable = 0;
      lastNs = NaN;
      highest = new Map();
      connections = 0;
      unknown.clear();
      return true;
    },
    // `replies` is what bench/lib's phase figures read: here, the chat.postMessage calls.
    collect: () => ({ replies: posts, pushes: 0, unreadable, lastNs, highest: Object.fromEntries(highest), connections, unknownPaths: Object.fromEntries(unknown) }),
  },
  () => {
    server.close();
    server.closeAllConnections();
  },
);

server.listen(0, '127.0.0.1', () => process.send({ type: 'ready', port: server.address().port }));
