/** Session operations and state migrations on PostgreSQL (a schema of this file's own), file as the other driver. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { FileSessionStore } from '../src';
import { usePostgresSuite } from '../../postgres/test/support/stores';
import { describeSessionOperations } from './support/session-operations-suite';

const { stores, pgTest } = usePostgresSuite('session ops');
const dir = mkdtempSync(join(tmpdir(), 'bottender-session-pg-'));
let n = 0;
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describeSessionOperations(
  'postgres',
  {
    make: () => stores.store(),
    other: () => new FileSessionStore({ dirname: join(dir, String(++n)) }),
  },
  pgTest,
);
