import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';

import { BIN, cleanEnv, collect, COUNTER_CJS, makeBotFolder, removeBotFolders, requireBuiltCli, waitFor } from './support/cli';

beforeAll(requireBuiltCli);
afterAll(removeBotFolders);

const TOTAL_CJS = COUNTER_CJS.replace("'Count: '", "'Total: '");

/** Runs `bottender dev <args>` in `dir` with stdin kept open. */
function dev(dir: string, args: string[] = ['--console']) {
  const child: ChildProcessWithoutNullStreams = spawn(process.execPath, [BIN, 'dev', ...args], {
    cwd: dir,
    env: cleanEnv(),
    stdio: 'pipe',
  });
  const done = collect(child, 40_000);
  let out = '';
  let err = '';
  child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
  return { child, done, stdout: () => out, stderr: () => err };
}

/** Counts the restarts `bottender dev` announced. */
const restarts = (stderr: string) => stderr.match(/changed: restarting/g)?.length ?? 0;

describe('bottender dev --console', () => {
  it('restarts the bot when a file changes, and exits 0 with the chat', async () => {
    const dir = makeBotFolder({ 'bottender.config.js': 'module.exports = { initialState: { count: 0 } };\n', 'index.js': COUNTER_CJS });
    const bot = dev(dir);
    await waitFor(bot.stderr, /watching .* for changes/);
    bot.child.stdin.write('hi\n');
    await waitFor(bot.stdout, /Bot > Count: 1\n/);

    writeFileSync(path.join(dir, 'index.js'), TOTAL_CJS);
    await waitFor(bot.stderr, /index\.js changed: restarting\n/);
    bot.child.stdin.write('hi\n');
    // The memory driver starts over with the new process; the new code answers.
    await waitFor(bot.stdout, /Bot > Total: 1\n/);

    bot.child.stdin.end('/exit\n');
    const result = await bot.done;
    expect(result.code).toBe(0);
    expect(result.stdout).toBe('Bot > Count: 1\nBot > Total: 1\n');
  });

  it('waits for a fix after a broken change, then runs the fixed code', async () => {
    const dir = makeBotFolder({ 'index.js': COUNTER_CJS.replace('context.state.count + 1', '(context.state.count || 0) + 1') });
    const bot = dev(dir);
    await waitFor(bot.stderr, /watching/);
    writeFileSync(path.join(dir, 'index.js'), 'module.exports = async function App(context) {\n');
    await waitFor(bot.stderr, /index\.js could not be loaded: .*\n[\s\S]*the bot exited with code 1; waiting for a file change to restart\n/);

    writeFileSync(path.join(dir, 'index.js'), TOTAL_CJS.replace('context.state.count + 1', '(context.state.count || 0) + 1'));
    await waitFor(bot.stderr, /changed: restarting\n[\s\S]*changed: restarting\n/);
    bot.child.stdin.end('hi\n');
    expect((await bot.done).code).toBe(0);
    expect(bot.stdout()).toBe('Bot > Total: 1\n');
  });

  it("does not restart on the bot's own session files, wherever the file driver keeps them", async () => {
    const dir = makeBotFolder({
      'bottender.config.js': "module.exports = { initialState: { count: 0 }, session: { driver: 'file', stores: { file: { dirname: 'state' } } } };\n",
      'index.js': COUNTER_CJS,
    });
    const bot = dev(dir);
    await waitFor(bot.stderr, /watching/);
    bot.child.stdin.write('hi\n');
    await waitFor(bot.stdout, /Count: 1\n/);
    // The first run may see its folder created before it says to ignore it; later writes never count.
    const before = restarts(bot.stderr());
    bot.child.stdin.write('hi\nhi\n');
    await waitFor(bot.stdout, /Count: 3\n/);
    await new Promise((resolve) => setTimeout(resolve, 600));
    expect(restarts(bot.stderr())).toBe(before);
    bot.child.stdin.end('/state\n');
    expect((await bot.done).code).toBe(0);
    expect(bot.stdout()).toMatch(/\{"count":3\}\n$/);
  });

  it('stops the bot and exits 0 on SIGTERM', async () => {
    const dir = makeBotFolder({ 'index.js': COUNTER_CJS });
    const bot = dev(dir, ['--port', '0']);
    await waitFor(bot.stdout, /Bottender is listening on/);
    bot.child.kill('SIGTERM');
    const result = await bot.done;
    expect(result.code).toBe(0);
    expect(result.stderr).toContain('SIGTERM: finishing in-flight events, then closing the store');
  });
});
