// Writes sessions with Bottender 1.5.5's own session stores, as a 1.x bot would have:
//   node write-1x-sessions.cjs <bottender-1.5.5 dir> file <dirname> [expiresIn]
//   node write-1x-sessions.cjs <bottender-1.5.5 dir> redis <redis url> [expiresIn]
// with a JSON list of [key, session] on stdin. Used by the 1.x carry-over tests of the file and
// Redis drivers when bench/bottender-1.5.5 is installed (npm ci there).
'use strict';
const { createRequire } = require('node:module');
const path = require('node:path');

const [dir, kind, target, expiresIn] = process.argv.slice(2);
const requireV1 = createRequire(path.join(dir, 'package.json'));
const minutes = expiresIn ? Number(expiresIn) : undefined;

function createStore() {
  if (kind === 'file') {
    const FileSessionStore = requireV1('bottender/dist/session/FileSessionStore').default;
    return new FileSessionStore({ dirname: target }, minutes);
  }
  const RedisSessionStore = requireV1('bottender/dist/session/RedisSessionStore').default;
  const url = new URL(target);
  return new RedisSessionStore({ host: url.hostname, port: Number(url.port), db: Number(url.pathname.slice(1) || 0) }, minutes);
}

let input = '';
process.stdin.on('data', (chunk) => (input += chunk));
process.stdin.on('end', async () => {
  const store = createStore();
  try {
    await store.init();
    // 1.x's Bot stamps lastActivity before every write (its file store stamps it again).
    for (const [key, session] of JSON.parse(input)) await store.write(key, { ...session, lastActivity: Date.now() });
    if (kind !== 'file') await store._cache.getRedis().quit();
    process.exit(0);
  } catch (error) {
    console.error(error);
    process.exit(1);
  }
});
