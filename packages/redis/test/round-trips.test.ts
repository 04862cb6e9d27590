import { Bot, silentLogger } from 'bottender';
import { TestConnector, TestEvent } from 'bottender/testing';
import type { Redis } from 'ioredis';

import { type RedisSessionStore, sessionKeys } from '../src';
import { collect, uniquePrefix, useRedisSuite } from './support/stores';

/**
 * The cost of one event, measured: the runtime drives the store, and every command the store's
 * client sends is counted (client side), and Redis's own command statistics are read (server
 * side). Every command below is awaited before the next is sent, so commands are round trips.
 */
const { stores, withRedis } = useRedisSuite('redis round trips');

/** Records the name of every command the store's client sends. */
function countCommands(store: RedisSessionStore): string[] {
  const sent: string[] = [];
  const client = store.client as Redis;
  const original = client.sendCommand.bind(client);
  client.sendCommand = ((command: { name: string }, stream?: unknown) => {
    sent.push(command.name);
    return original(command as never, stream as never);
  }) as typeof client.sendCommand;
  return sent;
}

/** A bot that counts its handler's runs; `fail` makes the handler throw. */
function counterBot(store: RedisSessionStore, expiresIn?: number) {
  const runs: string[] = [];
  const bot = new Bot({
    store,
    expiresIn,
    logger: silentLogger,
    app: async (context) => {
      if (context.event.text === 'fail') throw new Error('handler failed on purpose');
      runs.push(context.event.text ?? '');
      context.setState({ count: (context.state.count ?? 0) + 1 });
    },
  });
  return { bot, runs, connector: new TestConnector() };
}

const event = (user: string, id: string, text = 'hi') => new TestEvent({ user, id, text });

withRedis('each handled event costs one round trip to lock and read and one to write and unlock', async () => {
  const store = stores.store();
  const { bot, connector } = counterBot(store);
  await bot.init();
  const sent = countCommands(store);
  const perEvent: string[][] = [];
  for (let i = 0; i < 50; i++) {
    const before = sent.length;
    expect(await bot.handleEvent(connector, event(`u${i % 5}`, `e${i}`))).toBe('committed');
    perEvent.push(sent.slice(before));
  }
  // Scripts are sent by their SHA (ioredis sends the full script once per connection).
  expect(perEvent.every((commands) => commands.length === 2)).toBe(true);
  expect(new Set(perEvent.flat())).toEqual(new Set(['evalsha']));
  expect((await store.read('test:u0'))!.state.count).toBe(10);
});

withRedis('a duplicate event or a failing handler costs a round trip to lock and read and one to unlock', async () => {
  const store = stores.store();
  const { bot, connector, runs } = counterBot(store);
  await bot.handleEvent(connector, event('u', 'e1'));
  const sent = countCommands(store);
  expect(await bot.handleEvent(connector, event('u', 'e1'))).toBe('duplicate');
  expect(sent).toHaveLength(2);
  expect(await bot.handleEvent(connector, event('u', 'e2', 'fail'))).toBe('handler-error');
  expect(sent).toHaveLength(4);
  expect(runs).toEqual(['hi']);
  const stored = await store.read('test:u');
  expect(stored).toMatchObject({ version: 1, eventIds: ['e1'], state: { count: 1 } });
});

withRedis("Redis's own statistics agree: 2 script calls per event, and no KEYS, SCAN or FLUSH", async () => {
  const store = stores.store();
  const raw = stores.client();
  const { bot, connector } = counterBot(store);
  await bot.init();
  await raw.config('RESETSTAT');
  const events = Array.from({ length: 100 }, (_, i) => event(`u${i % 10}`, `e${i}`));
  await bot.handleEvents(connector, events);
  const stats = parseCommandStats(await raw.info('commandstats'));
  const scriptCalls = (stats.evalsha ?? 0) + (stats.eval ?? 0);
  expect(scriptCalls).toBe(200);
  for (const forbidden of ['keys', 'scan', 'flushdb', 'flushall']) expect(stats[forbidden]).toBeUndefined();
  expect((await store.read('test:u3'))!.state.count).toBe(10);

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
  const { bot, connector, runs } = counterBot(store, 1);
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
