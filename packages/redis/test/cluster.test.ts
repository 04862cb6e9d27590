import { describeSessionStoreConformance } from 'bottender/testing';
import { Cluster, Redis } from 'ioredis';

import { RedisSessionStore, sessionKeys } from '../src';
import { hasRedisServer, redisTest, startRedisServer, type TestRedis } from './support/redis-server';
import { collect, record, uniquePrefix } from './support/stores';

/**
 * The driver on Redis Cluster, here a one-node cluster that owns every slot. Cluster mode still
 * refuses a script whose keys lie in different slots (CROSSSLOT), so this proves each session's
 * record and lock share a hash tag, and that listing goes through the cluster's masters.
 */
// Skipped (with a notice) without a redis-server binary, since REDIS_URL is not a cluster; in CI
// a missing binary fails this file, like every other Redis suite.
const it = redisTest('redis cluster', 'own server');
const available = hasRedisServer();
let node: TestRedis | undefined;
let raw: Redis | undefined;
const prefixes = new WeakMap<RedisSessionStore, string>();
const open: RedisSessionStore[] = [];

beforeAll(async () => {
  if (!available) return;
  node = await startRedisServer({ args: ['--cluster-enabled', 'yes', '--cluster-config-file', 'nodes.conf', '--cluster-announce-ip', '127.0.0.1'] });
  raw = new Redis(node.url, { lazyConnect: true });
  await raw.connect();
  await raw.call('CLUSTER', 'ADDSLOTSRANGE', '0', '16383');
  const deadline = Date.now() + 10_000;
  while (!String(await raw.call('CLUSTER', 'INFO')).includes('cluster_state:ok')) {
    if (Date.now() > deadline) throw new Error('the one-node cluster did not become ready');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
});
afterEach(async () => {
  await Promise.all(open.splice(0).map((store) => store.close()));
});
afterAll(async () => {
  raw?.disconnect();
  await node?.dispose();
});

function clusterStore(keyPrefix = uniquePrefix('cluster')): RedisSessionStore {
  if (!node) throw new Error('no cluster');
  const store = new RedisSessionStore({ nodes: [{ host: node.host, port: node.port }], keyPrefix, lockLeaseMs: 2_000 });
  prefixes.set(store, keyPrefix);
  open.push(store);
  return store;
}

function withCluster(name: string, body: () => Promise<void>): void {
  it(name, async () => {
    if (!node) throw new Error('no cluster node');
    await body();
  });
}

withCluster('the server really refuses scripts across slots (the control for the tests below)', async () => {
  await expect(raw!.eval('return 1', 2, 'a', 'b')).rejects.toThrow(/CROSSSLOT/);
});

withCluster('begin, commit and release work through a Cluster client for hostile ids too', async () => {
  const store = clusterStore();
  expect(store.client).toBeInstanceOf(Cluster);
  for (const id of ['test:u', 'test:{x}', 'test:}{', 'test:spaces and ünïcødé', '']) {
    const tx = await store.begin(id, { signal: AbortSignal.timeout(2_000) });
    await tx.commit(record(id, 1, { hello: id }), { ttlMs: 60_000 });
    const again = await store.begin(id, { signal: AbortSignal.timeout(2_000) });
    expect(again.record).toEqual(record(id, 1, { hello: id }));
    await again.release();
  }
  expect((await collect(store.list())).map((r) => r.id).sort()).toEqual(['', 'test:spaces and ünïcødé', 'test:u', 'test:{x}', 'test:}{'].sort());
});

withCluster('held events work through a Cluster client: held, listed from every master, released', async () => {
  const store = clusterStore();
  for (const id of ['test:a', 'test:{b}', '']) {
    await store.holdEvent({ sessionId: id, platform: 'test', eventId: 'e1', rawEvent: { id: 'e1' }, heldAt: 1 });
  }
  expect((await collect(store.heldEvents())).map((e) => e.sessionId).sort()).toEqual(['', 'test:a', 'test:{b}']);
  await store.releaseHeldEvents('test:{b}', ['e1']);
  expect(await collect(store.heldEvents('test:{b}'))).toEqual([]);
  expect(await collect(store.heldEvents())).toHaveLength(2);
});

withCluster("a session's record and lock keys hash to the same slot", async () => {
  for (const id of ['line:U1', 'test:{x}', 'a}b{c', '']) {
    const { data, lock } = sessionKeys('bottender:session:', id);
    const [dataSlot, lockSlot] = await Promise.all([raw!.call('CLUSTER', 'KEYSLOT', data), raw!.call('CLUSTER', 'KEYSLOT', lock)]);
    expect(lockSlot).toBe(dataSlot);
  }
});

if (available) {
  describeSessionStoreConformance('redis (cluster)', clusterStore, {
    corrupt: async (store, id) => {
      await raw!.hset(sessionKeys(prefixes.get(store)!, id).data, 'r', 'not json');
    },
    ttlMs: 50,
    expiryGraceMs: 1_000,
    holdsEvents: true,
  });
} else {
  test.skip('redis (cluster) session store conformance (no redis-server binary: see the notice above)', () => {});
}
