import { killedLockHolderFreesAfterLease } from '../../../test-support/store-drivers/killed-lock-holder';
import { type BotProcess, spawnBot, stopAll } from './support/bots';
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
  await killedLockHolderFreesAfterLease({
    doomed,
    survivor,
    // Renewed every LEASE_MS / 4 or so.
    leaseMs: LEASE_MS,
    leaseLeft: async () => {
      const doc = await raw.findOne({ sid: 'test:u' });
      return doc!.lock === null ? null : doc!.lockUntil.getTime() - Date.now();
    },
    store: stores.store({ dbName }),
    earlySlackMs: 100,
    lateSlackMs: 1_000,
    label: 'killed lock holder',
  });
});
