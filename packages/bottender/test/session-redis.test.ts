/** Session operations and state migrations on Redis (a private redis-server), file as the other driver. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { FileSessionStore } from '../src';
import { redisTest } from '../../redis/test/support/redis-server';
import { useRedisSuite } from '../../redis/test/support/stores';
import { describeSessionOperations } from './support/session-operations-suite';

const label = 'session operations on redis';
const { stores } = useRedisSuite(label);
const dir = mkdtempSync(join(tmpdir(), 'bottender-session-redis-'));
let n = 0;
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describeSessionOperations(
  'redis',
  { make: () => stores.store(), other: () => new FileSessionStore({ dirname: join(dir, String(++n)) }) },
  redisTest(label),
);
