import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** The repository root. */
export const REPO = path.resolve(__dirname, '..', '..', '..', '..');
/** The installed `bottender` command, as a bot folder would run it. */
export const BIN = path.join(REPO, 'node_modules', '.bin', 'bottender');

/**
 * Tests that run the CLI run the build (`npm test` builds first). Fails with a clear message
 * rather than with a confusing child-process error when the build is missing.
 */
export function requireBuiltCli(): void {
  const main = path.join(REPO, 'packages', 'bottender', 'dist', 'cli', 'main.js');
  if (!existsSync(main)) throw new Error(`${main} is missing: run "npm run build" (npm test does) before these tests`);
  if (!existsSync(BIN)) throw new Error(`${BIN} is missing: run "npm install" at the repository root`);
}

export interface RunResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  cwd: string;
  /** Written to stdin, which is then closed. */
  input?: string;
  env?: NodeJS.ProcessEnv;
  timeoutMs?: number;
}

/** Environment for child processes: no PORT/HOST or LINE secrets leaking in from the outside. */
export function cleanEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env = { ...process.env };
  for (const key of ['PORT', 'HOST', 'LINE_CHANNEL_SECRET', 'LINE_ACCESS_TOKEN', 'BOTTENDER_DEV_CHILD']) delete env[key];
  return { ...env, ...extra };
}

/** Runs a command to the end, feeding `input` on a pipe (not a TTY), and collects its output. */
export function run(command: string, args: string[], options: RunOptions): Promise<RunResult> {
  const child = spawn(command, args, { cwd: options.cwd, env: options.env ?? cleanEnv(), stdio: 'pipe' });
  child.stdin.end(options.input ?? '');
  return collect(child, options.timeoutMs ?? 30_000);
}

/** Runs `bottender <args>` with the installed bin. */
export function runBottender(args: string[], options: RunOptions): Promise<RunResult> {
  return run(process.execPath, [BIN, ...args], options);
}

/** Waits for a started child to exit and collects its output; kills it after `timeoutMs`. */
export function collect(child: ChildProcess, timeoutMs: number): Promise<RunResult> {
  let stdout = '';
  let stderr = '';
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`timed out after ${timeoutMs} ms\nstdout: ${stdout}\nstderr: ${stderr}`));
    }, timeoutMs);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
}

/** Resolves once `read()` matches `pattern`, polling; rejects after `timeoutMs`. */
export async function waitFor(read: () => string, pattern: RegExp, timeoutMs = 20_000): Promise<RegExpMatchArray> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const match = read().match(pattern);
    if (match) return match;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${pattern}; got:\n${read()}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** Temporary bot folders outside the repository, removed by {@link removeBotFolders}. */
const created: string[] = [];

/** Creates a bot folder in the OS temp folder with `files` (paths relative to it). */
export function makeBotFolder(files: Record<string, string>): string {
  const dir = realpathSync(mkdtempSync(path.join(os.tmpdir(), 'bottender-bot-')));
  created.push(dir);
  writeFiles(dir, files);
  return dir;
}

export function writeFiles(dir: string, files: Record<string, string>): void {
  for (const [name, content] of Object.entries(files)) {
    const file = path.join(dir, name);
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, content);
  }
}

export function removeBotFolders(): void {
  for (const dir of created.splice(0)) rmSync(dir, { recursive: true, force: true });
}

/** The counter bot as Bottender 1.x wrote it: CommonJS, `module.exports`. */
export const COUNTER_CJS = `module.exports = async function App(context) {
  const count = context.state.count + 1;
  context.setState({ count });
  await context.sendText('Count: ' + count);
};
`;

/**
 * A platform package for a bot folder's `node_modules`, enabled as `channels.echo`: webhook bodies
 * are `{"events":[{"user","text"}]}`; replies are appended to `channels.echo.outFile` as
 * `<session id> <text>` lines once the state is committed.
 *
 * It extends the built `bottender`'s Context; tests running the core from source in Jest pass
 * theirs as `channels.echo.core` (`{ Context, flushContext }`) so the flush symbol is the runtime's.
 */
export function echoPlatformPackage(): Record<string, string> {
  // The connector entry point of the built package: Context and flushContext live there.
  const bottender = JSON.stringify(path.join(REPO, 'packages', 'bottender', 'dist', 'connector'));
  return {
    'node_modules/@bottender/echo/package.json': JSON.stringify({ name: '@bottender/echo', version: '1.0.0', main: 'index.js' }),
    'node_modules/@bottender/echo/index.js': `const fs = require('node:fs');

function createContextClass({ Context, flushContext }) {
  return class EchoContext extends Context {
    constructor(init, outFile) {
      super(init);
      this.queued = [];
      this.outFile = outFile;
    }
    async sendText(text) {
      this.queued.push(text);
    }
    async [flushContext]() {
      for (const text of this.queued.splice(0)) fs.appendFileSync(this.outFile, this.session.id + ' ' + text + '\\n');
    }
  };
}

exports.createConnector = function createConnector(options) {
  if (typeof options.outFile !== 'string') throw new TypeError('channels.echo.outFile must be a file path');
  const EchoContext = createContextClass(options.core || require(${bottender}));
  return {
    platform: 'echo',
    receive(request) {
      const body = JSON.parse(request.rawBody.toString('utf8'));
      const events = body.events.map((raw) => ({
        rawEvent: raw, isMessage: true, isText: true, text: raw.text, isPayload: false, payload: undefined,
      }));
      return { events };
    },
    sessionKey: (event) => event.rawEvent.user,
    createContext: (init) => new EchoContext(init, options.outFile),
  };
};
`,
  };
}
