import { type ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';

import type { StartRequest, CliIO } from './start';
import { DevConsoleParent } from './dev-console';
import { DEV_CHILD_ENV, isDevMessage } from './dev-protocol';
import { watchTree } from './watch-tree';

/** Changes closer together than this cause one restart (editors write files in several steps). */
const DEBOUNCE_MS = 150;

/** The CLI entry the bot process runs. */
const BIN = path.join(__dirname, '..', '..', 'bin', 'bottender.js');

/**
 * `bottender dev`: runs `bottender start` (with the same options) in a child process and restarts
 * it when a file of the bot folder changes. A child that fails (a syntax error, a bad config) is
 * restarted by the next change. Ends with the child's exit code when the child ends by itself
 * (`/exit` in console mode), or 0 after SIGINT/SIGTERM once the child has drained and closed.
 * The child knows it runs under `dev` (DEV_CHILD_ENV): connectors that have a loop (Telegram long
 * polling, Slack Socket Mode) use it instead of webhooks, so no public URL is needed.
 */
export async function runDev(request: StartRequest, io: CliIO): Promise<number> {
  const args = ['start'];
  if (request.console) args.push('--console');
  if (request.port !== undefined) args.push('--port', String(request.port));
  if (request.host !== undefined) args.push('--host', request.host);
  if (request.user !== undefined) args.push('--user', request.user);
  if (request.verbose) args.push('--verbose');
  if (request.telegramPolling) args.push('--telegram-polling');
  // The browser dev console (issue 14): same address and token across reloads.
  const devConsole = request.console ? undefined : new DevConsoleParent(request.webOnly ? 'web-only' : 'on', io);

  return new Promise<number>((resolve) => {
    let child: ChildProcess | undefined;
    let restarting = false;
    let stopping = false;
    let timer: NodeJS.Timeout | undefined;
    let changed: string | undefined;

    const log = (message: string) => io.stderr.write(`[bottender] ${message}\n`);
    const watcher = watchTree(
      io.cwd,
      (file) => {
        changed = file;
        clearTimeout(timer);
        timer = setTimeout(restart, DEBOUNCE_MS);
      },
      (error) => log(`warning: cannot watch for changes: ${error.message}`),
    );

    const startChild = (reason?: string) => {
      const started = spawn(process.execPath, [BIN, ...args], {
        cwd: io.cwd,
        env: { ...io.env, [DEV_CHILD_ENV]: '1', ...devConsole?.env(reason) },
        stdio: ['inherit', 'inherit', 'inherit', 'ipc'],
      });
      child = started;
      started.on('message', (message) => {
        if (!isDevMessage(message)) return;
        if (message.type === 'dev-console') devConsole?.reported(message);
        else watcher.ignore(message.paths);
      });
      started.on('exit', (code, signal) => {
        if (child === started) child = undefined;
        if (restarting) return;
        const exitCode = code ?? (signal ? 1 : 0);
        if (stopping || (request.console && exitCode === 0)) {
          finish(exitCode);
        } else {
          log(`the bot exited with ${code === null ? signal : `code ${code}`}; waiting for a file change to restart`);
        }
      });
    };

    function restart() {
      // A restart under way starts the child after the old one exits, from the files as they are then.
      if (stopping || restarting) return;
      const relaunch = () => {
        // Said once the old process is gone: input typed from now on goes to the new one.
        const reason = `${path.relative(io.cwd, changed ?? io.cwd) || '.'} changed`;
        log(`${reason}: restarting`);
        startChild(reason);
      };
      const old = child;
      if (!old) {
        relaunch();
        return;
      }
      restarting = true;
      old.once('exit', () => {
        restarting = false;
        if (!stopping) relaunch();
      });
      old.kill('SIGTERM');
    }

    const onSignal = () => {
      if (stopping) return;
      stopping = true;
      clearTimeout(timer);
      watcher.close();
      // Ctrl+C reaches the child too (same process group); SIGTERM may be for the parent alone.
      if (child) child.kill('SIGTERM');
      else finish(0);
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);

    function finish(code: number) {
      stopping = true;
      clearTimeout(timer);
      watcher.close();
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
      devConsole?.dispose();
      resolve(code);
    }

    log(`watching ${io.cwd} for changes`);
    startChild();
  });
}
