// `node bench/telegram-send.mjs`: what one Bot API call costs on the reply path. sendMessage to a
// local server answering like the Bot API, 4,000 calls 16 in flight after 500 to warm up, three
// ways: a bare http.request (the floor), node-telegram-bot-api's Api on our undici pool fetch (what
// @bottender/telegram sends with), and the same Api on Node's global fetch (its default). Prints
// the CPU of this process per call (the server's included: it is the same for all three) and the
// wall time per call. Needs the built packages/telegram/dist.
import { createRequire } from 'node:module';
import http from 'node:http';

import { BOT_TOKEN } from './lib/telegram-update.mjs';
import { ROOT } from './lib/setup.mjs';

const require = createRequire(`${ROOT}package.json`);
const { TelegramClient } = require(`${ROOT}packages/telegram/dist/api-client.js`);
const { Api } = require('node-telegram-bot-api');

const CALLS = 4000;
const IN_FLIGHT = 16;
const ANSWER = JSON.stringify({
  ok: true,
  result: { message_id: 1, from: { id: 7000000001, is_bot: true, first_name: 'Bench' }, chat: { id: 5, type: 'private', first_name: 'B' }, date: 1, text: 'Count: 1' },
});

const server = http.createServer((req, res) => {
  req.resume();
  req.on('end', () => {
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(ANSWER) });
    res.end(ANSWER);
  });
});
server.keepAliveTimeout = 60_000;
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
const port = server.address().port;
const origin = `http://127.0.0.1:${port}`;

const agent = new http.Agent({ keepAlive: true, maxSockets: IN_FLIGHT });
const bare = (chat) =>
  new Promise((resolve, reject) => {
    const body = JSON.stringify({ chat_id: chat, text: 'Count: 1' });
    const req = http.request(
      { agent, host: '127.0.0.1', port, path: `/bot${BOT_TOKEN}/sendMessage`, method: 'POST', headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } },
      (res) => {
        res.resume();
        res.on('end', resolve);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
const client = new TelegramClient(origin, BOT_TOKEN);
const pooled = (chat) => client.call('sendMessage', { chat_id: chat, text: 'Count: 1' });
const globalApi = new Api(BOT_TOKEN, { apiRoot: origin, maxRetries: 0, timeoutMs: 0 });
const globalFetch = (chat) => globalApi.sendMessage({ chat_id: chat, text: 'Count: 1' });

async function measure(call) {
  for (let i = 0; i < 500; i++) await call(i);
  const cpu = process.cpuUsage();
  const start = process.hrtime.bigint();
  let next = 0;
  await Promise.all(
    Array.from({ length: IN_FLIGHT }, async () => {
      while (next < CALLS) await call(next++);
    }),
  );
  const used = process.cpuUsage(cpu);
  return { cpuUs: (used.user + used.system) / CALLS, wallUs: Number(process.hrtime.bigint() - start) / 1e3 / CALLS };
}

const ways = { 'http.request (floor)': bare, 'SDK Api + undici pool fetch (ours)': pooled, 'SDK Api + global fetch (default)': globalFetch };
const results = {};
for (let round = 0; round < 3; round++) {
  for (const [name, call] of Object.entries(ways)) (results[name] ??= []).push(await measure(call));
}
const median = (values) => values.sort((a, b) => a - b)[Math.floor(values.length / 2)];
console.log(`Node ${process.version}; ${CALLS} sendMessage calls, ${IN_FLIGHT} in flight, medians of 3 rounds`);
for (const [name, runs] of Object.entries(results)) {
  console.log(`${name.padEnd(36)} ${median(runs.map((r) => r.cpuUs)).toFixed(0).padStart(5)} µs CPU/call  ${median(runs.map((r) => r.wallUs)).toFixed(0).padStart(5)} µs wall/call`);
}
await client.close();
server.close();
server.closeAllConnections();
