import { DATABASE_URL } from './support/postgres';
import { type BotProcess, postEvents, spawnBot, stopAll } from './support/bots';
import { uniqueTable, usePostgresSuite } from './support/stores';

/**
 * A bot process dies (SIGKILL) while its handler holds a session's lease. The lease must not
 * outlive itself: the next event for that session, at another process, proceeds after it, with the
 * state as last committed (the dead process's half-done event left no trace).
 */
const { pgTest, stores } = usePostgresSuite('postgres killed lease holder');
let bots: BotProcess[] = [];
afterAll(() => stopAll(bots));

const LEASE_MS = 1_500;

pgTest('killing the process that holds a lease: the next event proceeds after it runs out, from the last commit', async () => {
  const table = uniqueTable('crash');
  const settings = {
    databaseUrl: DATABASE_URL,
    schema: stores.schema,
    table,
    applicationName: stores.applicationName,
    lockLeaseMs: LEASE_MS,
    lockTimeoutMs: 8_000,
  };
  const [doomed, survivor] = (bots = await Promise.all([spawnBot(settings), spawnBot(settings)]));
  const store = stores.store({ table });
  const leaseLeft = async () => {
    const { rows } = await stores.raw.query(
      `SELECT (extract(epoch FROM lease_until - now()) * 1000)::float8 AS left_ms FROM ${store.tables.sessions} WHERE id = 'test:u'`,
    );
    return rows[0]?.left_ms as number | null;
  };

  expect((await postEvents(doomed, [{ user: 'u', id: 'e1' }])).status).toBe(200);

  // e2's handler never returns: the doomed process holds the lease and keeps renewing it.
  const hung = postEvents(doomed, [{ user: 'u', id: 'e2', text: 'hang' }]);
  await doomed.waitForLine(/^HANG "test:u"$/);
  await new Promise((resolve) => setTimeout(resolve, 2 * LEASE_MS));
  expect(await leaseLeft()).toBeGreaterThan(0); // still held: renewed past two leases

  const left = (await leaseLeft())!;
  await doomed.kill('SIGKILL');
  const killedAt = Date.now();
  const answer = await postEvents(survivor, [{ user: 'u', id: 'e3' }]);
  const waited = answer.at - killedAt;

  expect(answer.status).toBe(200);
  // It waited for the rest of the lease, and not much longer.
  expect(waited).toBeGreaterThanOrEqual(left - 150);
  expect(waited).toBeLessThan(LEASE_MS + 1_000);
  expect((await hung).status).toBe(0); // the hung request never got an answer, certainly not 200

  const stored = await store.read('test:u');
  expect(stored).toMatchObject({ version: 2, eventIds: ['e1', 'e3'], state: { count: 2 } });
  expect(survivor.runs.map((run) => [run.event, run.count])).toEqual([['e3', 2]]);
  expect(await leaseLeft()).toBeNull();
  console.info(`postgres, killed lease holder: the next event waited ${waited} ms (lease ${LEASE_MS} ms, ${Math.round(left)} ms left at the kill)`);
});
