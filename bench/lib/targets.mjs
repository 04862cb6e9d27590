// The servers under test. Each runs in its own process and reports its port over IPC.
import { fileURLToPath } from 'node:url';

import { bottender155Targets } from './bottender-155-targets.mjs';

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
  ...bottender155Targets(BOTTENDER_DIR, { stores: ['memory', 'redis'], needsBottender155: true }),
};

/** Names a user may give for a group of targets. */
export const TARGET_ALIASES = { bottender: ['bottender-sync', 'bottender-default'], all: Object.keys(TARGETS) };
