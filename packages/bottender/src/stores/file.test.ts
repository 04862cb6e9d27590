import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { lstat, mkdir, mkdtemp, readdir, readFile, realpath, rm, symlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

import { parseRecord } from '../session/record';
import { type SessionRecord, SessionStoreError } from '../session/types';
import { describeSessionStoreConformance, HOSTILE_SESSION_IDS } from '../testing/conformance';
import { FileSessionStore, type FileStoreOptions, idFromFileName, isSessionFileName, sessionFileName } from './file';

const roots: string[] = [];
async function tempRoot(): Promise<string> {
  const root = await realpath(await mkdtemp(path.join(os.tmpdir(), 'bottender-file-store-')));
  roots.push(root);
  return root;
}
afterAll(async () => {
  await Promise.all(roots.map((root) => rm(root, { recursive: true, force: true })));
});

async function makeStore(options: FileStoreOptions = {}): Promise<FileSessionStore> {
  return new FileSessionStore({ dirname: path.join(await tempRoot(), 'sessions'), ...options });
}

function record(id: string, version = 1, state: Record<string, any> = {}): SessionRecord {
  return { id, platform: 'test', state, lastActivity: 1_000, version, eventIds: [] };
}

async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
}

describeSessionStoreConformance('file', () => makeStore(), {
  cleanup: (store) => rm(store.dirname, { recursive: true, force: true }),
  corrupt: (store, id) => writeFile(store.filePath(id), '{"id": "half a rec'),
  holdsEvents: true,
});

describe('FileSessionStore held events', () => {
  it('keeps them in files of the held folder, which another store on the folder reads back (a restart)', async () => {
    const store = await makeStore({ sweepIntervalMs: 0 });
    await store.init();
    const event = { sessionId: 'line:U1', platform: 'line', eventId: 'e1', rawEvent: { text: 'hi' }, heldAt: 1 };
    await store.holdEvent(event);
    expect(await readdir(path.join(store.dirname, 'held'))).toEqual([sessionFileName('line:U1')]);
    const restarted = new FileSessionStore({ dirname: store.dirname, sweepIntervalMs: 0 });
    await restarted.init();
    expect(await collect(restarted.heldEvents())).toEqual([event]);
    // Held events are not sessions: listings do not show them.
    expect(await collect(restarted.list())).toEqual([]);
    await restarted.releaseHeldEvents('line:U1', ['e1']);
    expect(await readdir(path.join(store.dirname, 'held'))).toEqual([]);
    await store.close();
    await restarted.close();
  });

  it('reports a held-events file that is not a list of held events, naming it', async () => {
    const store = await makeStore({ sweepIntervalMs: 0 });
    await store.init();
    await store.holdEvent({ sessionId: 'line:U1', platform: 'line', eventId: 'e1', rawEvent: null, heldAt: 1 });
    await writeFile(path.join(store.dirname, 'held', sessionFileName('line:U1')), '{"not": "a list"}');
    await expect(collect(store.heldEvents())).rejects.toThrow(/held events file "s_line%3a%551\.json" does not hold a list/);
    await store.close();
  });
});

describe('FileSessionStore', () => {
  describe('folder', () => {
    it('defaults to .sessions under the working directory, and creates nothing before it is used', () => {
      const store = new FileSessionStore();
      expect(store.dirname).toBe(path.resolve(process.cwd(), '.sessions'));
      expect(store.name).toBe('file');
    });

    it.each(['', 'a\u0000b', 42])('refuses dirname %p', (dirname) => {
      expect(() => new FileSessionStore({ dirname: dirname as string })).toThrow(TypeError);
    });

    it.each([-1, 1.5, Number.NaN, 2 ** 31])('refuses sweepIntervalMs %p', (sweepIntervalMs) => {
      expect(() => new FileSessionStore({ sweepIntervalMs })).toThrow(/sweepIntervalMs/);
    });

    it('is created, nested, by init', async () => {
      const dirname = path.join(await tempRoot(), 'a', 'b', 'sessions');
      const store = new FileSessionStore({ dirname });
      await store.init();
      await store.close();
      expect(existsSync(dirname)).toBe(true);
    });

    it('is created by the first write when init was not called', async () => {
      const store = await makeStore();
      expect(await store.read('test:u')).toBeUndefined();
      expect(await collect(store.list())).toEqual([]);
      await store.delete('test:u');
      await store.write(record('test:u'), { expectedVersion: 0 });
      expect(await store.read('test:u')).toEqual(record('test:u'));
    });

    it('fails init with a SessionStoreError naming the folder when it is a file', async () => {
      const dirname = path.join(await tempRoot(), 'not-a-folder');
      await writeFile(dirname, 'x');
      const init = new FileSessionStore({ dirname }).init();
      await expect(init).rejects.toThrow(SessionStoreError);
      await expect(init).rejects.toThrow(JSON.stringify(dirname));
    });
  });

  describe('hostile ids', () => {
    it('keep every file directly inside the folder, one file per id', async () => {
      const root = await tempRoot();
      const dirname = path.join(root, 'a', 'b', 'sessions');
      const store = new FileSessionStore({ dirname });
      const ids = [...HOSTILE_SESSION_IDS, '../../../../../../../tmp/escaped', 'C:\\Windows\\x', '\\\\server\\share\\x'];
      for (const id of ids) await store.write(record(id), { expectedVersion: 0 });

      const names = await readdir(dirname);
      expect(names).toHaveLength(ids.length);
      for (const name of names) {
        expect(path.dirname(await realpath(path.join(dirname, name)))).toBe(dirname);
        expect(isSessionFileName(name)).toBe(true);
      }
      // Nothing was created beside or above the folder.
      expect(await readdir(root, { recursive: true })).toEqual(
        expect.arrayContaining([path.join('a'), path.join('a', 'b'), path.join('a', 'b', 'sessions')]),
      );
      expect((await readdir(root, { recursive: true })).length).toBe(3 + ids.length);
      expect((await collect(store.list())).map((r) => r.id).sort()).toEqual([...ids].sort());
    });

    it('ignore files planted under temporary-looking names, and sweep them', async () => {
      const store = await makeStore();
      await store.write(record('test:u'), { expectedVersion: 0 });
      await writeFile(path.join(store.dirname, 's_test%3au.planted.tmp'), 'not mine');
      await store.write(record('test:u', 2), { expectedVersion: 1 });
      expect(await store.read('test:u')).toEqual(record('test:u', 2));
      expect(await store.sweep()).toEqual({ expired: 0, tempFiles: 1, skipped: 0 });
    });

    it('replace a symbolic link planted at a session path instead of writing through it', async () => {
      const store = await makeStore();
      const outside = path.join(path.dirname(store.dirname), 'outside.json');
      await writeFile(outside, JSON.stringify(record('test:u')));
      await mkdir(store.dirname, { recursive: true });
      await symlink(outside, store.filePath('test:u'));
      await store.write(record('test:u', 2), { expectedVersion: 1 });
      expect(JSON.parse(await readFile(outside, 'utf8'))).toEqual(record('test:u'));
      expect((await lstat(store.filePath('test:u'))).isFile()).toBe(true);
    });
  });

  describe('files', () => {
    it('hold the serialized record, and an expiresAt only when written with a ttl', async () => {
      const store = await makeStore({ now: () => 5_000 });
      await store.write(record('test:plain'), { expectedVersion: 0 });
      await store.write(record('test:ttl'), { expectedVersion: 0, ttlMs: 1_000 });
      expect(JSON.parse(await readFile(store.filePath('test:plain'), 'utf8'))).toEqual(record('test:plain'));
      const stored = JSON.parse(await readFile(store.filePath('test:ttl'), 'utf8'));
      expect(stored).toEqual({ ...record('test:ttl'), expiresAt: 6_000 });
      expect(parseRecord(JSON.stringify(stored), 'test:ttl')).toBeTruthy();
      expect(await store.read('test:ttl')).toEqual(record('test:ttl')); // no expiresAt in what is read
    });

    it('ignore an expiresAt field in the record given to write', async () => {
      const store = await makeStore({ now: () => 5_000 });
      await store.write({ ...record('test:u'), expiresAt: 1 } as SessionRecord, { expectedVersion: 0 });
      expect(await store.read('test:u')).toEqual(record('test:u'));
    });

    it.each([-1, Number.NaN, Number.POSITIVE_INFINITY])('refuse a write with ttlMs %p', async (ttlMs) => {
      const store = await makeStore();
      await expect(store.write(record('test:u'), { expectedVersion: 0, ttlMs })).rejects.toThrow(TypeError);
      expect(await store.read('test:u')).toBeUndefined();
    });

    it('refuse a record that is not a session record, writing nothing', async () => {
      const store = await makeStore();
      const broken = { ...record('test:u'), version: Number.NaN };
      await expect(store.write(broken, { expectedVersion: 0 })).rejects.toThrow(SessionStoreError);
      expect(existsSync(store.filePath('test:u'))).toBe(false);
    });

    it('are fenced exactly even between two stores on one folder in one process', async () => {
      const first = await makeStore();
      const second = new FileSessionStore({ dirname: first.dirname });
      const writes = Array.from({ length: 10 }, (_, i) =>
        (i % 2 ? first : second).write(record('test:race', 1, { i }), { expectedVersion: 0 }),
      );
      const settled = await Promise.allSettled(writes);
      expect(settled.filter((s) => s.status === 'fulfilled')).toHaveLength(1);
    });
  });

  describe('atomic writes', () => {
    it('leave only whole records when the writing process is killed mid-write', async () => {
      const dirname = path.join(await tempRoot(), 'sessions');
      const ids = ['crash:a', 'crash:b', 'crash:c'];
      const args = [require.resolve('jiti'), path.join(__dirname, 'file.ts'), dirname, ...ids];
      const child = spawn(process.execPath, ['-e', CRASH_WRITER, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
      let stderr = '';
      child.stderr.on('data', (chunk) => (stderr += chunk));
      const exited = new Promise((resolve) => child.on('exit', resolve));
      await new Promise<void>((resolve, reject) => {
        child.stdout.on('data', (chunk) => String(chunk).includes('writing') && resolve());
        void exited.then(() => reject(new Error(`the writer exited before writing: ${stderr}`)));
      });
      await new Promise((resolve) => setTimeout(resolve, 300));
      child.kill('SIGKILL');
      expect(await exited).toBeNull(); // killed, not finished

      const names = await readdir(dirname);
      const sessionFiles = names.filter(isSessionFileName);
      expect(sessionFiles.map(idFromFileName).sort()).toEqual(ids);
      for (const name of sessionFiles) {
        const stored = parseRecord(await readFile(path.join(dirname, name), 'utf8'), idFromFileName(name)!);
        expect(stored.state.big).toHaveLength(256 * 1024);
        expect(stored.state.version).toBe(stored.version);
      }
      const store = new FileSessionStore({ dirname });
      expect((await collect(store.list())).map((r) => r.id).sort()).toEqual(ids);
      const temp = names.filter((name) => name.endsWith('.tmp'));
      expect(await store.sweep()).toEqual({ expired: 0, tempFiles: temp.length, skipped: 0 });
      expect((await readdir(dirname)).sort()).toEqual(sessionFiles.sort());
      // A restarted bot goes on from the last committed versions.
      for (const id of ids) {
        const { version } = (await store.read(id))!;
        await store.write(record(id, version + 1), { expectedVersion: version });
      }
    });

    it('keep the last record readable while a torn temporary file lies beside it', async () => {
      const store = await makeStore();
      await store.write(record('test:u', 1, { n: 1 }), { expectedVersion: 0 });
      const torn = path.join(store.dirname, 's_test%3au.0123456789abcdef.tmp');
      await writeFile(torn, '{"id":"test:u","platform":"te');
      expect(await store.read('test:u')).toEqual(record('test:u', 1, { n: 1 }));
      expect(await collect(store.list())).toEqual([record('test:u', 1, { n: 1 })]);
      expect(await store.sweep()).toEqual({ expired: 0, tempFiles: 1, skipped: 0 });
      expect(existsSync(torn)).toBe(false);
    });

    it('survive a sweep running while they are in flight', async () => {
      const store = await makeStore();
      const big = 'x'.repeat(64 * 1024);
      const writes = Array.from({ length: 20 }, (_, i) =>
        store.write(record(`test:${i}`, 1, { big }), { expectedVersion: 0 }),
      );
      const sweeps = Array.from({ length: 5 }, () => store.sweep());
      await Promise.all([...writes, ...sweeps]);
      expect(await collect(store.list())).toHaveLength(20);
    });

    it('ignore foreign files in the folder', async () => {
      const store = await makeStore();
      await store.write(record('test:u'), { expectedVersion: 0 });
      await writeFile(path.join(store.dirname, 'notes.json'), 'not a session');
      await writeFile(path.join(store.dirname, '.DS_Store'), '');
      await mkdir(path.join(store.dirname, 'backups'));
      expect(await collect(store.list())).toHaveLength(1);
      expect(await store.sweep()).toMatchObject({ expired: 0, tempFiles: 0 });
    });
  });

  describe('corrupted files', () => {
    const warnings: string[] = [];
    async function corrupted(text: string, id = 'test:u'): Promise<FileSessionStore> {
      const store = await makeStore({ logger: { info() {}, warn: (m) => warnings.push(m), error() {} } });
      await store.write(record(id), { expectedVersion: 0 });
      await writeFile(store.filePath(id), text);
      return store;
    }

    it.each([
      ['truncated JSON', '{"id":"test:u","platf'],
      ['an empty file', ''],
      ['JSON that is not a record', '[1,2,3]'],
      ['a record of another session', JSON.stringify(record('test:other'))],
      ['an expiresAt that is not a number', JSON.stringify({ ...record('test:u'), expiresAt: 'soon' })],
    ])('are reported, never taken for absent sessions: %s', async (_what, text) => {
      const store = await corrupted(text);
      await expect(store.read('test:u')).rejects.toThrow(SessionStoreError);
      await expect(store.read('test:u')).rejects.toMatchObject({ sessionId: 'test:u' });
      await expect(store.write(record('test:u'), { expectedVersion: 0 })).rejects.toThrow(SessionStoreError);
      await expect(collect(store.list())).rejects.toThrow(SessionStoreError);
      expect(await readFile(store.filePath('test:u'), 'utf8')).toBe(text); // left for the operator
    });

    it('are kept and logged by the sweep, and removed by delete', async () => {
      const store = await corrupted('garbage');
      expect(await store.sweep()).toEqual({ expired: 0, tempFiles: 0, skipped: 1 });
      expect(existsSync(store.filePath('test:u'))).toBe(true);
      expect(warnings.at(-1)).toContain('kept "s_test%3au.json"');
      expect(warnings.at(-1)).toContain('test:u');
      await store.delete('test:u');
      expect(await store.read('test:u')).toBeUndefined();
    });

    it('with a hashed name are reported by list without a session id to name', async () => {
      const store = await corrupted('garbage', `test:${'x'.repeat(500)}`);
      await expect(collect(store.list())).rejects.toThrow(/session file "s_test%3ax+~[0-9a-f]{64}\.json"/);
    });
  });

  describe('expiry', () => {
    it('hides expired sessions from read and list, and lets a first write replace them', async () => {
      let now = 10_000;
      const store = await makeStore({ now: () => now });
      await store.write(record('test:u', 3), { expectedVersion: 0 });
      await store.write(record('test:u', 4), { expectedVersion: 3, ttlMs: 1_000 });
      now = 10_999;
      expect(await store.read('test:u')).toEqual(record('test:u', 4));
      now = 11_000;
      expect(await store.read('test:u')).toBeUndefined();
      expect(await collect(store.list())).toEqual([]);
      await expect(store.write(record('test:u', 5), { expectedVersion: 4 })).rejects.toThrow(/found 0/);
      await store.write(record('test:u', 1), { expectedVersion: 0 });
      expect(await store.read('test:u')).toEqual(record('test:u', 1));
    });

    it('sweep removes expired files and keeps live ones and those without ttl', async () => {
      let now = 0;
      const store = await makeStore({ now: () => now });
      await store.write(record('test:old'), { expectedVersion: 0, ttlMs: 100 });
      await store.write(record('test:live'), { expectedVersion: 0, ttlMs: 1_000 });
      await store.write(record('test:forever'), { expectedVersion: 0 });
      now = 500;
      expect(await store.sweep()).toEqual({ expired: 1, tempFiles: 0, skipped: 0 });
      expect((await readdir(store.dirname)).sort()).toEqual(
        ['test:forever', 'test:live'].map((id) => path.basename(store.filePath(id))).sort(),
      );
    });

    it('runs the sweep on init and on a timer that close stops', async () => {
      let now = 0;
      const store = await makeStore({ now: () => now, sweepIntervalMs: 10 });
      await store.write(record('test:a'), { expectedVersion: 0, ttlMs: 100 });
      now = 200;
      await store.init();
      expect(existsSync(store.filePath('test:a'))).toBe(false);

      await store.write(record('test:b'), { expectedVersion: 0, ttlMs: 100 });
      now = 400;
      for (let i = 0; existsSync(store.filePath('test:b')); i++) {
        expect(i).toBeLessThan(200); // the timer must fire within about 2 s
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      await store.close();
      await store.write(record('test:c'), { expectedVersion: 0, ttlMs: 100 });
      now = 600;
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(existsSync(store.filePath('test:c'))).toBe(true);
    });
  });
});

/**
 * A child process that loads the driver's TypeScript source and rewrites large records of a few
 * sessions as fast as it can, until it is killed. Arguments: jiti, file.ts, dirname, ...ids.
 */
const CRASH_WRITER = `
const [jitiPath, source, dirname, ...ids] = process.argv.slice(1);
const jiti = require(jitiPath).createJiti(source);
(async () => {
  const { FileSessionStore } = await jiti.import(source);
  const store = new FileSessionStore({ dirname, sweepIntervalMs: 0 });
  const big = 'y'.repeat(256 * 1024);
  const versions = Object.fromEntries(ids.map((id) => [id, 0]));
  for (let round = 0; ; round++) {
    await Promise.all(ids.map(async (id) => {
      const version = versions[id] + 1;
      const record = { id, platform: 'crash', state: { big, version }, lastActivity: Date.now(), version, eventIds: [] };
      await store.write(record, { expectedVersion: versions[id] });
      versions[id] = version;
    }));
    if (round === 0) process.stdout.write('writing\\n');
  }
})().catch((error) => { console.error(error); process.exit(1); });
`;
