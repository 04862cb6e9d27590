import { type BotProcess, postEvents, spawnBot, stopAll } from './support/bots';
import { useTestServer } from './support/mongo-server';
import { StoreFactory, uniqueDbName } from './support/stores';

/**
 * A bot process dies (SIGKILL) while its handler holds a session's lock. The lock must not
 * outlive its lease: the next event for that session, at another process, proceeds after it,
 * with the state as last committed (the dead process's half-done event left no trace).
 */
const server = useTestServer('mongo, killed lock holder');
let stores: StoreFactory | undefined;
let bots: BotProcess[] = [];
afterAll(async () => {
  await stopAll(bots);
  await stores?.closeAll();
});

const LEASE_MS = 1_500;

server.test('killing the process that holds a lock: the next event proceeds after the lease, from the last commit', async () => {
  const mongo = server.mongo();
  stores = new StoreFactory(mongo);
  const dbName = uniqueDbName('crash');
  const settings = { mongoUrl: mongo.url, dbName, lockLeaseMs: LEASE_MS, lockTimeoutMs: 8_000 };
  const [doomed, survivor] = (bots = await Promise.all([spawnBot(settings), spawnBot(settings)]));
  const raw = stores.client().db(dbName).collection('sessions');

  expect((await postEvents(doomed, [{ user: 'u', id: 'e1' }])).status).toBe(200);

  // e2's handler never returns: the doomed process holds the lock and keeps renewing its lease.
  const hung = postEvents(doomed, [{ user: 'u', id: 'e2', text: 'hang' }]);
  await doomed.waitForLine(/^HANG "test:u"$/);
  await new Promise((resolve) => setTimeout(resolve, 2 * LEASE_MS));
  const held = await raw.findOne({ sid: 'test:u' });
  expect(held!.lock).not.toBeNull();
  const leaseLeft = held!.lockUntil.getTime() - Date.now();
  expect(leaseLeft).toBeGreaterThan(0); // still held: renewed past two leases

  await doomed.kill('SIGKILL');
  const killedAt = Date.now();
  const answer = await postEvents(survivor, [{ user: 'u', id: 'e3' }]);
  const waited = answer.at - killedAt;

  expect(answer.status).toBe(200);
  // It waited for the rest of the lease (renewed every LEASE_MS / 4 or so), and not much longer.
  expect(waited).toBeGreaterThanOrEqual(leaseLeft - 100);
  expect(waited).toBeLessThan(LEASE_MS + 1_000);
  expect((await hung).status).toBe(0); // the hung request never got an answer, certainly not 200

  const record = await stores.store({ dbName }).read('test:u');
  expect(record).toMatchObject({ version: 2, eventIds: ['e1', 'e3'], state: { count: 2 } });
  expect(survivor.runs.map((run) => [run.event, run.count])).toEqual([['e3', 2]]);
  expect((await raw.findOne({ sid: 'test:u' }))!.lock).toBeNull();
  console.info(`killed lock holder: the next event waited ${waited} ms (lease ${LEASE_MS} ms, ${leaseLeft} ms left at the kill)`);
});
