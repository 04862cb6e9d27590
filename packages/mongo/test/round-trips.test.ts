import type { CommandStartedEvent } from 'mongodb';

import { costOfAHundredEventsAtOnce, costOfDuplicateAndFailure, costOfEachEvent, countingBot, event, type Measure } from '../../../test-support/store-drivers/round-trips';
import { escapeSessionId } from '../src';
import { collect, mongoBackends, notRun, uniqueDbName, useMongoSuite } from './support/stores';

/**
 * The cost of one event, measured: the runtime drives the store, and every command the store's
 * client sends is counted with the driver's command monitoring (client side) and, on the test
 * server, by the server itself. Each command is awaited before the next is sent, so commands are
 * round trips.
 */
const backends = mongoBackends('mongo round trips');
if (backends.length === 0) notRun('mongo round trips');

describe.each(backends)('against the %s', (backend) => {
  const { stores, mongo, withMongo } = useMongoSuite(backend);

  /** A store on a client of its own with command monitoring on, and the names of the commands it sends. */
  function monitoredStore() {
    const client = stores.client({ monitorCommands: true });
    const sent: string[] = [];
    client.on('commandStarted', (e: CommandStartedEvent) => sent.push(e.commandName));
    // A long lease: no renewal (one more update) can fall inside an event, however loaded the machine.
    const store = stores.store({ client, dbName: uniqueDbName('rt'), lockLeaseMs: 60_000 });
    return { store, sent };
  }

  /** Counts what running something costs: the names of the commands `sent` gains meanwhile. */
  const commandsSent =
    (sent: string[]): Measure<string[]> =>
    async (run) => {
      const before = sent.length;
      await run();
      return sent.slice(before);
    };

  withMongo('each handled event costs one round trip to lock and read and one to write and unlock', async () => {
    const { store, sent } = monitoredStore();
    const perEvent = await costOfEachEvent(store, commandsSent(sent));
    // New sessions (the first five events) and existing ones alike.
    expect(perEvent.every((commands) => commands.length === 2)).toBe(true);
    expect(new Set(perEvent.map((commands) => commands.join(',')))).toEqual(new Set(['findAndModify,update']));
  });

  withMongo('a duplicate event or a failing handler costs a round trip to lock and read and one to unlock', async () => {
    const { store, sent } = monitoredStore();
    const costs = await costOfDuplicateAndFailure(store, commandsSent(sent));
    expect(costs).toEqual([
      ['findAndModify', 'update'],
      ['findAndModify', 'update'],
    ]);
  });

  withMongo(
    "the server's own count agrees: 2 commands per event, no scans of the collection",
    async () => {
      const store = stores.store({ lockLeaseMs: 60_000 });
      const stats = await costOfAHundredEventsAtOnce(store, async (run) => {
        await mongo().resetStats();
        await run();
        return mongo().stats();
      });
      expect(stats.findAndModify).toBe(100);
      expect(stats.update).toBe(100);
      for (const other of ['find', 'aggregate', 'count', 'delete', 'insert', 'getMore']) expect(stats[other]).toBeUndefined();
    },
    { controllable: true },
  );

  withMongo('expiresIn is the expiry date of the document, renewed by every handled event; event ids ride in the same write', async () => {
    const store = stores.store();
    const raw = stores.rawDb(store).collection('sessions');
    const { bot, connector, runs } = countingBot(store, 1);
    const first = Date.now();
    await bot.handleEvent(connector, event('u', 'e1'));
    const doc1 = await raw.findOne({ sid: 'test:u' });
    expect(doc1!.expiresAt.getTime()).toBeGreaterThanOrEqual(first + 60_000);
    expect(doc1!.expiresAt.getTime()).toBeLessThanOrEqual(Date.now() + 60_000);
    await new Promise((resolve) => setTimeout(resolve, 50));
    await bot.handleEvent(connector, event('u', 'e2'));
    const doc2 = await raw.findOne({ sid: 'test:u' });
    expect(doc2!.expiresAt.getTime()).toBeGreaterThan(doc1!.expiresAt.getTime());
    // The record and its processed event ids are one field of one document, written at once.
    expect(Object.keys(doc2!).sort()).toEqual(['_id', 'expiresAt', 'lock', 'lockUntil', 'r', 'sid', 'v']);
    expect(doc2).toMatchObject({ lock: null, lockUntil: new Date(0), v: 2 });
    expect(JSON.parse(doc2!.r)).toMatchObject({ version: 2, eventIds: ['e1', 'e2'], state: { count: 2 } });
    expect(await bot.handleEvent(connector, event('u', 'e2'))).toBe('duplicate');
    expect(runs).toHaveLength(2);
    expect(await collect(store.list())).toHaveLength(1);
    expect(escapeSessionId('test:u')).toBe('test:u');
  });
});
