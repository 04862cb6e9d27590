import { Redis } from 'ioredis';

import { startRedisServer, type TestRedis } from './redis-server';

/** A Redis Cluster of `masters` nodes (no replicas) on free loopback ports, slots split evenly. */
export interface TestCluster {
  nodes: TestRedis[];
  /** The first slot of each node's range, in node order (node i serves [starts[i], starts[i + 1])). */
  starts: number[];
  /** The node serving `slot`. */
  nodeOf(slot: number): number;
  dispose(): Promise<void>;
}

/**
 * Starts the nodes, gives each a third of the slots, joins them (CLUSTER MEET) and waits until
 * every node reports the cluster ok. `cluster-require-full-coverage no`: when a node dies, the
 * others keep serving their own slots, as a production cluster with that setting would while it
 * has no replica to promote. Each node keeps an fsynced append-only file, so a killed node comes
 * back with its data and its slots (nodes.conf in its folder).
 */
export async function startCluster(masters = 3): Promise<TestCluster> {
  const nodes: TestRedis[] = [];
  const clients: Redis[] = [];
  try {
    for (let i = 0; i < masters; i++) {
      nodes.push(
        await startRedisServer({
          persistent: true,
          args: [
            '--cluster-enabled', 'yes', '--cluster-config-file', 'nodes.conf', '--cluster-announce-ip', '127.0.0.1',
            '--cluster-require-full-coverage', 'no', '--cluster-node-timeout', '3000',
          ],
        }),
      );
    }
    const starts = nodes.map((_, i) => Math.floor((16384 * i) / masters));
    for (const [i, node] of nodes.entries()) {
      const client = new Redis(node.url, { lazyConnect: true, maxRetriesPerRequest: 1 });
      client.on('error', () => {});
      await client.connect();
      clients.push(client);
      const last = i + 1 < masters ? starts[i + 1] - 1 : 16383;
      await client.call('CLUSTER', 'ADDSLOTSRANGE', String(starts[i]), String(last));
    }
    for (const node of nodes.slice(1)) await clients[0].call('CLUSTER', 'MEET', '127.0.0.1', String(node.port));
    const deadline = Date.now() + 20_000;
    for (const client of clients) {
      for (;;) {
        const info = String(await client.call('CLUSTER', 'INFO'));
        const known = (await client.call('CLUSTER', 'SLOTS')) as unknown[];
        if (info.includes('cluster_state:ok') && known.length === masters) break;
        if (Date.now() > deadline) throw new Error('the test cluster did not become ready');
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    }
    return {
      nodes,
      starts,
      nodeOf: (slot) => starts.filter((start) => start <= slot).length - 1,
      dispose: async () => {
        await Promise.all(nodes.map((node) => node.dispose()));
      },
    };
  } catch (error) {
    await Promise.all(nodes.map((node) => node.dispose()));
    throw error;
  } finally {
    for (const client of clients) client.disconnect();
  }
}
