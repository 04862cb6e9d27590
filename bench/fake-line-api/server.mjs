// A fake LINE Messaging API on 127.0.0.1: accepts replies and pushes, records every one.
// Runs as its own process (forked by bench/run.mjs); the orchestrator resets and reads it over IPC.
import { createServer } from 'node:http';

import { serveCalls } from '../lib/child.mjs';
import { ReplyRecorder } from './recorder.mjs';

const recorder = new ReplyRecorder();
const unknownPaths = new Map();
let connections = 0;
const ANSWER = '{}';

const server = createServer((request, response) => {
  const kind =
    request.url === '/v2/bot/message/reply' ? 'reply' : request.url === '/v2/bot/message/push' ? 'push' : undefined;
  const chunks = [];
  request.on('data', (chunk) => chunks.push(chunk));
  request.on('end', () => {
    if (request.method !== 'POST' || !kind) {
      const key = `${request.method} ${request.url}`;
      unknownPaths.set(key, (unknownPaths.get(key) ?? 0) + 1);
      response.writeHead(404, { 'content-type': 'application/json' });
      response.end('{"message":"Not found"}');
      return;
    }
    if (request.headers.authorization !== `Bearer ${process.env.BENCH_ACCESS_TOKEN}`) {
      response.writeHead(401, { 'content-type': 'application/json' });
      response.end('{"message":"Authentication failed"}');
      return;
    }
    let body;
    try {
      body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
    } catch {
      body = undefined;
    }
    recorder.record(kind, body, Number(process.hrtime.bigint()));
    response.writeHead(200, {
      'content-type': 'application/json',
      'content-length': ANSWER.length,
      'x-line-request-id': 'bench',
    });
    response.end(ANSWER);
  });
});
server.on('connection', () => connections++);
// Targets keep their connections open between runs; the default 5 s would race their reuse.
server.keepAliveTimeout = 600_000;
server.headersTimeout = 601_000;

serveCalls(
  {
    reset: () => {
      recorder.reset();
      unknownPaths.clear();
      connections = 0;
      return true;
    },
    collect: () => ({ ...recorder.summary(), connections, unknownPaths: Object.fromEntries(unknownPaths) }),
  },
  () => {
    server.close();
    server.closeAllConnections();
  },
);

server.listen(0, '127.0.0.1', () => process.send({ type: 'ready', port: server.address().port }));
