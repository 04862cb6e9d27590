/**
 * A hung handler on a store shared by many servers (Redis): past handlerTimeoutMs the event is
 * refused, the lock is released and its lease no longer renewed, so another server handles the
 * session's next event at once, from the state as last committed.
 */
import { RedisSessionStore } from '@bottender/redis';

import { Bot, silentLogger } from '../src';
import { TestConnector, TestEvent } from '../src/testing';
import { redisTest, startRedisOrSkip, type TestRedis } from '../../redis/test/support/redis-server';

const withRedis = redisTest('hung handler on Redis');
let redis: TestRedis | undefined;
const stores: RedisSessionStore[] = [];
afterAll(async () => {
  for (const store of stores) await store.close();
  await redis?.dispose();
});

withRedis('frees the session on every server once the handler runs past its bound', async () => {
  redis = await startRedisOrSkip('hung handler on Redis');
  const keyPrefix = `hung-${process.pid}-${Date.now()}:`;
  const makeStore = () => {
    const store = new RedisSessionStore({ url: redis!.url, keyPrefix, lockLeaseMs: 5_000, logger: silentLogger });
    stores.push(store);
    return store;
  };
  const connector = new TestConnector();
  const count = async (context: any) => context.setState({ count: (context.state.count ?? 0) + 1 });
  const hung = new Bot({
    store: makeStore(),
    logger: silentLogger,
    handlerTimeoutMs: 500,
    app: async (context: any) => {
      context.setState({ count: 100 });
      await new Promise(() => {});
    },
  });
  const other = new Bot({ store: makeStore(), logger: silentLogger, lockTimeoutMs: 4_000, app: count });
  await other.dispatcher(connector).dispatch([new TestEvent({ user: 'u', id: 'e0' })]);

  const started = Date.now();
  const [given] = await hung.dispatcher(connector).dispatch([new TestEvent({ user: 'u', id: 'e1' })]);
  expect(given.outcome).toBe('timed-out');
  // The other server is not kept waiting for the 5 s lease: the lock was released.
  const [next] = await other.dispatcher(connector).dispatch([new TestEvent({ user: 'u', id: 'e2' })]);
  expect(next.outcome).toBe('handled');
  expect(Date.now() - started).toBeLessThan(3_500);
  const record = await stores[1].read('test:u');
  expect(record).toMatchObject({ state: { count: 2 }, eventIds: ['e0', 'e2'] });
});
