// RSS of 100,000 idle sessions in our memory driver. Each session is made by the runtime itself
// (one counter event through Bot with a LINE-shaped user id and event id), then left idle.
// Run with --expose-gc; prints one JSON line.
import { createRequire } from 'node:module';

import { lineUserId } from '../lib/line-webhook.mjs';

const require = createRequire(import.meta.url);
const { Bot, MemorySessionStore, silentLogger } = require('bottender');
const { TestConnector, TestEvent } = require('bottender/testing');
const App = require('../targets/counter.cjs');

const SESSIONS = Number(process.argv[2] ?? 100_000);
const BATCH = 1_000;

function settledMemory() {
  for (let i = 0; i < 4; i++) globalThis.gc();
  const { rss, heapUsed, external, arrayBuffers } = process.memoryUsage();
  return { rss, heapUsed, external, arrayBuffers };
}

if (typeof globalThis.gc !== 'function') throw new Error('run with node --expose-gc');

const store = new MemorySessionStore({ maxSize: SESSIONS });
const bot = new Bot({ app: App, store, initialState: { count: 0 }, logger: silentLogger });
// The test platform, named "line", keys sessions exactly as the LINE connector does (line:<userId>).
const connector = new TestConnector({ platform: 'line' });
const event = (i) => new TestEvent({ user: lineUserId('idle', i), id: `01IDLE${String(i).padStart(20, '0')}`, text: 'hi' });

// Warm the code path on a throw-away store so the baseline holds the compiled code.
{
  const warm = new Bot({ app: App, store: new MemorySessionStore(), initialState: { count: 0 }, logger: silentLogger });
  await Promise.all(Array.from({ length: 200 }, (_, i) => warm.handleEvent(connector, event(-1 - i))));
  connector.replies.length = 0;
}
const before = settledMemory();
for (let start = 0; start < SESSIONS; start += BATCH) {
  const outcomes = await Promise.all(
    Array.from({ length: Math.min(BATCH, SESSIONS - start) }, (_, k) => bot.handleEvent(connector, event(start + k))),
  );
  if (outcomes.some((o) => o !== 'committed')) throw new Error(`an event was not committed: ${outcomes}`);
  connector.replies.length = 0;
}
const after = settledMemory();
if (store.size !== SESSIONS) throw new Error(`store holds ${store.size} sessions, expected ${SESSIONS}`);
const sample = await store.read(`line:${lineUserId('idle', 0)}`);

console.log(
  JSON.stringify({
    sessions: SESSIONS,
    rssBytes: after.rss,
    rssDeltaBytes: after.rss - before.rss,
    heapDeltaBytes: after.heapUsed - before.heapUsed,
    rssBytesPerSession: (after.rss - before.rss) / SESSIONS,
    heapBytesPerSession: (after.heapUsed - before.heapUsed) / SESSIONS,
    storedRecordChars: JSON.stringify(sample).length,
    node: process.version,
  }),
);
