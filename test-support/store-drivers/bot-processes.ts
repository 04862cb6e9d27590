import { type ChildProcess, spawn } from 'node:child_process';
import { Agent, request } from 'node:http';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

/** What a bot process reported after one handler run (see counter-bot.ts). */
export interface Run {
  pid: number;
  session: string;
  event: string;
  /** The event's text (e.g. `track`, `hang`). */
  text?: string;
  count: number;
  /** Handler start and end, in ms of the machine's monotonic clock (comparable across processes). */
  t0: number;
  t1: number;
}

/** A bot HTTP server in its own Node process, sharing sessions with the others through one store. */
export interface BotProcess {
  readonly port: number;
  readonly pid: number;
  /** Every handler run this process reported. */
  readonly runs: Run[];
  /** Every stdout line (READY, RAN, HANG, SLOW). */
  readonly lines: string[];
  /** stderr, for diagnostics when a test fails. */
  readonly stderr: string[];
  /** Whether the process is still running. */
  alive(): boolean;
  /** Resolves when a stdout line matches. */
  waitForLine(pattern: RegExp, timeoutMs?: number): Promise<string>;
  /** Sends `signal` without waiting (SIGSTOP and SIGCONT freeze and thaw the process). */
  signal(signal: NodeJS.Signals): void;
  /** Sends `signal` and waits until the process has exited. */
  kill(signal?: NodeJS.Signals): Promise<void>;
  /** A keep-alive agent for requests to this process. */
  readonly agent: Agent;
}

/** Loads a package's bot main (TypeScript) in a fresh Node process; see bot-process.cjs. */
const LAUNCHER = join(__dirname, 'bot-process.cjs');

/**
 * Starts a bot process and resolves once it listens. `main` is the path of a module whose
 * `start()` serves a bot (usually through {@link startCounterBot}); `env` configures it, on top of
 * this process's environment.
 */
export function spawnBotProcess(main: string, env: Record<string, string>): Promise<BotProcess> {
  const child: ChildProcess = spawn(process.execPath, [LAUNCHER, main], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const runs: Run[] = [];
  const lines: string[] = [];
  const stderr: string[] = [];
  const waiters: { pattern: RegExp; resolve: (line: string) => void }[] = [];
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  createInterface({ input: child.stdout! }).on('line', (line) => {
    lines.push(line);
    if (line.startsWith('RAN ')) runs.push(JSON.parse(line.slice(4)) as Run);
    for (const waiter of waiters.filter((w) => w.pattern.test(line))) {
      waiters.splice(waiters.indexOf(waiter), 1);
      waiter.resolve(line);
    }
  });
  createInterface({ input: child.stderr! }).on('line', (line) => stderr.push(line));

  const waitForLine = (pattern: RegExp, timeoutMs = 30_000) => {
    const seen = lines.find((line) => pattern.test(line));
    if (seen) return Promise.resolve(seen);
    return new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`bot ${child.pid}: no line matching ${pattern} within ${timeoutMs} ms; stderr:\n${stderr.join('\n')}`)), timeoutMs);
      const onExit = () => reject(new Error(`bot ${child.pid} exited; stderr:\n${stderr.join('\n')}`));
      void exited.then(onExit);
      waiters.push({
        pattern,
        resolve: (line) => {
          clearTimeout(timer);
          resolve(line);
        },
      });
    });
  };
  const agent = new Agent({ keepAlive: true, maxSockets: 1_000 });
  const running = () => child.exitCode === null && child.signalCode === null;

  return waitForLine(/^READY \d+$/).then(
    (ready) => ({
      port: Number(ready.split(' ')[1]),
      pid: child.pid!,
      runs,
      lines,
      stderr,
      agent,
      alive: running,
      waitForLine,
      signal: (signal) => {
        if (running()) child.kill(signal);
      },
      kill: async (signal: NodeJS.Signals = 'SIGTERM') => {
        agent.destroy();
        if (running()) {
          child.kill('SIGCONT'); // a frozen process cannot act on a signal
          child.kill(signal);
        }
        await exited;
      },
    }),
    (error) => {
      child.kill('SIGKILL');
      throw error;
    },
  );
}

/** The answer to one webhook request; status 0 when the connection failed (e.g. the bot died). */
export interface Answer {
  status: number;
  /** When the answer arrived, and how long it took, in ms. */
  at: number;
  ms: number;
  error?: string;
}

/** Posts test-platform events to a bot, as the platform would. */
export function postEvents(bot: BotProcess, events: { user: string; id: string; text?: string }[]): Promise<Answer> {
  const body = JSON.stringify({ events: events.map((e) => ({ text: 'hi', ...e })) });
  const started = Date.now();
  return new Promise((resolve) => {
    const req = request(
      {
        host: '127.0.0.1',
        port: bot.port,
        path: '/webhooks/test',
        method: 'POST',
        agent: bot.agent,
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
        timeout: 30_000,
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve({ status: res.statusCode ?? 0, at: Date.now(), ms: Date.now() - started }));
      },
    );
    req.on('timeout', () => req.destroy(new Error('request timed out')));
    req.on('error', (error) => resolve({ status: 0, at: Date.now(), ms: Date.now() - started, error: error.message }));
    req.end(body);
  });
}

/** Stops every bot (SIGKILL: the tests that need a graceful stop do it themselves). */
export async function stopAll(bots: BotProcess[]): Promise<void> {
  await Promise.all(bots.map((bot) => bot.kill('SIGKILL')));
}
