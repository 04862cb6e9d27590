// Summarizes a .cpuprofile (node --cpu-prof): self time by function and by source group.
// usage: node bench/profile/summarize.mjs <file.cpuprofile> [top=25]
import { readFileSync } from 'node:fs';

const [file, topArg] = process.argv.slice(2);
if (!file) {
  console.error('usage: node bench/profile/summarize.mjs <file.cpuprofile> [top]');
  process.exit(2);
}
const top = Number(topArg ?? 25);
const profile = JSON.parse(readFileSync(file, 'utf8'));
const ROOT = new URL('../../', import.meta.url).pathname;

const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const selfSamples = new Map();
for (const id of profile.samples) selfSamples.set(id, (selfSamples.get(id) ?? 0) + 1);
const total = profile.samples.length;

/** Where a function's code comes from, for the grouped view. */
function groupOf(url, name) {
  if (!url) return name.startsWith('(') ? name : '(native / V8 builtins)';
  if (url.startsWith('node:')) return `node:${url.slice(5).split('/')[0]}`;
  const path = url.replace(/^file:\/\//, '');
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(path);
  if (pkg && !/packages\/[^/]+\/dist/.test(path)) return pkg[1];
  const own = /packages\/([^/]+)\/dist\/(.*)$/.exec(path);
  if (own) return `packages/${own[1]}/dist/${own[2].split('/')[0]}`;
  return path.startsWith(ROOT) ? path.slice(ROOT.length) : path;
}

function label(frame) {
  const url = frame.url.replace(/^file:\/\//, '').replace(ROOT, '');
  return `${url || '(no file)'}:${frame.lineNumber + 1} ${frame.functionName || '(anonymous)'}`;
}

const byFunction = new Map();
const byGroup = new Map();
for (const [id, count] of selfSamples) {
  const frame = byId.get(id).callFrame;
  const key = label(frame);
  byFunction.set(key, (byFunction.get(key) ?? 0) + count);
  const group = groupOf(frame.url, frame.functionName);
  byGroup.set(group, (byGroup.get(group) ?? 0) + count);
}

// Inclusive time of our own functions (packages/*/dist): samples with the function on the stack.
const parent = new Map();
for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
const inclusive = new Map();
for (const [id, count] of selfSamples) {
  const seen = new Set();
  for (let cur = id; cur !== undefined; cur = parent.get(cur)) {
    const frame = byId.get(cur).callFrame;
    if (!/packages\/[^/]+\/dist\//.test(frame.url)) continue;
    const key = label(frame);
    if (seen.has(key)) continue;
    seen.add(key);
    inclusive.set(key, (inclusive.get(key) ?? 0) + count);
  }
}

const pct = (n) => `${((100 * n) / total).toFixed(1).padStart(5)}%`;
const busy = total - (byGroup.get('(idle)') ?? 0);
console.log(`${file}: ${total} samples, ${pct(busy)} not idle`);
console.log('\nself time by source:');
for (const [group, n] of [...byGroup].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`${pct(n)}  ${group}`);
console.log('\nself time by function:');
for (const [fn, n] of [...byFunction].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`${pct(n)}  ${fn}`);
console.log('\ninclusive time of our own functions (packages/*/dist):');
for (const [fn, n] of [...inclusive].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`${pct(n)}  ${fn}`);
