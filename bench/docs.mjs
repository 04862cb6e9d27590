// Keeps docs/benchmarks.md to what a run printed.
//   node bench/docs.mjs --publish [results.json]   copy a run's results (default: bench/results/latest.json,
//                                                  what `npm run bench` writes) to docs/benchmarks/latest.json
//                                                  and regenerate the doc's "Latest run" figures from it
//   node bench/docs.mjs [--check]                  fail when the generated figures differ from
//                                                  docs/benchmarks/latest.json, or when the doc quotes a
//                                                  measured figure elsewhere that no results file printed
import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';

import { renderFigures, unprintedFigures, withFigures } from './lib/docs.mjs';
import { ROOT } from './lib/setup.mjs';

const DOC = `${ROOT}docs/benchmarks.md`;
const PUBLISHED = `${ROOT}docs/benchmarks/latest.json`;

const load = (path) => {
  const full = path.startsWith('/') ? path : `${ROOT}${path}`;
  return existsSync(full) ? JSON.parse(readFileSync(full, 'utf8')) : undefined;
};

const args = process.argv.slice(2);
if (args[0] === '--publish') {
  const from = args[1] ?? `${ROOT}bench/results/latest.json`;
  if (!existsSync(from)) {
    console.error(`bench/docs: no results at ${from}; run \`npm run bench\` first`);
    process.exit(1);
  }
  mkdirSync(`${ROOT}docs/benchmarks`, { recursive: true });
  copyFileSync(from, PUBLISHED);
  writeFileSync(DOC, withFigures(readFileSync(DOC, 'utf8'), renderFigures(load(PUBLISHED))));
  console.log(`bench/docs: published ${from} to docs/benchmarks/latest.json and regenerated the figures of docs/benchmarks.md`);
}

const doc = readFileSync(DOC, 'utf8');
const problems = [];
if (withFigures(doc, renderFigures(load(PUBLISHED))) !== doc) {
  problems.push('the generated figures differ from docs/benchmarks/latest.json: run `node bench/docs.mjs --publish docs/benchmarks/latest.json`');
}
problems.push(...unprintedFigures(doc, load));
if (problems.length) {
  console.error(`bench/docs: docs/benchmarks.md quotes figures no published run printed:\n  ${problems.join('\n  ')}`);
  process.exit(1);
}
console.log('bench/docs: every figure in docs/benchmarks.md comes from a published run');
