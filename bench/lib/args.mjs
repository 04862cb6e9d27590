// Command line of `npm run bench`.
import { SCENARIOS } from './scenarios.mjs';
import { TARGET_ALIASES, TARGETS } from './targets.mjs';

const USAGE = `usage: npm run bench -- [--scenario S1,S2,S3] [--target raw,sdk,ours,bottender-sync,bottender-default]
                      [--runs 5] [--profile] [--no-memory] [--memory-only]
  --target bottender   both Bottender 1.5.5 modes
  --profile            run the targets under node --cpu-prof (profiles in bench/results/profiles/)
  --no-memory          skip the idle-sessions memory measurement`;

function list(value, known, aliases = {}) {
  const names = value.split(',').flatMap((v) => aliases[v.trim()] ?? [v.trim()]);
  const unknown = names.filter((n) => !known.includes(n));
  if (unknown.length) throw new Error(`unknown: ${unknown.join(', ')}\n${USAGE}`);
  return [...new Set(names)];
}

export function parseArgs(argv) {
  const options = {
    scenarios: Object.keys(SCENARIOS),
    targets: Object.keys(TARGETS),
    runs: 5,
    profile: false,
    memory: true,
    load: true,
  };
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = argv[i].split('=', 2);
    const value = () => inline ?? argv[++i] ?? '';
    switch (flag) {
      case '--scenario':
      case '--scenarios':
        options.scenarios = list(value().toUpperCase(), Object.keys(SCENARIOS));
        break;
      case '--target':
      case '--targets':
        options.targets = list(value(), Object.keys(TARGETS), TARGET_ALIASES);
        break;
      case '--runs':
        options.runs = Number(value());
        if (!Number.isInteger(options.runs) || options.runs < 1 || options.runs > 9) throw new Error('--runs is 1..9');
        break;
      case '--profile':
        options.profile = true;
        break;
      case '--no-memory':
        options.memory = false;
        break;
      case '--memory-only':
        options.load = false;
        break;
      case '--help':
      case '-h':
        console.log(USAGE);
        process.exit(0);
        break;
      default:
        throw new Error(`unknown option ${argv[i]}\n${USAGE}`);
    }
  }
  return options;
}
