// Starting a bench process, talking to it over IPC, stopping it.
import { fork } from 'node:child_process';
import { mkdirSync, openSync, closeSync } from 'node:fs';
import { dirname } from 'node:path';

/**
 * Forks `script` and waits for its `{ type: 'ready', port }` message. Its output goes to
 * `logFile`. The returned handle has `call(cmd, args)` (request/answer over IPC) and `stop()`.
 */
export function startChild({ name, script, cwd, env = {}, execArgv = [], logFile, readyTimeoutMs = 30_000 }) {
  mkdirSync(dirname(logFile), { recursive: true });
  const log = openSync(logFile, 'a');
  const child = fork(script, [], {
    cwd,
    env: { ...process.env, ...env },
    execArgv,
    stdio: ['ignore', log, log, 'ipc'],
  });
  closeSync(log);
  const pending = new Map();
  let nextId = 1;
  let exited = false;
  const exitedPromise = new Promise((resolve) =>
    child.once('exit', (code, signal) => {
      exited = true;
      for (const { reject } of pending.values()) reject(new Error(`${name} exited (${code ?? signal}); see ${logFile}`));
      pending.clear();
      resolve();
    }),
  );
  child.on('message', (message) => {
    const waiter = pending.get(message?.id);
    if (!waiter) return;
    pending.delete(message.id);
    if (message.ok) waiter.resolve(message.result);
    else waiter.reject(new Error(`${name}: ${message.error}`));
  });
  const handle = {
    name,
    pid: child.pid,
    port: undefined,
    call(cmd, args = {}) {
      if (exited) return Promise.reject(new Error(`${name} is not running; see ${logFile}`));
      const id = nextId++;
      return new Promise((resolve, reject) => {
        pending.set(id, { resolve, reject });
        child.send({ id, cmd, args });
      });
    },
    /** Asks the process to stop (so --cpu-prof can write its profile); kills it after 10 s. */
    async stop() {
      if (exited) return;
      child.send({ cmd: 'stop' });
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exitedPromise;
      clearTimeout(timer);
    },
  };
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${name} did not start within ${readyTimeoutMs} ms; see ${logFile}`));
    }, readyTimeoutMs);
    const onReady = (message) => {
      if (message?.type !== 'ready') return;
      clearTimeout(timer);
      child.off('message', onReady);
      handle.port = message.port;
      resolve(handle);
    };
    child.on('message', onReady);
    void exitedPromise.then(() => {
      clearTimeout(timer);
      reject(new Error(`${name} exited before it was ready; see ${logFile}`));
    });
  });
}

/** In a child: answers `call`s with the handlers and stops on `{ cmd: 'stop' }`. */
export function serveCalls(handlers, onStop) {
  process.on('message', async (message) => {
    if (message?.cmd === 'stop') {
      await onStop?.();
      process.exit(0);
    }
    const handler = handlers[message?.cmd];
    if (!handler) return process.send({ id: message?.id, ok: false, error: `unknown command ${message?.cmd}` });
    try {
      process.send({ id: message.id, ok: true, result: await handler(message.args ?? {}) });
    } catch (error) {
      process.send({ id: message.id, ok: false, error: error?.stack ?? String(error) });
    }
  });
  // Without the parent there is nobody to stop us: leave.
  process.on('disconnect', () => process.exit(0));
}
