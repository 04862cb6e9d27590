import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import type { BottenderApp } from '../project/create-bottender';
import type { CliIO } from './start';
import { type DevMessage, tellDevParent } from './dev-protocol';

/**
 * The browser dev console under `bottender dev` (see docs/dev-console.md). It lives in the
 * optional package `@bottender/dev-console`, loaded from the bot folder; the core only passes it
 * the same address, token and hand-over file on every reload and prints the address once.
 */

/** Environment of the bot process; the package reads the same names (DEV_CONSOLE_ENV there). */
const ENV = {
  mode: 'BOTTENDER_DEV_CONSOLE',
  port: 'BOTTENDER_DEV_CONSOLE_PORT',
  token: 'BOTTENDER_DEV_CONSOLE_TOKEN',
  snapshot: 'BOTTENDER_DEV_CONSOLE_SNAPSHOT',
  reloadReason: 'BOTTENDER_DEV_RELOAD_REASON',
} as const;

/** `bottender dev`'s side: what each bot process gets, and the address it reports back. */
export class DevConsoleParent {
  readonly #token = randomBytes(24).toString('base64url');
  readonly #snapshot = path.join(tmpdir(), `bottender-dev-console-${process.pid}-${randomBytes(4).toString('hex')}.json`);
  #port = 0;
  #printed: string | undefined;

  constructor(
    private readonly mode: 'on' | 'web-only',
    private readonly io: CliIO,
  ) {}

  /** Environment for the next bot process; `reason` says why it is a reload. */
  env(reason?: string): Record<string, string> {
    const env: Record<string, string> = {
      [ENV.mode]: this.mode,
      [ENV.port]: String(this.#port),
      [ENV.token]: this.#token,
      [ENV.snapshot]: this.#snapshot,
    };
    if (reason) env[ENV.reloadReason] = reason;
    return env;
  }

  /** Keeps the port the first process got and prints the address once. */
  reported(message: Extract<DevMessage, { type: 'dev-console' }>): void {
    this.#port = message.port;
    if (this.#printed === message.url) return;
    this.#printed = message.url;
    this.io.stdout.write(`Dev console: ${message.url}\n`);
  }

  dispose(): void {
    rmSync(this.#snapshot, { force: true });
  }
}

/** The bot process's side: the mode `bottender dev` asked for, if any. */
export function devConsoleMode(env: NodeJS.ProcessEnv): 'on' | 'web-only' | undefined {
  const mode = env[ENV.mode];
  return mode === 'on' || mode === 'web-only' ? mode : undefined;
}

/**
 * Starts the dev console in a bot process run by `bottender dev`, when asked and installed.
 * Without the package, says how to get it and goes on: the bot itself runs as usual.
 */
export async function startDevConsoleIfAsked(app: BottenderApp, io: CliIO): Promise<{ close(): Promise<void> } | undefined> {
  if (devConsoleMode(io.env) === undefined) return undefined;
  const pkg = (await app.loaded.modules.requirePackage('@bottender/dev-console')) as
    | { startForBottenderDev?: (app: BottenderApp, env: NodeJS.ProcessEnv) => Promise<{ url: string; port: number; close(): Promise<void> }> }
    | undefined;
  if (typeof pkg?.startForBottenderDev !== 'function') {
    io.stderr.write('[bottender] the browser dev console needs @bottender/dev-console: npm install -D @bottender/dev-console\n');
    return undefined;
  }
  let devConsole;
  try {
    devConsole = await pkg.startForBottenderDev(app, io.env);
  } catch (error) {
    // The bot itself runs on: the page is a tool, not part of it.
    io.stderr.write(`[bottender] warning: the dev console could not start: ${(error as Error)?.message ?? error}\n`);
    return undefined;
  }
  tellDevParent({ type: 'dev-console', url: devConsole.url, port: devConsole.port });
  if (process.send === undefined) io.stdout.write(`Dev console: ${devConsole.url}\n`);
  return devConsole;
}
