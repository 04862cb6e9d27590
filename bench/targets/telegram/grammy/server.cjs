// grammY 1.x as its guide shows a webhook bot with sessions: `session()` with its default memory
// storage (one session per chat), `webhookCallback(bot, 'http', { secretToken })` on node:http,
// `ctx.reply()` to answer. Installed in bench/grammy (never the workspaces).
'use strict';
const http = require('node:http');
const path = require('node:path');
const { createRequire } = require('node:module');

const { listenAndAnnounce } = require('../../lifecycle.cjs');
const { settings } = require('../settings.cjs');

const requireGrammy = createRequire(path.resolve(__dirname, '../../../grammy/package.json'));
const { Bot, session, webhookCallback } = requireGrammy('grammy');

const { origin, token, secretToken, path: webhookPath } = settings();

// botInfo given, as a deployed webhook bot does, so no getMe call at start.
const bot = new Bot(token, {
  client: { apiRoot: origin },
  botInfo: { id: 7000000001, is_bot: true, first_name: 'Bench', username: 'bench_bot', can_join_groups: true, can_read_all_group_messages: false, supports_inline_queries: false, can_connect_to_business: false, has_main_web_app: false },
});
bot.use(session({ initial: () => ({ count: 0 }) }));
// The same counter as every target: count, then answer with the count.
bot.on('message', async (ctx) => {
  const count = ctx.session.count + 1;
  ctx.session.count = count;
  await ctx.reply(`Count: ${count}`);
});

const handle = webhookCallback(bot, 'http', { secretToken });
const server = http.createServer((req, res) => {
  if (req.method !== 'POST' || req.url !== webhookPath) {
    res.writeHead(404).end();
    return;
  }
  handle(req, res).catch(() => {
    if (!res.headersSent) res.writeHead(500).end();
  });
});
server.keepAliveTimeout = 65_000;

listenAndAnnounce(server);
