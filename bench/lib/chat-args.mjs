// The command line of the chat benches (bench/telegram.mjs, bench/slack.mjs).
import { checkRuns, parseFlags, targetNames } from './flags.mjs';
import { WARMUP } from './scenarios.mjs';

/**
 * Options from `argv`: --quick (1 round, the first scenario at 100 chats x 5 messages, a
 * 1,000-event warm-up), --runs N, --no-build, --scenario, --target, and --profile where
 * `profile` allows it. Unknown targets or scenarios throw.
 */
export function parseChatArgs(argv, { script, targets, shapes, profile = false }) {
  const options = { runs: 5, build: true, warmup: WARMUP, shapes: { ...shapes }, scenarios: Object.keys(shapes), targets: Object.keys(targets) };
  const quickShape = Object.keys(shapes)[0];
  const flags = {
    '--runs': (value) => (options.runs = Number(value())),
    '--quick': () => {
      options.runs = 1;
      options.shapes[quickShape] = { ...options.shapes[quickShape], users: 100, eventsPerUser: 5 };
      options.warmup = { ...WARMUP, users: 100 };
    },
    '--no-build': () => (options.build = false),
    ...(profile ? { '--profile': () => (options.profile = true) } : {}),
    '--scenario': (value) => (options.scenarios = value().toUpperCase().split(',')),
    '--target': (value) => (options.targets = targetNames(value())),
  };
  flags['--scenarios'] = flags['--scenario'];
  flags['--targets'] = flags['--target'];
  const usage = `node ${script} [--quick] [--runs 5] [--no-build]${profile ? ' [--profile]' : ''} [--scenario ${Object.keys(shapes).join(',')}] [--target ${Object.keys(targets).join(',')}]`;
  parseFlags(argv, flags, usage);
  checkRuns(options.runs);
  const unknown = [...options.targets.filter((t) => !targets[t]), ...options.scenarios.filter((s) => !shapes[s])];
  if (unknown.length) throw new Error(`unknown target or scenario ${unknown.join(', ')}`);
  return options;
}
