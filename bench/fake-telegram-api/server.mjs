// A fake Telegram Bot API on 127.0.0.1 for the benchmark: answers sendMessage (urlencoded, as the
// node-telegram-bot-api SDK sends it, or JSON, as grammY and Bottender 1.5.5 do) with a Message,
// getMe with the bot, and records per chat the highest count a "Count: N" message announced.
// Runs as its own process; bench/telegram.mjs resets and reads it over IPC.
import { createServer } from 'node:http';

import { serveCalls } from '../lib/child.mjs';

const COUNT = /^Count: (\d+)$/;
const token = process.env.BENCH_ACCESS_TOKEN;
const prefix = `/bot${token}/`;
let state;
let connections = 0;
function reset() {
  state = { replies: 0, unreadable: 0, lastNs: NaN, highest: new Map(), unknownPaths: new Map(), messageId: 1 };
}
reset();

const BOT = { id: 7000000001, is_bot: true, first_name: 'Bench', username: 'bench_bot', can_join_groups: true, can_read_all_group_messages: false, supports_inline_queries: false };

function answer(response, status, body) {
  const text = JSON.stringify(body);
  response.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  response.end(text);
}

function params(raw, contentType) {
  const text = raw.toString('utf8');
  if (contentType?.startsWith('application/json')) {
    try {
      return JSON.parse(text);
    } catch {
      return {};
    }
  }
  return Object.fromEntries(new URLSearchParams(text));
}

const server = createServer((request, response) => {
  const chunks = [];
  request.on('data', (chunk) => chunks.push(chunk));
  request.on('end', () => {
    const url = request.url ?? '';
    if (!url.startsWith(prefix)) return answer(response, 401, { ok: false, error_code: 401, description: 'Unauthorized' });
    const method = url.slice(prefix.length).split('?')[0];
    if (method === 'getMe') return answer(response, 200, { ok: true, result: BOT });
    if (method !== 'sendMessage') {
      state.unknownPaths.set(method, (state.unknownPaths.get(method) ?? 0) + 1);
      return answer(response, 404, { ok: false, error_code: 404, description: 'Not Found' });
    }
    const p = params(Buffer.concat(chunks), request.headers['content-type']);
    const chatId = Number(p.chat_id);
    state.replies++;
    state.lastNs = Number(process.hrtime.bigint());
    const match = COUNT.exec(p.text ?? '');
    if (!Number.isSafeInteger(chatId) || !match) state.unreadable++;
    else if (!(state.highest.get(String(chatId)) >= Number(match[1]))) state.highest.set(String(chatId), Number(match[1]));
    answer(response, 200, {
      ok: true,
      result: { message_id: state.messageId++, from: BOT, chat: { id: chatId, first_name: 'Bench', type: 'private' }, date: Math.floor(Date.now() / 1000), text: p.text },
    });
  });
});
server.on('connection', () => connections++);
// Targets keep their connections open between runs; the default 5 s would race their reuse.
server.keepAliveTimeout = 600_000;
server.headersTimeout = 601_000;

serveCalls(
  {
    reset: () => {
      reset();
      connections = 0;
      return true;
    },
    collect: () => ({
      replies: state.replies,
      unreadable: state.unreadable,
      lastNs: state.lastNs,
      highest: Object.fromEntries(state.highest),
      unknownPaths: Object.fromEntries(state.unknownPaths),
      connections,
    }),
  },
  () => {
    server.close();
    server.closeAllConnections();
  },
);

server.listen(0, '127.0.0.1', () => process.send({ type: 'ready', port: server.address().port }));
