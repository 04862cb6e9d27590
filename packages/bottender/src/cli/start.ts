import type { Readable, Writable } from 'node:stream';

import { ConfigError } from '../config/schema';
import { runConsoleChat } from '../console/chat';
import { type BottenderApp, createBottender } from '../project/create-bottender';
import { parsePort, UsageError } from './args';
import { devConsoleMode, startDevConsoleIfAsked } from './dev-console';
import { DEV_CHILD_ENV, tellDevParent } from './dev-protocol';

/** The process's streams and surroundings, passed in so the CLI can be driven by tests. */
export interface CliIO {
  cwd: string;
  env: NodeJS.ProcessEnv;
  stdin: Readable & { isTTY?: boolean };
  stdout: Writable;
  stderr: Writable;
}

export interface StartRequest {
  console: boolean;
  port?: number;
  host?: string;
  user?: string;
  /** One log line per webhook (`bottender dev` logs them anyway). */
  verbose?: boolean;
  /** `bottender dev --web-only`: the browser dev console alone, no webhook server. */
  webOnly?: boolean;
  /** `--telegram-polling`: Telegram by long polling, deleting a webhook that is set. */
  telegramPolling?: boolean;
}

/** Signals that stop the bot gracefully: finish in-flight events, close the store, exit 0. */
const STOP_SIGNALS = ['SIGTERM', 'SIGINT'] as const;

/** `bottender start`: serves the webhooks, or chats in the terminal with `--console`. Resolves with the exit code. */
export async function runStart(request: StartRequest, io: CliIO): Promise<number> {
  return request.console ? runConsole(request, io) : runServer(request, io);
}

async function runServer(request: StartRequest, io: CliIO): Promise<number> {
  const port = request.port ?? portFromEnv(io.env);
  const host = request.host ?? (io.env.HOST?.trim() || undefined);
  // Under `bottender dev`, connectors that have a loop (long polling, a socket) use it: no public URL needed.
  const dev = io.env[DEV_CHILD_ENV] === '1';
  // `bottender dev --web-only`: no channel is built (no credentials needed); the dev console speaks for them.
  const webOnly = devConsoleMode(io.env) === 'web-only';
  // Read by @bottender/telegram when channels.telegram.polling is unset (docs/platforms/telegram.md).
  if (request.telegramPolling) process.env.BOTTENDER_TELEGRAM_POLLING = '1';
  const app = await createBottender({ cwd: io.cwd, dev, channels: !webOnly, logLevel: request.verbose ? 'verbose' : undefined });
  tellDevParentWhatToIgnore(app);
  const stopped = waitForStopSignal(io);
  let devConsole: { close(): Promise<void> } | undefined;
  try {
    if (webOnly) {
      await app.prepare();
    } else {
      const server = await app.serve(port, host);
      const origin = `http://${displayHost(host)}:${server.port}`;
      io.stdout.write(`Bottender is listening on ${origin}\n`);
      if (app.channels.length === 0) {
        io.stderr.write('[bottender] warning: no channel is enabled; set channels.<name>.enabled in bottender.config\n');
      }
      for (const channel of app.channels) {
        const where = app.loopChannels.includes(channel) ? "its own connection (no webhook)" : `${origin}${channel.path}`;
        io.stdout.write(`  ${channel.connector.platform}: ${where}\n`);
      }
    }
    devConsole = await startDevConsoleIfAsked(app, io);
  } catch (error) {
    stopped.dispose();
    await devConsole?.close().catch(() => {});
    await app.close().catch(() => {});
    throw describeListenError(error, port);
  }
  const signal = await stopped.promise;
  io.stderr.write(`[bottender] ${signal}: finishing in-flight events, then closing the store\n`);
  // First, so the hand-over to the next reload holds the sessions as they are now.
  await devConsole?.close();
  await app.close();
  return 0;
}

async function runConsole(request: StartRequest, io: CliIO): Promise<number> {
  const app = await createBottender({ cwd: io.cwd, channels: false });
  tellDevParentWhatToIgnore(app);
  await app.prepare().catch(async (error) => {
    await app.close().catch(() => {});
    throw error;
  });
  const user = request.user ?? 'you';
  const terminal = Boolean(io.stdin.isTTY);
  const abort = new AbortController();
  const stopped = waitForStopSignal(io);
  stopped.promise.then(() => abort.abort(), () => {});
  if (terminal) {
    const driver = app.loaded.config.session?.driver ?? 'memory';
    io.stdout.write(
      `Bottender console mode: you are "${user}" (session console:${user}, ${driver} driver).\n` +
        'Type a message, /help for commands, /exit to leave.\n',
    );
  }
  try {
    await runConsoleChat({
      bot: app.bot,
      user,
      initialState: app.loaded.config.initialState,
      expiresIn: app.loaded.config.session?.expiresIn,
      input: io.stdin,
      output: io.stdout,
      errorOutput: io.stderr,
      terminal,
      signal: abort.signal,
    });
  } finally {
    stopped.dispose();
    await app.close();
  }
  return 0;
}

function portFromEnv(env: NodeJS.ProcessEnv): number {
  const value = env.PORT?.trim();
  if (!value) return 5000;
  try {
    return parsePort(value, 'PORT');
  } catch (error) {
    throw new ConfigError((error as UsageError).message);
  }
}

function displayHost(host: string | undefined): string {
  if (host === undefined || host === '0.0.0.0' || host === '::') return 'localhost';
  return host.includes(':') ? `[${host}]` : host;
}

function describeListenError(error: unknown, port: number): unknown {
  const code = (error as NodeJS.ErrnoException)?.code;
  if (code === 'EADDRINUSE') return new ConfigError(`port ${port} is already in use: choose another with --port or PORT`);
  if (code === 'EACCES') return new ConfigError(`port ${port} needs privileges this process lacks: choose a port above 1023`);
  return error;
}

/**
 * Resolves with the first stop signal. A second Ctrl+C while events drain exits at once, for
 * when a handler hangs; a repeated SIGTERM (as `bottender dev` may send) keeps draining.
 */
function waitForStopSignal(io: CliIO): { promise: Promise<NodeJS.Signals>; dispose(): void } {
  const listeners: [NodeJS.Signals, () => void][] = [];
  const dispose = () => {
    for (const [signal, listener] of listeners.splice(0)) process.off(signal, listener);
  };
  const promise = new Promise<NodeJS.Signals>((resolve) => {
    let received: NodeJS.Signals | undefined;
    for (const signal of STOP_SIGNALS) {
      const listener = () => {
        if (received === undefined) {
          received = signal;
          resolve(signal);
        } else if (signal === 'SIGINT' && received === 'SIGINT') {
          io.stderr.write('[bottender] second SIGINT: exiting without waiting for in-flight events\n');
          process.exit(130);
        }
      };
      listeners.push([signal, listener]);
      process.on(signal, listener);
    }
  });
  return { promise, dispose };
}

/** Under `bottender dev`, the session folder must not count as a change to restart on. */
function tellDevParentWhatToIgnore(app: BottenderApp): void {
  if (process.env[DEV_CHILD_ENV] !== '1') return;
  const dirname = (app.bot.store as { dirname?: unknown }).dirname;
  if (typeof dirname === 'string') tellDevParent({ type: 'ignore', paths: [dirname] });
}
