// The bench of a chat platform whose bot answers by posting a message (Telegram's sendMessage,
// Slack's chat.postMessage): bench/telegram.mjs and bench/slack.mjs name the platform's targets,
// scenarios, fake API and credentials; this runs them and writes bench/results/<platform>-latest.json.
import { fileURLToPath } from 'node:url';

import { benchRun, cpuProfileArgs, runMain } from './bench-run.mjs';
import { parseChatArgs } from './chat-args.mjs';
import { runChatPhase } from './chat-phase.mjs';
import { chatRatios, formatChatReport } from './chat-report.mjs';
import { phaseLine, summarize } from './report.mjs';
import { runRounds } from './rounds.mjs';
import { buildPackages, ensureBottender155, ensureInstalled, ROOT } from './setup.mjs';

const here = (p) => fileURLToPath(new URL(p, import.meta.url));

/**
 * Runs the bench of `platform` ("telegram": bench/telegram.mjs, bench/fake-telegram-api,
 * bench/load/telegram-generator.mjs) with the command line of the process:
 *   targets      name → { label, script, cwd?, env?, needsV1? } (written to the results as given)
 *   shapes       scenario name → load shape; the first is the one --quick shrinks
 *   peers        the targets ours is compared with, in the order of the ratio table
 *   peer         { target, folder, probe, what }: the peer framework installed in bench/<folder>
 *   apiName      the fake API as the report names it
 *   accessToken  the bot's token, which the fake API checks
 *   webhookPath  where every target serves the webhook
 *   credentials  what the load generator signs with
 *   targetEnv    (fake API origin) → the platform's settings of a target's environment
 *   profile      whether --profile (targets under --cpu-prof) is offered
 */
export function runChatBench({ platform, targets, shapes, peers, peer, apiName, accessToken, webhookPath, credentials = {}, targetEnv, profile = false }) {
  const options = parseChatArgs(process.argv.slice(2), { script: `bench/${platform}.mjs`, targets, shapes, profile });
  const run = benchRun({ sayPrefix: `bench ${platform}`, logPrefix: `${platform}-` });
  const { say } = run;

  async function main() {
    if (options.build) buildPackages();
    if (options.targets.some((t) => targets[t].needsV1)) ensureBottender155();
    if (options.targets.includes(peer.target)) ensureInstalled({ folder: peer.folder, probe: peer.probe, what: peer.what, say });
    const fakeApi = await run.start({ name: `fake-${platform}-api`, script: here(`../fake-${platform}-api/server.mjs`), env: { BENCH_ACCESS_TOKEN: accessToken } });
    const loadGen = await run.start({ name: `${platform}-load-generator`, script: here(`../load/${platform}-generator.mjs`) });
    const phase = (child, shape, tag, seed) => runChatPhase({ target: child, fakeApi, loadGen, webhookPath, shape, tag, seed, credentials });
    const runs = [];
    await runRounds({
      targets: options.targets,
      scenarios: options.scenarios,
      rounds: options.runs,
      async launch(name) {
        const target = targets[name];
        const child = await run.start({
          name: `${platform}-${name}`,
          script: target.script,
          cwd: target.cwd ?? ROOT,
          env: {
            NODE_ENV: 'production',
            ...targetEnv(`http://127.0.0.1:${fakeApi.port}`),
            BENCH_WEBHOOK_PATH: webhookPath,
            BENCH_STORE: 'memory',
            ...target.env,
          },
          execArgv: options.profile ? cpuProfileArgs(`${platform}-${name}`) : [],
        });
        const warm = await phase(child, options.warmup, `w${name.replace(/\W/g, '')}`, 7);
        say(phaseLine(`warm-up ${name} (${warm.sent} events)`, warm));
        return child;
      },
      measure: ({ name, child, scenario, index, round }) => phase(child, options.shapes[scenario], `${scenario}r${round}${name.replace(/\W/g, '')}`.toLowerCase(), round * 10 + index),
      describe: phaseLine,
      say,
      runs,
    });
    await run.stopAll();
    const summary = summarize(runs);
    const ratios = chatRatios(summary, runs, options.scenarios, peers);
    console.log(`\n${formatChatReport({ summary, ratios, machine: run.machine, runs: options.runs, apiName })}\n`);
    run.writeResults(`${platform}-latest.json`, { options, targets, summary, ratios, runs });
  }

  runMain(main, () => run.stopAll());
}
