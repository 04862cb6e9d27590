// Writes sessions with Bottender 1.5.5's own MongoSessionStore (and its mongodb 3.x client), as a
// 1.x bot would have: `node write-1x-sessions.cjs <bottender-1.5.5 dir> <url> <collection>` with a
// JSON list of [key, session] on stdin. Used by legacy.test.ts when bench/bottender-1.5.5 is installed.
'use strict';
const { createRequire } = require('node:module');
const path = require('node:path');

const [dir, url, collectionName] = process.argv.slice(2);
const requireV1 = createRequire(path.join(dir, 'package.json'));
const MongoSessionStore = requireV1('bottender/dist/session/MongoSessionStore').default;

let input = '';
process.stdin.on('data', (chunk) => (input += chunk));
process.stdin.on('end', async () => {
  const store = new MongoSessionStore({ url, collectionName });
  try {
    await store.init();
    for (const [key, session] of JSON.parse(input)) await store.write(key, session);
    const all = await store.all();
    process.stdout.write(`${JSON.stringify(all.length)}\n`);
    process.exit(0);
  } catch (error) {
    console.error(error);
    process.exit(1);
  }
});
