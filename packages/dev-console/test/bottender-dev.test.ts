import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';

import { BIN, cleanEnv, COUNTER_CJS, makeBotFolder, removeBotFolders, requireBuiltCli, waitFor } from '../../bottender/test/support/cli';

const PACKAGES = path.resolve(__dirname, '..', '..');

beforeAll(() => {
  requireBuiltCli();
  const dist = path.join(PACKAGES, 'dev-console', 'dist', 'index.js');
  if (!existsSync(dist)) throw new Error(`${dist} is missing: run "npm run build" (npm test does) before these tests`);
});
afterAll(removeBotFolders);

/** A bot folder with LINE enabled (without credentials unless given) and the two packages installed (linked). */
function botFolder(line = '{ enabled: true }'): string {
  const dir = makeBotFolder({
    'bottender.config.js': `module.exports = { initialState: { count: 0 }, channels: { line: ${line} } };\n`,
    'index.js': COUNTER_CJS,
  });
  mkdirSync(path.join(dir, 'node_modules', '@bottender'), { recursive: true });
  for (const name of ['dev-console', 'line']) symlinkSync(path.join(PACKAGES, name), path.join(dir, 'node_modules', '@bottender', name), 'dir');
  return dir;
}

describe('bottender dev --web-only', () => {
  test('serves the page with no credentials; a reload keeps the address, the token, the log and the memory sessions', async () => {
    const dir = botFolder();
    const child = spawn(process.execPath, [BIN, 'dev', '--web-only'], { cwd: dir, env: cleanEnv(), stdio: 'pipe' });
    let out = '';
    let err = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk));
    child.stderr.on('data', (chunk: Buffer) => (err += chunk));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    try {
      const [, url] = await waitFor(() => out, /Dev console: (http:\/\/127\.0\.0\.1:\d+\/[A-Za-z0-9_-]{32}\/)\n/, 30_000);
      expect(out).not.toMatch(/listening/); // no webhook server
      // The page and its modules, from the built package.
      for (const file of ['', 'static/app.js', 'static/style.css', 'vendor/preact.js', 'vendor/hooks.js', 'vendor/htm.js']) {
        expect([file, (await fetch(`${url}${file}`)).status]).toEqual([file, 200]);
      }
      const api = async (method: string, route: string, body?: unknown) => {
        const response = await fetch(`${url}api/${route}`, { method, body: body === undefined ? undefined : JSON.stringify(body) });
        return (await response.json()) as any;
      };
      const say = () => api('POST', 'send', { platform: 'line', source: { kind: 'user', user: 'alice' }, input: { kind: 'text', values: { text: 'hi' } } });
      const first = await api('GET', 'info');
      expect(first.platforms.map((p: { name: string }) => p.name)).toEqual(['line']);
      expect((await say()).entries[0].messages[0].messages[0].text).toBe('Count: 1');

      writeFileSync(path.join(dir, 'index.js'), COUNTER_CJS.replace("'Count: '", "'Total: '"));
      await waitFor(() => err, /index\.js changed: restarting/, 30_000);
      // The new process serves the same URL (same port and token) once it is up.
      let info: any;
      for (const deadline = Date.now() + 30_000; Date.now() < deadline; await new Promise((r) => setTimeout(r, 100))) {
        info = await api('GET', 'info').catch(() => undefined);
        if (info && info.bootId !== first.bootId) break;
      }
      expect(info.bootId).not.toBe(first.bootId);
      expect(info.reloadReason).toBe('index.js changed');
      const answer = await say();
      // New code, and the memory driver's session carried over: 2, not 1.
      expect(answer.entries[0].messages[0].messages[0].text).toBe('Total: 2');
      expect((await api('GET', 'log')).map((e: { outcome: string }) => e.outcome)).toEqual(['handled', 'handled']);
      expect(out.match(/Dev console:/g)).toHaveLength(1);
    } finally {
      child.kill('SIGTERM');
    }
    expect(await exited).toBe(0);
  }, 90_000);
});

describe('bottender dev', () => {
  test('serves the webhooks and the page; the page signs with the configured channel secret', async () => {
    const dir = botFolder("{ enabled: true, accessToken: 'a-real-looking-token', channelSecret: 'a-real-looking-secret' }");
    const child = spawn(process.execPath, [BIN, 'dev', '--port', '0', '--host', '127.0.0.1'], { cwd: dir, env: cleanEnv(), stdio: 'pipe' });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    try {
      const [, url] = await waitFor(() => out, /Dev console: (http:\/\/127\.0\.0\.1:\d+\/[A-Za-z0-9_-]{32}\/)\n/, 30_000);
      const [, webhook] = await waitFor(() => out, /line: (http:\/\/127\.0\.0\.1:\d+\/webhooks\/line)\n/);
      // The real webhook refuses an unsigned request, as it always does.
      expect((await fetch(webhook, { method: 'POST', body: '{}' })).status).toBe(401);
      const response = await fetch(`${url}api/send`, {
        method: 'POST',
        body: JSON.stringify({ platform: 'line', source: { kind: 'group', user: 'alice', conversation: 'team' }, input: { kind: 'text', values: { text: 'hi' } } }),
      });
      const sent = (await response.json()) as any;
      expect(sent.entries[0]).toMatchObject({ outcome: 'handled', messages: [{ messages: [{ type: 'text', text: 'Count: 1' }] }] });
    } finally {
      child.kill('SIGTERM');
    }
    expect(await exited).toBe(0);
  }, 60_000);
});
