import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, realpath, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

import { Bot, silentLogger } from 'bottender';
import { TestConnector, TestEvent } from 'bottender/testing';

import { SessionStoreError } from '../session/types';
import { FileSessionStore } from './file';
import { sessionFileName } from './file/names';

/**
 * A bot moved from Bottender 1.x keeps its users' state: the sessions 1.x's file store left in
 * the folder are read where they are, carried over to this driver's files by their first event,
 * and the 1.x files are then removed. When Bottender 1.5.5 is installed in bench/bottender-1.5.5,
 * its own FileSessionStore writes them; otherwise they are written as it writes them
 * (`<dirname>/<session id>.json`, the whole session object as JSON).
 */
const V1_DIR = path.join(__dirname, '..', '..', '..', '..', 'bench', 'bottender-1.5.5');
const V1_INSTALLED = existsSync(path.join(V1_DIR, 'node_modules', 'bottender', 'dist', 'session', 'FileSessionStore.js'));
const WRITER = path.join(__dirname, '..', '..', 'test', 'support', 'write-1x-sessions.cjs');

const roots: string[] = [];
afterAll(() => Promise.all(roots.map((root) => rm(root, { recursive: true, force: true }))));

async function folder(): Promise<string> {
  const root = await realpath(await mkdtemp(path.join(os.tmpdir(), 'bottender-1x-files-')));
  roots.push(root);
  const dirname = path.join(root, 'sessions');
  await mkdir(dirname);
  return dirname;
}

/** A 1.x session as 1.x's Bot kept it: the state under `_state`, plus what its connectors added. */
function oneX(key: string, state: unknown): [string, Record<string, unknown>] {
  const [platform, user] = key.split(':');
  return [key, { id: key, platform, type: 'user', user: { id: user, _updatedAt: '2024-01-01T00:00:00.000Z' }, _state: state }];
}

async function writeOneX(dirname: string, sessions: [string, Record<string, unknown>][]): Promise<void> {
  if (V1_INSTALLED) {
    const result = spawnSync(process.execPath, [WRITER, V1_DIR, 'file', dirname], {
      input: JSON.stringify(sessions),
      encoding: 'utf8',
      timeout: 30_000,
    });
    if (result.status !== 0) throw new Error(`Bottender 1.5.5 could not write its sessions: ${result.stderr}`);
    return;
  }
  for (const [key, session] of sessions) {
    await writeFile(path.join(dirname, `${key}.json`), JSON.stringify({ ...session, lastActivity: Date.now() }));
  }
}

function counterBot(store: FileSessionStore, options: { expiresIn?: number; now?: () => number } = {}) {
  const seen: unknown[] = [];
  const bot = new Bot({
    store,
    ...options,
    logger: silentLogger,
    app: async (context) => {
      seen.push({ ...context.state });
      context.setState({ count: ((context.state.count as number) ?? 0) + 1 });
    },
  });
  return { bot, seen, connector: new TestConnector() };
}

async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
}

beforeAll(() => {
  console.info(`1.x session files written by ${V1_INSTALLED ? "Bottender 1.5.5's own FileSessionStore" : 'the layout 1.5.5 writes (1.5.5 not installed)'}`);
});

describe('FileSessionStore: sessions Bottender 1.x left in the folder', () => {
  it('reads a 1.x file as the session at version 0, carries it over on its first event and removes the 1.x file', async () => {
    const dirname = await folder();
    await writeOneX(dirname, [oneX('test:u1', { count: 3, name: 'Ann', nested: { list: [1, 2] } }), oneX('test:u2', { count: 7 })]);
    expect((await readdir(dirname)).sort()).toEqual(['test:u1.json', 'test:u2.json']);
    const writtenAt = JSON.parse(await readFile(path.join(dirname, 'test:u1.json'), 'utf8')).lastActivity;

    const store = new FileSessionStore({ dirname, sweepIntervalMs: 0 });
    await store.init();
    expect(await store.read('test:u1')).toEqual({
      id: 'test:u1',
      platform: 'test',
      state: { count: 3, name: 'Ann', nested: { list: [1, 2] } },
      lastActivity: writtenAt,
      version: 0,
      eventIds: [],
    });

    const { bot, seen, connector } = counterBot(store);
    expect(await bot.handleEvent(connector, new TestEvent({ user: 'u1', id: 'e1' }))).toBe('committed');
    expect(seen).toEqual([{ count: 3, name: 'Ann', nested: { list: [1, 2] } }]);
    // Written back in this driver's layout; the 1.x file is gone, the untouched session's stays.
    expect((await readdir(dirname)).sort()).toEqual([sessionFileName('test:u1'), 'test:u2.json'].sort());
    expect(await store.read('test:u1')).toMatchObject({ state: { count: 4 }, version: 1, eventIds: ['e1'] });

    expect(await bot.handleEvent(connector, new TestEvent({ user: 'u1', id: 'e2' }))).toBe('committed');
    expect(seen[1]).toEqual({ count: 4, name: 'Ann', nested: { list: [1, 2] } });
    await store.close();
  });

  it('never reads the 1.x copy again once the session is carried over, even if one reappears', async () => {
    const dirname = await folder();
    await writeOneX(dirname, [oneX('test:u1', { count: 3 })]);
    const store = new FileSessionStore({ dirname, sweepIntervalMs: 0 });
    const { bot, seen, connector } = counterBot(store);
    await bot.init();
    await bot.handleEvent(connector, new TestEvent({ user: 'u1', id: 'e1' }));
    // A 1.x process still writing to the folder puts its file back: this driver's file wins.
    await writeOneX(dirname, [oneX('test:u1', { count: 100 })]);
    await bot.handleEvent(connector, new TestEvent({ user: 'u1', id: 'e2' }));
    expect(seen).toEqual([{ count: 3 }, { count: 4 }]);
    await store.close();
  });

  it('keeps 1.x expiry: lastActivity still counts, so a session idle past expiresIn starts over', async () => {
    const dirname = await folder();
    await writeOneX(dirname, [oneX('test:u1', { count: 3 })]);
    const store = new FileSessionStore({ dirname, sweepIntervalMs: 0 });
    const later = Date.now() + 61 * 60_000;
    const { bot, seen, connector } = counterBot(store, { expiresIn: 60, now: () => later });
    await bot.init();
    await bot.handleEvent(connector, new TestEvent({ user: 'u1', id: 'e1' }));
    expect(seen).toEqual([{}]);
    await store.close();
  });

  it('lists 1.x sessions not yet carried over next to its own, each once', async () => {
    const dirname = await folder();
    await writeOneX(dirname, [oneX('test:u1', { count: 1 }), oneX('test:u2', { count: 2 })]);
    const store = new FileSessionStore({ dirname, sweepIntervalMs: 0 });
    const { bot, connector } = counterBot(store);
    await bot.init();
    await bot.handleEvent(connector, new TestEvent({ user: 'u1', id: 'e1' }));
    const listed = (await collect(store.list())).map((r) => [r.id, r.state.count, r.version]).sort();
    expect(listed).toEqual([
      ['test:u1', 2, 1],
      ['test:u2', 2, 0],
    ]);
    await store.close();
  });

  it('reads the Windows names 1.x gave (the first ":" as "@")', async () => {
    const dirname = await folder();
    await writeFile(path.join(dirname, 'line@U1.json'), JSON.stringify({ id: 'line:U1', platform: 'line', _state: { step: 2 }, lastActivity: 5 }));
    const store = new FileSessionStore({ dirname, sweepIntervalMs: 0 });
    expect(await store.read('line:U1')).toMatchObject({ id: 'line:U1', state: { step: 2 }, lastActivity: 5, version: 0 });
    await store.delete('line:U1');
    expect(await readdir(dirname)).toEqual([]);
  });

  it('reports a damaged 1.x file instead of starting the session over, and leaves it in place', async () => {
    const dirname = await folder();
    await writeFile(path.join(dirname, 'test:u1.json'), '{"_state": "not an object"}');
    await writeFile(path.join(dirname, 'test:u2.json'), '{"_state": {"half');
    const store = new FileSessionStore({ dirname, sweepIntervalMs: 0 });
    await expect(store.read('test:u1')).rejects.toThrow(SessionStoreError);
    await expect(store.read('test:u2')).rejects.toThrow(/1\.x session file "test:u2\.json" is not a 1\.x session/);
    expect((await readdir(dirname)).sort()).toEqual(['test:u1.json', 'test:u2.json']);
  });

  it('never looks outside the folder for an id that is a path', async () => {
    const dirname = await folder();
    await writeFile(path.join(path.dirname(dirname), 'outside.json'), JSON.stringify({ _state: { secret: true } }));
    await writeOneX(dirname, [oneX('test:u1', {})]);
    const store = new FileSessionStore({ dirname, sweepIntervalMs: 0 });
    expect(await store.read('test:../../outside')).toBeUndefined();
    expect(await store.read('test:u1/../../outside')).toBeUndefined();
  });

  it('costs a folder without 1.x files no lookups (one readdir, once)', async () => {
    const dirname = await folder();
    const store = new FileSessionStore({ dirname, sweepIntervalMs: 0 });
    await store.init();
    // A 1.x file appearing later is not looked for: the store decided at its first look.
    await writeOneX(dirname, [oneX('test:u1', { count: 9 })]);
    expect(await store.read('test:u1')).toBeUndefined();
  });
});
