// `node bench/telegram.mjs`: the Telegram scenarios. The counter bot answers every message with
// "Count: N" (sendMessage); a chat is a session. Targets, each in its own process:
//   raw                node:http alone (secret-token check, a Map, http.request): the ceiling
//   ours               @bottender/telegram on the memory driver, started like `bottender start`
//   grammy             grammY 1.x, webhookCallback + session() with its memory storage
//   bottender-sync     Bottender 1.5.5's Telegram connector, sync: true (answers after the handler)
//   bottender-default  Bottender 1.5.5 default (answers at once, handles after)
// Scenarios: TG1 = S1's shape (500 chats x 10 messages, 32 in flight); TG2 = the hot chat
// (1 chat x 300 messages, 30 in flight), where lost updates show. Writes bench/results/telegram-latest.json.
//
//   node bench/telegram.mjs                   5 rounds of TG1 and TG2, every target
//   node bench/telegram.mjs --quick           1 round, TG1 at 100 chats x 5, after 1,000 warm-up events
//   node bench/telegram.mjs --runs 3 --target ours,grammy --scenario TG2
//   node bench/telegram.mjs --no-build        measure the packages/*/dist already built
//   node bench/telegram.mjs --profile         run the targets under --cpu-prof (bench/results/profiles/telegram-*.cpuprofile)
import { fileURLToPath } from 'node:url';

import { bottender155Targets } from './lib/bottender-155-targets.mjs';
import { runChatBench } from './lib/chat-bench.mjs';
import { SCENARIOS } from './lib/scenarios.mjs';
import { BOT_TOKEN as ACCESS_TOKEN, SECRET_TOKEN, WEBHOOK_PATH } from './lib/telegram-update.mjs';

const here = (p) => fileURLToPath(new URL(p, import.meta.url));

const TARGETS = {
  raw: { label: 'raw node:http Telegram (ceiling)', script: here('./targets/telegram/raw-http.cjs') },
  ours: { label: 'ours (@bottender/telegram, memory)', script: here('./targets/telegram/ours/server.cjs'), needsBuild: true },
  grammy: { label: 'grammY 1.46, session() memory storage', script: here('./targets/telegram/grammy/server.cjs'), needsGrammy: true },
  ...bottender155Targets(here('./targets/telegram/bottender-1.5.5/'), { needsV1: true }),
};

runChatBench({
  platform: 'telegram',
  targets: TARGETS,
  shapes: {
    TG1: { ...SCENARIOS.S1, name: 'TG1', title: 'Telegram throughput (S1 shape)' },
    TG2: { ...SCENARIOS.S2, name: 'TG2', title: 'Telegram hot chat (S2 shape)' },
  },
  peers: ['bottender-sync', 'bottender-default', 'grammy', 'raw'],
  peer: { target: 'grammy', folder: 'grammy', probe: 'grammy', what: 'grammY' },
  apiName: 'fake Bot API',
  accessToken: ACCESS_TOKEN,
  webhookPath: WEBHOOK_PATH,
  targetEnv: (origin) => ({ BENCH_TELEGRAM_ORIGIN: origin, BENCH_SECRET_TOKEN: SECRET_TOKEN, BENCH_ACCESS_TOKEN: ACCESS_TOKEN }),
  profile: true,
});
