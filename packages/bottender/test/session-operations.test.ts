/**
 * Operating sessions on the in-process drivers (memory, file); session-drivers.test.ts runs the
 * same specification on Redis, MongoDB and PostgreSQL.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { FileSessionStore, MemorySessionStore } from '../src';
import { describeSessionOperations } from './support/session-operations-suite';

const dirs: string[] = [];
const tempDir = () => {
  dirs.push(mkdtempSync(join(tmpdir(), 'bottender-session-ops-')));
  return dirs.at(-1)!;
};
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

describeSessionOperations('memory', {
  make: () => new MemorySessionStore({ maxSize: 20_000 }),
  other: () => new FileSessionStore({ dirname: tempDir() }),
  streams: false, // memory holds every session anyway
});

describeSessionOperations('file', {
  make: () => new FileSessionStore({ dirname: tempDir() }),
  other: () => new MemorySessionStore({ maxSize: 20_000 }),
});
