import { costOfAHundredEventsAtOnce, costOfDuplicateAndFailure, costOfEachEvent, countingBot, event, type Measure } from '../../../test-support/store-drivers/round-trips';
import { type RedisSessionStore, sessionKeys } from '../src';
import { recordCommandNames } from './support/commands';
import { collect, uniquePrefix, useRedisSuite } from './support/stores';

/**
 * The cost of one event, measured: the runtime drives the store, and every command the store's
 * client sends is counted (client side), and Redis's own command statistics are read (server
 * side). Every command below is awaited before the next is sent, so commands are round trips.
 */
const { stores, withRedis } = useRedisSuite('redis round trips');

/** Counts what running something costs: the names of the commands the store's client sends meanwhile. */
function commandsSent(store: RedisSessionStore): Measure<string[]> {
  const sent = recordCommandNames(store);
  return async (run) => {
    const before = sent.length;
    await run();
    return sent.slice(before);
  };
}

withRedis('each handled event costs one round trip to lock and read and one to write and unlock', async () => {
  const store = stores.store();
  const perEvent = await costOfEachEvent(store, commandsSent(store));
  // Scripts are sent by their SHA (ioredis sends the full script once per connection).
  expect(perEvent.every((commands) => commands.length === 2)).toBe(true);
  expect(new Set(perEvent.flat())).toEqual(new Set(['evalsha']));
});

withRedis('a duplicate event or a failing handler costs a round trip to lock and read and one to unlock', async () => {
  const store = stores.store();
  const costs = await costOfDuplicateAndFailure(store, commandsSent(store));
  expect(costs.map((commands) => commands.length)).toEqual([2, 2]);
});

withRedis("Redis's own statistics agree: 2 script calls per event, and no KEYS, SCAN or FLUSH", async () => {
  const store = stores.store();
  const raw = stores.client();
  const stats = await costOfAHundredEventsAtOnce(store, async (run) => {
    await raw.config('RESETSTAT');
    await run();
    return parseCommandStats(await raw.info('commandstats'));
  });
  const scriptCalls = (stats.evalsha ?? 0) + (stats.eval ?? 0);
  expect(scriptCalls).toBe(200);
  for (const forbidden of ['keys', 'scan', 'flushdb', 'flushall']) expect(stats[forbidden]).toBeUndefined();

  // Listing is the only thing that scans, and only with the store's prefix.
  await raw.config('RESETSTAT');
  expect(await collect(store.list())).toHaveLength(10);
  const listing = parseCommandStats(await raw.info('commandstats'));
  expect(listing.scan).toBeGreaterThanOrEqual(1);
  expect(listing.keys).toBeUndefined();
});

withRedis('expiresIn is the key TTL, renewed by every handled event; processed ids ride in the same write', async () => {
  const keyPrefix = uniquePrefix('ttl');
  const store = stores.store({ keyPrefix });
  const raw = stores.client();
  const { bot, connector, runs } = countingBot(store, 1);
  const key = sessionKeys(keyPrefix, 'test:u').data;
  await bot.handleEvent(connector, event('u', 'e1'));
  await new Promise((resolve) => setTimeout(resolve, 300));
  expect(await raw.pttl(key)).toBeLessThanOrEqual(59_700);
  await bot.handleEvent(connector, event('u', 'e2'));
  expect(await raw.pttl(key)).toBeGreaterThan(59_800);
  // The record and its processed event ids are one value: there is no separate key to lose.
  const fields = await raw.hgetall(key);
  expect(Object.keys(fields).sort()).toEqual(['r', 'v']);
  expect(JSON.parse(fields.r)).toMatchObject({ version: 2, eventIds: ['e1', 'e2'], state: { count: 2 } });
  expect(await bot.handleEvent(connector, event('u', 'e2'))).toBe('duplicate');
  expect(runs).toHaveLength(2);
});

/** `INFO commandstats` as command name -> calls. */
function parseCommandStats(info: string): Record<string, number> {
  const stats: Record<string, number> = {};
  for (const match of info.matchAll(/^cmdstat_([^:]+):calls=(\d+)/gm)) stats[match[1]] = Number(match[2]);
  return stats;
}
