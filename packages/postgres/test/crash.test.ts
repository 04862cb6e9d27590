import { killedLockHolderFreesAfterLease } from '../../../test-support/store-drivers/killed-lock-holder';
import { type BotProcess, postEvents, spawnBot, stopAll } from './support/bots';
import { DATABASE_URL } from './support/postgres';
import { uniqueTable, usePostgresSuite } from './support/stores';

/**
 * A bot process dies (SIGKILL) while its handler holds a session's lease. The lease must not
 * outlive itself: the next event for that session, at another process, proceeds after it, with the
 * state as last committed (the dead process's half-done event left no trace). And when the event
 * had already been acknowledged at its platform's deadline, it was held in the store first, so the
 * next start handles it: acknowledged means never lost.
 */
const { pgTest, stores } = usePostgresSuite('postgres killed lease holder');
let bots: BotProcess[] = [];
afterAll(() => stopAll(bots));

const LEASE_MS = 1_500;

/** The bot processes' settings: this file's schema, `table`, a lease of LEASE_MS and 8 s of waiting for a busy session. */
const botSettings = (table: string) => ({
  databaseUrl: DATABASE_URL,
  schema: stores.schema,
  table,
  applicationName: stores.applicationName,
  lockLeaseMs: LEASE_MS,
  lockTimeoutMs: 8_000,
});

pgTest('killing the process that holds a lease: the next event proceeds after it runs out, from the last commit', async () => {
  const table = uniqueTable('crash');
  const settings = botSettings(table);
  const [doomed, survivor] = (bots = await Promise.all([spawnBot(settings), spawnBot(settings)]));
  const store = stores.store({ table });
  await killedLockHolderFreesAfterLease({
    doomed,
    survivor,
    leaseMs: LEASE_MS,
    leaseLeft: async () => {
      const { rows } = await stores.raw.query(
        `SELECT (extract(epoch FROM lease_until - now()) * 1000)::float8 AS left_ms FROM ${store.tables.sessions} WHERE id = 'test:u'`,
      );
      return rows[0]?.left_ms as number | null;
    },
    store,
    earlySlackMs: 150,
    lateSlackMs: 2_000, // generous: a loaded machine slows the bot, not the lease
    label: 'postgres, killed lease holder',
  });
});

pgTest('killed after a deadline acknowledgement, before the commit: the held event is handled once after restart', async () => {
  const table = uniqueTable('held');
  const settings = { ...botSettings(table), answerDeadlineMs: 1_000 };
  const doomed = await spawnBot(settings);
  bots.push(doomed);
  const store = stores.store({ table });
  expect((await postEvents(doomed, [{ user: 'u', id: 'e1' }])).status).toBe(200);

  // e2's handler never returns; at the platform's deadline the runtime holds e2 in the store and
  // acknowledges it (2xx), so the platform will not deliver it again.
  const acknowledged = await postEvents(doomed, [{ user: 'u', id: 'e2', text: 'hang' }]);
  expect(acknowledged.status).toBeGreaterThanOrEqual(200);
  expect(acknowledged.status).toBeLessThan(300);
  expect(acknowledged.ms).toBeLessThan(1_000);
  const heldBefore = [];
  for await (const held of store.heldEvents('test:u')) heldBefore.push(held);
  expect(heldBefore).toMatchObject([{ sessionId: 'test:u', eventId: 'e2', platform: 'test', rawEvent: { id: 'e2', text: 'hang' } }]);
  await doomed.kill('SIGKILL');

  // The next start finds e2 held, waits for the dead process's lease, and handles it.
  const restarted = await spawnBot({ ...settings, noHang: true });
  bots.push(restarted);
  await restarted.waitForLine(/^RAN .*"event":"e2"/, 15_000);
  const deadline = Date.now() + 5_000;
  let stored = await store.read('test:u');
  let heldAfter = 1;
  while ((heldAfter > 0 || stored?.version !== 2) && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 50));
    stored = await store.read('test:u');
    heldAfter = 0;
    for await (const _ of store.heldEvents('test:u')) heldAfter++;
  }
  expect(stored).toMatchObject({ version: 2, eventIds: ['e1', 'e2'], state: { count: 2 } });
  expect(heldAfter).toBe(0);
  // A redelivery of e2 after all is recognised and not run again.
  expect((await postEvents(restarted, [{ user: 'u', id: 'e2', text: 'hang' }])).status).toBe(200);
  expect(restarted.runs.filter((run) => run.event === 'e2')).toHaveLength(1);
  expect((await store.read('test:u'))!.version).toBe(2);
});
