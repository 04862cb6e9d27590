// The servers under test. Each runs in its own process and reports its port over IPC.
import { fileURLToPath } from 'node:url';

const here = (p) => fileURLToPath(new URL(p, import.meta.url));

const BOTTENDER_DIR = here('../targets/bottender-1.5.5/');

export const TARGETS = {
  raw: {
    label: 'raw node:http (ceiling)',
    script: here('../targets/raw-http.cjs'),
    stores: ['memory'],
  },
  sdk: {
    label: 'raw + @line/bot-sdk 11',
    script: here('../targets/raw-sdk.cjs'),
    stores: ['memory'],
  },
  ours: {
    label: 'ours (bottender 2 alpha)',
    script: here('../targets/ours/server.cjs'),
    stores: ['memory', 'redis', 'postgres'],
  },
  'bottender-sync': {
    label: 'Bottender 1.5.5 sync: true',
    script: `${BOTTENDER_DIR}server.cjs`,
    cwd: BOTTENDER_DIR,
    env: { BENCH_BOTTENDER_SYNC: 'true' },
    stores: ['memory', 'redis'],
    needsBottender155: true,
  },
  'bottender-default': {
    label: 'Bottender 1.5.5 default (async)',
    script: `${BOTTENDER_DIR}server.cjs`,
    cwd: BOTTENDER_DIR,
    env: { BENCH_BOTTENDER_SYNC: 'false' },
    stores: ['memory', 'redis'],
    needsBottender155: true,
  },
};

/** Names a user may give for a group of targets. */
export const TARGET_ALIASES = { bottender: ['bottender-sync', 'bottender-default'], all: Object.keys(TARGETS) };
