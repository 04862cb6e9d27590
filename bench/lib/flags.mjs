// The command-line conventions of the platform bench scripts (telegram, slack, mongo): a flag's
// value inline (`--runs=3`) or as the next word, `--target bottender` for both 1.5.5 modes.

/**
 * Calls `flags[flag](value)` for each flag of `argv`, in order; `value()` reads the flag's
 * value. An unknown flag throws with `usage`.
 */
export function parseFlags(argv, flags, usage) {
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = argv[i].split('=', 2);
    const handle = flags[flag];
    if (!handle) throw new Error(`unknown option ${argv[i]}; usage: ${usage}`);
    handle(() => inline ?? argv[++i] ?? '');
  }
}

/** The target names of a `--target` value; "bottender" is both Bottender 1.5.5 modes. */
export function targetNames(value) {
  return value.split(',').flatMap((t) => (t === 'bottender' ? ['bottender-sync', 'bottender-default'] : [t]));
}

/** Throws unless `runs` is a whole number of rounds from 1 to 9. */
export function checkRuns(runs) {
  if (!Number.isInteger(runs) || runs < 1 || runs > 9) throw new Error('--runs is 1..9');
}
