// `node bench/slack.mjs`: the Slack scenarios. The counter bot answers every channel message
// with "Count: N" (chat.postMessage); a channel is a session. Targets, each in its own process:
//   raw                node:http alone (signature check, a Map, http.request): the ceiling
//   ours               @bottender/slack on the memory driver, started like `bottender start`
//   bolt               a Bolt 5.1 app with its defaults, counting in Bolt's conversation store
//   bottender-sync     Bottender 1.5.5's Slack connector, sync: true (answers after the handler)
//   bottender-default  Bottender 1.5.5 default (answers at once, handles after)
// Scenarios: SL1 = S1's shape (500 channels x 10 messages, 32 in flight); SL2 = the hot channel
// (1 channel x 300 messages, 30 in flight), where lost updates show. Writes bench/results/slack-latest.json.
//
//   node bench/slack.mjs                   5 rounds of SL1 and SL2, every target
//   node bench/slack.mjs --quick           1 round, SL1 at 100 channels x 5, after 1,000 warm-up events
//   node bench/slack.mjs --runs 3 --target ours,bolt --scenario SL2
//   node bench/slack.mjs --no-build        measure the packages/*/dist already built
//   node bench/slack.mjs --profile         run the targets under --cpu-prof (bench/results/profiles/slack-*.cpuprofile)
import { fileURLToPath } from 'node:url';

import { bottender155Targets } from './lib/bottender-155-targets.mjs';
import { runChatBench } from './lib/chat-bench.mjs';
import { SCENARIOS } from './lib/scenarios.mjs';

const here = (p) => fileURLToPath(new URL(p, import.meta.url));
const ACCESS_TOKEN = 'xoxb-bench-access-token';
const SIGNING_SECRET = 'bench-signing-secret-0123456789ab';

const TARGETS = {
  raw: { label: 'raw node:http Slack (ceiling)', script: here('./targets/slack/raw-http.cjs') },
  ours: { label: 'ours (@bottender/slack, memory)', script: here('./targets/slack/ours/server.cjs'), needsBuild: true },
  bolt: { label: 'Bolt 5.1 defaults, conversation store', script: here('./targets/slack/bolt/server.cjs'), needsBolt: true },
  ...bottender155Targets(here('./targets/slack/bottender-1.5.5/'), { needsV1: true }),
};

runChatBench({
  platform: 'slack',
  targets: TARGETS,
  shapes: {
    SL1: { ...SCENARIOS.S1, name: 'SL1', title: 'Slack throughput (S1 shape)' },
    SL2: { ...SCENARIOS.S2, name: 'SL2', title: 'Slack hot channel (S2 shape)' },
  },
  peers: ['bottender-sync', 'bottender-default', 'bolt', 'raw'],
  peer: { target: 'bolt', folder: 'bolt', probe: '@slack/bolt', what: 'Bolt' },
  apiName: 'fake Slack API',
  accessToken: ACCESS_TOKEN,
  webhookPath: '/webhooks/slack',
  credentials: { signingSecret: SIGNING_SECRET },
  targetEnv: (origin) => ({ BENCH_SLACK_ORIGIN: origin, BENCH_SIGNING_SECRET: SIGNING_SECRET, BENCH_ACCESS_TOKEN: ACCESS_TOKEN }),
  profile: true,
});
