import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

import { Bot, SessionStoreError, silentLogger } from 'bottender';
import { TestConnector, TestEvent } from 'bottender/testing';
import type { CommandStartedEvent } from 'mongodb';

import type { MongoSessionStore } from '../src';
import { collect, mongoBackends, notRun, uniqueDbName, useMongoSuite } from './support/stores';

/**
 * Sessions Bottender 1.x's MongoSessionStore wrote in the same collection are read, so users keep
 * their state after the move, and carried over to this driver's documents on their first event.
 * When Bottender 1.5.5 is installed in bench/bottender-1.5.5 (npm ci there), its own store writes
 * them (with its mongodb 3.x client, in a child process); otherwise they are written the way it
 * writes them: `updateOne({ id }, { $set: session }, { upsert: true })`.
 */
const backends = mongoBackends('mongo, Bottender 1.x sessions');
if (backends.length === 0) notRun('mongo, Bottender 1.x sessions');

const V1_DIR = join(__dirname, '..', '..', '..', 'bench', 'bottender-1.5.5');
const V1_INSTALLED = existsSync(join(V1_DIR, 'node_modules', 'bottender', 'dist', 'session', 'MongoSessionStore.js'));
const WRITER = join(__dirname, 'support', 'write-1x-sessions.cjs');

/** A 1.x session as 1.x's Bot kept it: the state under `_state`, plus what its connectors added. */
const oneX = (key: string, state: unknown) => [key, { id: key, platform: key.split(':')[0], _state: state, user: { id: key.split(':')[1] } }] as const;

describe.each(backends)('against the %s', (backend) => {
  const { stores, mongo, withMongo } = useMongoSuite(backend);

  /** Writes 1.x sessions into `dbName`.sessions; says how. */
  async function writeOneX(dbName: string, sessions: (readonly [string, unknown])[]): Promise<void> {
    if (V1_INSTALLED && mongo().controllable) {
      const url = mongo().url.replace(/\/\?.*$/, `/${dbName}`);
      const result = spawnSync(process.execPath, [WRITER, V1_DIR, url, 'sessions'], { input: JSON.stringify(sessions), encoding: 'utf8', timeout: 30_000 });
      if (result.status !== 0) throw new Error(`Bottender 1.5.5 could not write its sessions: ${result.stderr}`);
      return;
    }
    const raw = stores.client().db(dbName).collection('sessions');
    for (const [key, session] of sessions) {
      await raw.updateOne({ id: key }, { $set: { ...(session as object), lastActivity: Date.now() } }, { upsert: true });
    }
  }

  beforeAll(() => {
    console.info(`1.x sessions written by ${V1_INSTALLED ? "Bottender 1.5.5's own MongoSessionStore" : 'the same update 1.5.5 makes (1.5.5 not installed)'}`);
  });

  function counterBot(store: MongoSessionStore, expiresIn?: number) {
    const seen: unknown[] = [];
    const bot = new Bot({
      store,
      expiresIn,
      logger: silentLogger,
      app: async (context) => {
        seen.push({ ...context.state });
        if (context.event.text === 'fail') throw new Error('handler failed on purpose');
        context.setState({ count: (context.state.count ?? 0) + 1 });
      },
    });
    return { bot, seen, connector: new TestConnector() };
  }
  const event = (user: string, id: string, text = 'hi') => new TestEvent({ user, id, text });

  withMongo('a 1.x session is read with its state at version 0, carried over on its first event, and its old document removed', async () => {
    const dbName = uniqueDbName('1x');
    await writeOneX(dbName, [oneX('test:u1', { count: 3, name: 'Ann', nested: { list: [1, 2] } }), oneX('test:u2', { count: 7 })]);
    const raw = stores.client().db(dbName).collection('sessions');
    const writtenAt = (await raw.findOne({ id: 'test:u1' }))!.lastActivity;

    const client = stores.client({ monitorCommands: true });
    const sent: string[] = [];
    client.on('commandStarted', (e: CommandStartedEvent) => sent.push(e.commandName));
    const store = stores.store({ client, dbName, lockLeaseMs: 60_000 }); // no renewal inside the counted events
    await store.init();
    expect(store.readsOneXSessions).toBe(true);
    expect(await store.read('test:u1')).toEqual({
      id: 'test:u1',
      platform: 'test',
      state: { count: 3, name: 'Ann', nested: { list: [1, 2] } },
      lastActivity: writtenAt,
      version: 0,
      eventIds: [],
    });
    expect((await collect(store.list())).map((r) => [r.id, r.version]).sort()).toEqual([
      ['test:u1', 0],
      ['test:u2', 0],
    ]);

    const { bot, seen, connector } = counterBot(store);
    let before = sent.length;
    expect(await bot.handleEvent(connector, event('u1', 'e1'))).toBe('committed');
    // Lock and read, look for the 1.x document, write and unlock, delete the 1.x document.
    expect(sent.slice(before)).toEqual(['findAndModify', 'find', 'update', 'delete']);
    expect(seen).toEqual([{ count: 3, name: 'Ann', nested: { list: [1, 2] } }]);
    expect(await store.read('test:u1')).toMatchObject({ version: 1, eventIds: ['e1'], state: { count: 4, name: 'Ann' } });
    expect(await raw.countDocuments({ id: 'test:u1' })).toBe(0);
    expect(await raw.countDocuments({ id: 'test:u2' })).toBe(1);
    before = sent.length;
    expect(await bot.handleEvent(connector, event('u1', 'e2'))).toBe('committed');
    expect(sent.slice(before)).toEqual(['findAndModify', 'update']); // carried over: the usual two
    expect((await collect(store.list())).map((r) => [r.id, r.version]).sort()).toEqual([
      ['test:u1', 2],
      ['test:u2', 0],
    ]);
  });

  withMongo('a handler that throws on a 1.x session leaves it as it was; a delete removes it', async () => {
    const dbName = uniqueDbName('1x-fail');
    await writeOneX(dbName, [oneX('test:u', { count: 5 })]);
    const store = stores.store({ dbName });
    const { bot, seen, connector } = counterBot(store);
    expect(await bot.handleEvent(connector, event('u', 'e1', 'fail'))).toBe('handler-error');
    expect(await bot.handleEvent(connector, event('u', 'e2'))).toBe('committed');
    expect(seen).toEqual([{ count: 5 }, { count: 5 }]);
    expect((await store.read('test:u'))!.state).toEqual({ count: 6 });

    await writeOneX(dbName, [oneX('test:gone', { count: 1 })]);
    await store.delete('test:gone');
    expect(await store.read('test:gone')).toBeUndefined();
    expect(await stores.client().db(dbName).collection('sessions').countDocuments({ id: 'test:gone' })).toBe(0);
  });

  withMongo("a 1.x session past expiresIn (by its lastActivity) starts over and is never brought back", async () => {
    const dbName = uniqueDbName('1x-old');
    await writeOneX(dbName, [oneX('test:u', { count: 41 })]);
    const raw = stores.client().db(dbName).collection('sessions');
    await raw.updateOne({ id: 'test:u' }, { $set: { lastActivity: Date.now() - 2 * 60_000 } });
    const store = stores.store({ dbName });
    const { bot, seen, connector } = counterBot(store, 1);
    expect(await bot.handleEvent(connector, event('u', 'e1'))).toBe('committed');
    expect(seen).toEqual([{}]);
    expect((await store.read('test:u'))!.state).toEqual({ count: 1 });
    expect(await raw.countDocuments({ id: 'test:u' })).toBe(0);
  });

  withMongo('a 1.x document whose _state is not an object is an error naming the session, and is left untouched', async () => {
    const dbName = uniqueDbName('1x-bad');
    const raw = stores.client().db(dbName).collection('sessions');
    await raw.insertOne({ id: 'test:bad', _state: 'oops', lastActivity: 1 });
    const store = stores.store({ dbName });
    await expect(store.read('test:bad')).rejects.toThrow(
      new SessionStoreError('stored data for session "test:bad" is a Bottender 1.x session whose _state is not an object; it is left untouched: delete it to start this session over'),
    );
    await expect(store.begin('test:bad', { timeoutMs: 500 })).rejects.toBeInstanceOf(SessionStoreError);
    expect(await raw.countDocuments({ id: 'test:bad' })).toBe(1);
    // The lock was given back: after the operator deletes it, the session starts over at once.
    await store.delete('test:bad');
    const tx = await store.begin('test:bad', { timeoutMs: 500 });
    expect(tx.record).toBeUndefined();
    await tx.release();
  });

  withMongo('a collection without 1.x sessions is not searched for them', async () => {
    const store = stores.store();
    await store.init();
    expect(store.readsOneXSessions).toBe(false);
  });
});
