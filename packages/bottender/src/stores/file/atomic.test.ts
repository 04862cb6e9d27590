import type { FileHandle } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

import { Bot } from '../../runtime/bot';
import type { Logger } from '../../runtime/logger';
import { TestConnector } from '../../testing/test-connector';
import { FileSessionStore } from '../file';
import { writeFileAtomic } from './atomic';

/**
 * Durability of the file store's writes: a failed flush is a failed write. The faults are
 * injected into `open` of node:fs/promises, which hands out handles whose `sync()` fails with
 * the code a disk (EIO, ENOSPC) or a platform (EINVAL, ...) would give.
 */
interface Faults {
  /** `sync()` of the temporary file's handle fails with this code. */
  fileSync?: string;
  /** Opening the folder (to flush the rename) fails with this code. */
  dirOpen?: string;
  /** `sync()` of the folder's handle fails with this code. */
  dirSync?: string;
}
let faults: Faults = {};
// The module object itself (an `import * as` namespace would be a copy the code under test never sees).
// eslint-disable-next-line @typescript-eslint/no-require-imports
const fs: typeof import('node:fs/promises') = require('node:fs/promises');
const realOpen = fs.open;

function errno(code: string, syscall: string): NodeJS.ErrnoException {
  return Object.assign(new Error(`${code}: injected, ${syscall}`), { code, syscall });
}

beforeEach(() => {
  faults = {};
  jest.spyOn(fs, 'open').mockImplementation(async (file, flags, mode) => {
    const isFolderFlush = flags === 'r' && (await fs.stat(file)).isDirectory();
    if (isFolderFlush && faults.dirOpen) throw errno(faults.dirOpen, 'open');
    const handle: FileHandle = await realOpen(file, flags, mode);
    const code = isFolderFlush ? faults.dirSync : flags === 'wx' ? faults.fileSync : undefined;
    if (code) handle.sync = () => Promise.reject(errno(code, 'fsync'));
    return handle;
  });
});
afterEach(() => jest.restoreAllMocks());

const roots: string[] = [];
async function folder(): Promise<string> {
  const root = await fs.mkdtemp(path.join(os.tmpdir(), 'bottender-atomic-'));
  roots.push(root);
  return root;
}
afterAll(() => Promise.all(roots.map((root) => fs.rm(root, { recursive: true, force: true }))));

describe('writeFileAtomic', () => {
  it('writes, flushes the file and the folder, and leaves no temporary file', async () => {
    const dir = await folder();
    await writeFileAtomic(dir, 'a.json', 'one');
    expect(await fs.readFile(path.join(dir, 'a.json'), 'utf8')).toBe('one');
    expect(await fs.readdir(dir)).toEqual(['a.json']);
    // Both flushes happened: the temporary file ('wx') and the folder ('r').
    expect(jest.mocked(fs.open).mock.calls.map((call) => call[1])).toEqual(['wx', 'r']);
  });

  it.each(['EIO', 'ENOSPC', 'EDQUOT'])('fails when flushing the file fails with %s, and keeps the old content', async (code) => {
    const dir = await folder();
    await writeFileAtomic(dir, 'a.json', 'old');
    faults.fileSync = code;
    await expect(writeFileAtomic(dir, 'a.json', 'new')).rejects.toMatchObject({ code });
    expect(await fs.readFile(path.join(dir, 'a.json'), 'utf8')).toBe('old');
    expect(await fs.readdir(dir)).toEqual(['a.json']); // the temporary file is gone
  });

  it.each(['EIO', 'ENOSPC', 'EROFS'])('fails when flushing the folder fails with %s', async (code) => {
    const dir = await folder();
    faults.dirSync = code;
    await expect(writeFileAtomic(dir, 'a.json', 'new')).rejects.toMatchObject({ code, syscall: 'fsync' });
  });

  it.each(['EINVAL', 'EBADF', 'ENOTSUP', 'EOPNOTSUPP', 'ENOSYS'])(
    'skips the folder flush a platform cannot do (%s from fsync) and writes',
    async (code) => {
      const dir = await folder();
      faults.dirSync = code;
      await writeFileAtomic(dir, 'a.json', 'new');
      expect(await fs.readFile(path.join(dir, 'a.json'), 'utf8')).toBe('new');
    },
  );

  it.each(['EISDIR', 'EACCES'])('skips the folder flush when the folder cannot be opened for it (%s, as on Windows)', async (code) => {
    const dir = await folder();
    faults.dirOpen = code;
    await writeFileAtomic(dir, 'a.json', 'new');
    expect(await fs.readFile(path.join(dir, 'a.json'), 'utf8')).toBe('new');
  });

  it('fails when opening the folder fails for another reason (EIO)', async () => {
    const dir = await folder();
    faults.dirOpen = 'EIO';
    await expect(writeFileAtomic(dir, 'a.json', 'new')).rejects.toMatchObject({ code: 'EIO' });
  });

  (process.platform === 'linux' ? it : it.skip)('meets what Linux really answers for a file system without fsync (procfs: EINVAL)', async () => {
    // The control for the EINVAL case above: this is the code the kernel gives, not a guess.
    const handle = await realOpen('/proc', 'r');
    try {
      await expect(handle.sync()).rejects.toMatchObject({ code: 'EINVAL' });
    } finally {
      await handle.close();
    }
  });
});

describe('the file store when a flush fails', () => {
  const quiet: Logger = { info: () => {}, warn: () => {}, error: () => {} };

  async function setup() {
    const store = new FileSessionStore({ dirname: path.join(await folder(), 'sessions') });
    const runs: string[] = [];
    const bot = new Bot({
      store,
      logger: quiet,
      app: async (context) => {
        runs.push(context.event.text ?? '');
        context.setState({ count: (context.state.count ?? 0) + 1 });
      },
    });
    const connector = new TestConnector();
    const post = async (id: string) =>
      bot.handleRequest(connector, {
        method: 'POST',
        path: '/webhooks/test',
        query: new URLSearchParams(),
        headers: {},
        rawBody: Buffer.from(JSON.stringify({ events: [{ user: 'u', id, text: id }] })),
      });
    return { store, bot, connector, runs, post };
  }

  it.each([
    ['the file', 'fileSync', 'EIO'],
    ['the folder', 'dirSync', 'EIO'],
  ] as const)('answers 5xx when flushing %s fails (%s), and the redelivery is handled once', async (_what, fault, code) => {
    const { store, runs, post } = await setup();
    expect((await post('e1')).status).toBe(200);

    faults[fault] = code;
    const refused = await post('e2');
    expect(refused.status).toBeGreaterThanOrEqual(500);

    // The platform redelivers e2 once the disk is healthy: it counts once.
    faults = {};
    expect((await post('e2')).status).toBe(200);
    const stored = await store.read('test:u');
    expect(stored!.state.count).toBe(2);
    expect(stored!.eventIds).toEqual(['e1', 'e2']);
    // A refused file flush left nothing: e2 ran again on redelivery. A refused folder flush came
    // after the rename: the record was on disk, so the redelivery was a duplicate, not a rerun.
    expect(runs).toEqual(fault === 'fileSync' ? ['e1', 'e2', 'e2'] : ['e1', 'e2']);
    await store.close();
  });
});
