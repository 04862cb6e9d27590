import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';

import {
  BIN,
  cleanEnv,
  collect,
  COUNTER_CJS,
  makeBotFolder,
  REPO,
  removeBotFolders,
  requireBuiltCli,
  run,
  runBottender,
  waitFor,
} from './support/cli';

beforeAll(requireBuiltCli);
afterAll(removeBotFolders);

const SCRIPT = 'hi\nhi\n/state\n/exit\n';
const TRANSCRIPT = 'Bot > Count: 1\nBot > Count: 2\n{"count":2}\n';

describe('npm start at the repository root', () => {
  it("is the console chat with the counter: printf 'hi\\nhi\\n/state\\n/exit\\n' | npm start", async () => {
    const result = await run('sh', ['-c', "printf 'hi\\nhi\\n/state\\n/exit\\n' | npm start"], { cwd: REPO });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('Bot > Count: 1\n');
    expect(result.stdout).toContain('Bot > Count: 2\n');
    expect(result.stdout).toContain('{"count":2}\n');
    // Nothing but the transcript after npm's own header lines.
    expect(result.stdout.slice(result.stdout.indexOf('Bot >'))).toBe(TRANSCRIPT);
  });
});

describe('bottender start --console in a bot folder outside the repository', () => {
  it('runs a Bottender 1.x project as it is: CommonJS index.js, require("bottender/router"), bottender.config.js', async () => {
    const dir = makeBotFolder({
      'package.json': JSON.stringify({ name: 'legacy-bot', version: '1.0.0', main: 'index.js' }),
      'bottender.config.js': `module.exports = {
  session: { driver: 'memory', stores: { memory: { maxSize: 500 } } },
  initialState: { count: 0 },
  channels: { messenger: { enabled: false, path: '/webhooks/messenger', pageId: process.env.MESSENGER_PAGE_ID } },
};
`,
      'index.js': `const { router, text, route } = require('bottender/router');

async function Count(context) {
  const count = context.state.count + 1;
  context.setState({ count });
  await context.sendText(\`Count: \${count}\`);
}

async function Greet(context, { match }) {
  await context.sendText(\`Hello, \${match[1]}!\`);
}

module.exports = async function App() {
  return router([text(/^hello (\\w+)$/i, Greet), route('*', Count)]);
};
`,
    });
    const result = await runBottender(['start', '--console'], { cwd: dir, input: 'hi\nhello Ann\nhi\n/state\n' });
    expect(result).toMatchObject({ code: 0, stderr: '' });
    expect(result.stdout).toBe('Bot > Count: 1\nBot > Hello, Ann!\nBot > Count: 2\n{"count":2}\n');
  });

  it("runs a Bottender 1.x project's custom session store as it is, warning once that it fences one process only", async () => {
    const dir = makeBotFolder({
      'bottender.config.js': `const fs = require('fs');
const path = require('path');

const FILE = path.join(__dirname, 'sessions.json');

class JsonFileSessionStore {
  async init() {
    if (!fs.existsSync(FILE)) fs.writeFileSync(FILE, '{}');
    return this;
  }
  load() {
    return JSON.parse(fs.readFileSync(FILE, 'utf8'));
  }
  async read(key) {
    return this.load()[key] || null;
  }
  async all() {
    return Object.values(this.load());
  }
  async write(key, sess) {
    const sessions = this.load();
    sessions[key] = sess;
    fs.writeFileSync(FILE, JSON.stringify(sessions));
  }
  async destroy(key) {
    const sessions = this.load();
    delete sessions[key];
    fs.writeFileSync(FILE, JSON.stringify(sessions));
  }
}

module.exports = {
  session: { driver: 'json', stores: { json: new JsonFileSessionStore() } },
  initialState: { count: 0 },
};
`,
      'index.js': COUNTER_CJS,
    });
    const result = await runBottender(['start', '--console'], { cwd: dir, input: SCRIPT });
    expect(result).toMatchObject({ code: 0, stdout: TRANSCRIPT });
    expect(result.stderr).toMatch(/^\[bottender\] warning: session store "json" is a Bottender 1\.x store, used through an adapter: .*\n$/);
    const saved = JSON.parse(readFileSync(path.join(dir, 'sessions.json'), 'utf8'));
    expect(saved).toEqual({
      'console:you': { id: 'console:you', platform: 'console', state: { count: 2 }, lastActivity: expect.any(Number), version: 2, eventIds: [] },
    });
  });

  it('runs an ES module project ("type": "module", index.js, bottender.config.js)', async () => {
    const dir = makeBotFolder({
      'package.json': JSON.stringify({ type: 'module' }),
      'bottender.config.js': 'export default { initialState: { count: 0 } };\n',
      'index.js': `export default async function App(context) {
  const count = context.state.count + 1;
  context.setState({ count });
  await context.sendText('Count: ' + count);
}
`,
    });
    expect(await runBottender(['start', '--console'], { cwd: dir, input: SCRIPT })).toMatchObject({ code: 0, stdout: TRANSCRIPT });
  });

  it('runs a TypeScript project with no build step (index.ts, bottender.config.ts importing bottender)', async () => {
    const dir = makeBotFolder({
      'bottender.config.ts': "import { defineConfig } from 'bottender';\n\nexport default defineConfig({ initialState: { count: 0 } });\n",
      'index.ts': `import type { Context } from 'bottender';

type State = { count: number };

export default async function App(context: Context<State>): Promise<void> {
  const count: number = context.state.count + 1;
  context.setState({ count });
  await context.sendText(\`Count: \${count}\`);
}
`,
    });
    expect(await runBottender(['start', '--console'], { cwd: dir, input: SCRIPT })).toMatchObject({ code: 0, stdout: TRANSCRIPT });
  });

  it('with the file driver, the state survives a restart', async () => {
    const dir = makeBotFolder({
      'bottender.config.js': "module.exports = { initialState: { count: 0 }, session: { driver: 'file', stores: { file: { dirname: 'state' } } } };\n",
      'index.js': COUNTER_CJS,
    });
    expect((await runBottender(['start', '--console'], { cwd: dir, input: 'hi\nhi\n' })).stdout).toBe(
      'Bot > Count: 1\nBot > Count: 2\n',
    );
    const second = await runBottender(['start', '--console'], { cwd: dir, input: '/state\nhi\n/session\n' });
    expect(second.code).toBe(0);
    const [state, reply, session] = second.stdout.trim().split('\n');
    expect(state).toBe('{"count":2}');
    expect(reply).toBe('Bot > Count: 3');
    expect(JSON.parse(session)).toMatchObject({ id: 'console:you', platform: 'console', version: 3 });
  });

  it('reads .env before the config, and --user names the session', async () => {
    const dir = makeBotFolder({
      '.env': 'START_AT=41\n',
      'bottender.config.js': 'module.exports = { initialState: { count: Number(process.env.START_AT) } };\n',
      'index.js': COUNTER_CJS,
    });
    const result = await runBottender(['start', '--console', '--user', 'ann'], { cwd: dir, input: 'hi\n/session\n' });
    expect(result.stdout.split('\n')[0]).toBe('Bot > Count: 42');
    expect(JSON.parse(result.stdout.split('\n')[1])).toMatchObject({ id: 'console:ann' });
  });

  it("runs _error.js when the handler throws, and keeps the state as it was", async () => {
    const dir = makeBotFolder({
      'bottender.config.js': 'module.exports = { initialState: { count: 0 } };\n',
      'index.js': `module.exports = async function App(context) {
  context.setState({ count: context.state.count + 1 });
  if (context.event.text === 'boom') throw new Error('boom');
  await context.sendText('Count: ' + context.state.count);
};
`,
      '_error.js': "module.exports = async function HandleError(context, { error }) {\n  await context.sendText('Sorry: ' + error.message);\n};\n",
    });
    const result = await runBottender(['start', '--console'], { cwd: dir, input: 'hi\nboom\nhi\n/state\n' });
    expect(result.stdout).toBe('Bot > Count: 1\nBot > Sorry: boom\nBot > Count: 2\n{"count":2}\n');
  });

  it('finishes the line in hand, closes the store and exits 0 on SIGTERM', async () => {
    const dir = makeBotFolder({
      'bottender.config.js': "module.exports = { initialState: { count: 0 }, session: { driver: 'file' } };\n",
      'index.js': `module.exports = async function App(context) {
  if (context.event.text === 'slow') await new Promise((resolve) => setTimeout(resolve, 500));
  context.setState({ count: context.state.count + 1 });
  await context.sendText('Count: ' + context.state.count);
};
`,
    });
    const child = spawn(process.execPath, [BIN, 'start', '--console'], { cwd: dir, env: cleanEnv(), stdio: 'pipe' });
    const done = collect(child, 20_000);
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.stdin.write('hi\n');
    await waitFor(() => out, /Count: 1/);
    child.stdin.write('slow\n');
    await new Promise((resolve) => setTimeout(resolve, 150));
    child.kill('SIGTERM');
    const result = await done;
    expect(result.code).toBe(0);
    expect(result.stdout).toBe('Bot > Count: 1\nBot > Count: 2\n');
    const again = await runBottender(['start', '--console'], { cwd: dir, input: '/state\n' });
    expect(again.stdout).toBe('{"count":2}\n');
  });
});
