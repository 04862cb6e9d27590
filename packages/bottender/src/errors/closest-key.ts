/**
 * Suggestions for misspelled keys and names, so an error says what was probably meant:
 * `channels.line.channelSecert is not a known key; did you mean channelSecret?`. Platform and
 * driver packages use these for their own options, so every package words it the same way.
 */

/**
 * The candidate closest to `input` by edit distance (an insertion, deletion, substitution or
 * swap of two neighbours counts one; case is ignored), or undefined when none is close enough to
 * be a likely typo: about one edit per three characters, at least one.
 */
export function closestKey(input: string, candidates: Iterable<string>): string | undefined {
  const needle = input.toLowerCase();
  const limit = Math.max(1, Math.floor(needle.length / 3));
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of candidates) {
    if (candidate === input) continue;
    const distance = editDistance(needle, candidate.toLowerCase());
    if (distance <= limit && distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best;
}

/** `; did you mean "x"?` for the closest candidate, or an empty string. */
export function didYouMean(input: string, candidates: Iterable<string>, options: { quote?: boolean } = {}): string {
  const suggestion = closestKey(input, candidates);
  if (suggestion === undefined) return '';
  return `; did you mean ${options.quote === false ? suggestion : JSON.stringify(suggestion)}?`;
}

/** The own keys of `value` that are not in `known`, in the order the object lists them. */
export function unknownKeys(value: object, known: Iterable<string>): string[] {
  const allowed = new Set(known);
  return Object.keys(value).filter((key) => !allowed.has(key));
}

/**
 * One line for a key that is not an option: `<where>.<key> is not a known key; did you mean
 * <closest>?`, or the list of known keys when none is close. Keys are echoed: they are names,
 * not secrets (the values are never shown).
 */
export function unknownKeyMessage(where: string, key: string, known: readonly string[]): string {
  const suggestion = closestKey(key, known);
  const name = /^[A-Za-z_$][\w$]*$/.test(key) ? key : JSON.stringify(key);
  const hint = suggestion !== undefined ? `did you mean ${suggestion}?` : `the keys are ${known.join(', ')}`;
  return `${where}.${name} is not a known key; ${hint}`;
}

/**
 * Optimal string alignment distance: Levenshtein plus the swap of two neighbouring characters,
 * the commonest typo (`channelSecert`).
 */
export function editDistance(a: string, b: string): number {
  if (a === b) return 0;
  const rows = a.length + 1;
  const cols = b.length + 1;
  const d: number[][] = Array.from({ length: rows }, (_, i) => {
    const row = new Array<number>(cols).fill(0);
    row[0] = i;
    return row;
  });
  for (let j = 0; j < cols; j++) d[0][j] = j;
  for (let i = 1; i < rows; i++) {
    for (let j = 1; j < cols; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
      }
    }
  }
  return d[a.length][b.length];
}
