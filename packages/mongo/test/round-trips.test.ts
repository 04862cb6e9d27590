import { Bot, silentLogger } from 'bottender';
import { TestConnector, TestEvent } from 'bottender/testing';
import type { CommandStartedEvent } from 'mongodb';

import { escapeSessionId, type MongoSessionStore } from '../src';
import { collect, mongoBackends, notRun, uniqueDbName, useMongoSuite } from './support/stores';

/**
 * The cost of one event, measured: the runtime drives the store, and every command the store's
 * client sends is counted with the driver's command monitoring (client side) and, on the test
 * server, by the server itself. Each command is awaited before the next is sent, so commands are
 * round trips.
 */
const backends = mongoBackends('mongo round trips');
if (backends.length === 0) notRun('mongo round trips');

/** A bot that counts its handler's runs; `fail` makes the handler throw. */
function counterBot(store: MongoSessionStore, expiresIn?: number) {
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

  withMongo('each handled event costs one round trip to lock and read and one to write and unlock', async () => {
    const { store, sent } = monitoredStore();
    const { bot, connector } = counterBot(store);
    await bot.init();
    const perEvent: string[][] = [];
    for (let i = 0; i < 50; i++) {
      const before = sent.length;
      expect(await bot.handleEvent(connector, event(`u${i % 5}`, `e${i}`))).toBe('committed');
      perEvent.push(sent.slice(before));
    }
    // New sessions (the first five events) and existing ones alike.
    expect(perEvent.every((commands) => commands.length === 2)).toBe(true);
    expect(new Set(perEvent.map((commands) => commands.join(',')))).toEqual(new Set(['findAndModify,update']));
    expect((await store.read('test:u0'))!.state.count).toBe(10);
  });

  withMongo('a duplicate event or a failing handler costs a round trip to lock and read and one to unlock', async () => {
    const { store, sent } = monitoredStore();
    const { bot, connector, runs } = counterBot(store);
    await bot.handleEvent(connector, event('u', 'e1'));
    const before = sent.length;
    expect(await bot.handleEvent(connector, event('u', 'e1'))).toBe('duplicate');
    expect(sent.slice(before)).toEqual(['findAndModify', 'update']);
    expect(await bot.handleEvent(connector, event('u', 'e2', 'fail'))).toBe('handler-error');
    expect(sent.slice(before)).toEqual(['findAndModify', 'update', 'findAndModify', 'update']);
    expect(runs).toEqual(['hi']);
    expect(await store.read('test:u')).toMatchObject({ version: 1, eventIds: ['e1'], state: { count: 1 } });
  });

  withMongo(
    "the server's own count agrees: 2 commands per event, no scans of the collection",
    async () => {
      const store = stores.store({ lockLeaseMs: 60_000 });
      const { bot, connector } = counterBot(store);
      await bot.init();
      await mongo().resetStats();
      const events = Array.from({ length: 100 }, (_, i) => event(`u${i % 10}`, `e${i}`));
      await bot.handleEvents(connector, events);
      const stats = await mongo().stats();
      expect(stats.findAndModify).toBe(100);
      expect(stats.update).toBe(100);
      for (const other of ['find', 'aggregate', 'count', 'delete', 'insert', 'getMore']) expect(stats[other]).toBeUndefined();
      expect((await store.read('test:u3'))!.state.count).toBe(10);
    },
    { controllable: true },
  );

  withMongo('expiresIn is the expiry date of the document, renewed by every handled event; event ids ride in the same write', async () => {
    const store = stores.store();
    const raw = stores.rawDb(store).collection('sessions');
    const { bot, connector, runs } = counterBot(store, 1);
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
