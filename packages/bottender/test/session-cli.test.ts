/**
 * `bottender session ...` on the store a bot folder's config selects (the file driver here; the
 * same operations are specified on every driver by session-operations-suite.ts).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Readable } from 'node:stream';

import { main } from '../src/cli/main';
import { FileSessionStore } from '../src';

const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

function botFolder(config: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'bottender-session-cli-'));
  dirs.push(dir);
  writeFileSync(join(dir, 'bottender.config.js'), config);
  return dir;
}

const FILE_CONFIG = `module.exports = {
  session: { driver: 'file', stores: { file: { dirname: '.sessions' } } },
  initialState: { count: 0 },
  stateVersion: 2,
  migrations: { 2: (s) => ({ ...s, upgraded: true }) },
};`;

async function bottender(cwd: string, args: string[], stdin = ''): Promise<{ code: number; stdout: string; stderr: string }> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (chunk) => (out += chunk));
  stderr.on('data', (chunk) => (err += chunk));
  const code = await main(['session', ...args], { cwd, env: {}, stdin: Readable.from([stdin]), stdout, stderr });
  return { code, stdout: out, stderr: err };
}

describe('bottender session', () => {
  it('sets, patches, gets, lists, exports, deletes and imports on the configured file store', async () => {
    const cwd = botFolder(FILE_CONFIG);
    expect(await bottender(cwd, ['set', 'line:U1', '{"count":5}'])).toMatchObject({ code: 0, stdout: 'line:U1: version 1\n' });
    expect(await bottender(cwd, ['patch', 'line:U1', '{"name":"Ann"}'])).toMatchObject({ code: 0, stdout: 'line:U1: version 2\n' });
    expect(await bottender(cwd, ['patch', 'telegram:7', '{"name":"Tom"}'])).toMatchObject({ code: 0 });
    const got = await bottender(cwd, ['get', 'line:U1']);
    expect(JSON.parse(got.stdout)).toMatchObject({ id: 'line:U1', version: 2, state: { count: 5, name: 'Ann' }, stateVersion: 2 });
    // A new session patched from outside starts from initialState, as its first event would.
    expect(JSON.parse((await bottender(cwd, ['get', 'telegram:7'])).stdout).state).toEqual({ count: 0, name: 'Tom' });

    const listed = await bottender(cwd, ['list', '--platform', 'line']);
    expect(listed.stdout).toMatch(/^line:U1\tversion 2\t\d{4}-\d\d-\d\dT[^\t]+\t\{"count":5,"name":"Ann"\}\n$/);
    expect((await bottender(cwd, ['list', '--limit', '1'])).stdout.split('\n').filter(Boolean)).toHaveLength(1);

    const exported = (await bottender(cwd, ['export'])).stdout;
    expect(exported.split('\n').filter(Boolean)).toHaveLength(2);
    expect(await bottender(cwd, ['delete', 'line:U1'])).toMatchObject({ code: 0, stdout: 'line:U1: deleted\n' });
    expect(await bottender(cwd, ['get', 'line:U1'])).toMatchObject({ code: 1, stderr: 'no session "line:U1" in the file store\n' });

    const target = botFolder(FILE_CONFIG);
    expect(await bottender(target, ['import'], exported)).toMatchObject({ code: 0, stdout: 'imported 2 of 2 sessions into the file store\n' });
    expect((await bottender(target, ['export'])).stdout.split('\n').sort()).toEqual(exported.split('\n').sort());
  });

  it('refuses a bad import file with the line number and writes nothing', async () => {
    const cwd = botFolder(FILE_CONFIG);
    const good = JSON.stringify({ id: 'line:U1', platform: 'line', state: {}, lastActivity: 1, version: 1, eventIds: [] });
    const result = await bottender(cwd, ['import'], `${good}\n${good.replace('line:U1', 'line:U2')}\nnot json\n`);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^line 3: not valid JSON .*; nothing was imported\n$/);
    expect((await bottender(cwd, ['list'])).stdout).toBe('');
  });

  it('migrates: --dry-run counts per version and writes nothing, then every session is brought up', async () => {
    const cwd = botFolder(FILE_CONFIG);
    const store = new FileSessionStore({ dirname: join(cwd, '.sessions') });
    for (let i = 0; i < 5; i++) {
      await store.write({ id: `line:U${i}`, platform: 'line', state: { i }, lastActivity: Date.now(), version: 1, eventIds: [] }, { expectedVersion: 0 });
    }
    const dry = await bottender(cwd, ['migrate', '--dry-run']);
    expect(dry.code).toBe(0);
    expect(dry.stdout).toContain('5 sessions; target stateVersion 2\n  version 1: 5\n5 would be migrated (nothing written)\n');
    expect(dry.stdout).toMatch(/line:U\d: \{"i":\d\} -> \{"i":\d,"upgraded":true\}/);
    expect((await store.read('line:U0'))?.stateVersion).toBeUndefined();
    expect(await bottender(cwd, ['migrate', '--batch', '2'])).toMatchObject({ code: 0, stdout: '5 sessions; target stateVersion 2\n  version 1: 5\n5 migrated\n' });
    expect(await store.read('line:U3')).toMatchObject({ version: 2, stateVersion: 2, state: { i: 3, upgraded: true } });
  });

  it('refuses the memory driver, saying its sessions live only in the running bot', async () => {
    const cwd = botFolder(`module.exports = { session: { driver: 'memory' } };`);
    const result = await bottender(cwd, ['list']);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/session\.driver is "memory": its sessions live only inside the running bot process.*bottender dev/);
  });

  it.each([
    [['frob'], /unknown command "frob"/],
    [['get'], /usage: bottender session get <id>/],
    [['set', 'line:U1', '[1]'], /the state must be a JSON object/],
    [['set', 'line:U1', '{nope'], /the state must be JSON/],
    [['get', 'nocolon'], /a session id is <platform>:<key>/],
    [['list', '--limit', '0'], /--limit must be a positive integer/],
    [['get', 'line:U1', '--limit', '2'], /--limit is not an option of bottender session get/],
    [['list', '--bogus'], /Unknown option '--bogus'/],
  ])('usage error %j exits 2 with a clear message', async (args, message) => {
    const cwd = botFolder(FILE_CONFIG);
    const result = await bottender(cwd, args);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(message);
  });

  it('migrate --sql prints the postgres tables (with the state_version column) for the configured table', async () => {
    const cwd = botFolder(`module.exports = { session: { driver: 'postgres', stores: { postgres: { connectionString: 'postgres://nowhere', table: 'bot_sessions' } } } };`);
    const result = await bottender(cwd, ['migrate', '--sql']);
    expect(result).toMatchObject({ code: 0, stderr: '' });
    expect(result.stdout).toContain('CREATE TABLE IF NOT EXISTS "bot_sessions" (');
    expect(result.stdout).toContain('state_version integer');
    const wrong = await bottender(botFolder(FILE_CONFIG), ['migrate', '--sql']);
    expect(wrong).toMatchObject({ code: 1, stderr: expect.stringMatching(/--sql prints the postgres driver's tables; session.driver is "file"/) });
  });

  it('prints its help', async () => {
    const result = await bottender(process.cwd(), ['--help']);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^Usage: bottender session <command>/);
    expect(result.stdout).toContain('migrate [--dry-run]');
  });
});
