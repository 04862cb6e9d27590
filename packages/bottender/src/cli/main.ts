import path from 'node:path';

import { ModuleLoadError } from '../config/load-app';
import { ownPackage, ProjectModules } from '../config/project-modules';
import { ConfigError } from '../config/schema';
import { SessionStoreError } from '../session/types';
import { COMMAND_USAGE, parseCommandLine, USAGE, UsageError } from './args';
import { runDev } from './dev';
import { runNew } from './new/command';
import { runSessionCommand } from './session';
import { type CliIO, runStart } from './start';

/** Exit codes: 0 done, 1 the bot cannot run (config, handler, store), 2 wrong usage. */
export const EXIT_FAILURE = 1;
export const EXIT_USAGE = 2;

/**
 * The `bottender` command. Resolves with the exit code once the command is over: at once for
 * `--help`, after a stop signal (and a drained, closed store) for `start`.
 */
export async function main(argv: readonly string[], io: CliIO = processIO()): Promise<number> {
  // `bottender session ...` parses its own subcommands (cli/session.ts).
  if (argv[0] === 'session') return runSessionCommand(argv.slice(1), io).catch((error) => report(error, io));
  let request;
  try {
    request = parseCommandLine(argv);
  } catch (error) {
    return report(error, io);
  }
  if (request.kind === 'help') {
    io.stdout.write(`${request.command === undefined ? USAGE : COMMAND_USAGE[request.command]}\n`);
    return 0;
  }
  if (request.kind === 'version') {
    io.stdout.write(`${versionLine()}\n`);
    return 0;
  }
  try {
    if (request.kind === 'new') return await runNew(request, io);
    if (request.kind === 'platform') return await runPlatformCommand(request.platform, request.args, io);
    return request.kind === 'dev' ? await runDev(request, io) : await runStart(request, io);
  } catch (error) {
    return report(error, io);
  }
}

/**
 * `bottender <platform> ...` (e.g. `bottender telegram webhook set`): the platform package, from
 * the bot folder or this install, runs it through its exported `cli(args, io)`.
 */
async function runPlatformCommand(platform: string, args: string[], io: CliIO): Promise<number> {
  const id = `@bottender/${platform}`;
  const pkg = (await new ProjectModules(io.cwd).requirePackage(id)) as { cli?: unknown } | undefined;
  if (pkg === undefined) throw new ConfigError(`bottender ${platform} needs ${id}: npm install ${id}`);
  if (typeof pkg.cli !== 'function') throw new UsageError(`${id} has no commands of its own`);
  return (pkg.cli as (args: string[], io: CliIO) => Promise<number>)(args, io);
}

/** Prints an error the way its kind deserves and returns the exit code. */
function report(error: unknown, io: CliIO): number {
  if (error instanceof UsageError) {
    io.stderr.write(`bottender: ${error.message}\nRun "bottender --help" for usage.\n`);
    return EXIT_USAGE;
  }
  if (error instanceof ModuleLoadError) {
    // The bug is in the bot's code: the one-line summary, then where it happened.
    const stack = (error.cause as Error | undefined)?.stack;
    io.stderr.write(`${error.message}\n${stack ? `${indent(stack)}\n` : ''}`);
    return EXIT_FAILURE;
  }
  if (error instanceof ConfigError || error instanceof SessionStoreError) {
    io.stderr.write(`${error.message}\n`);
    return EXIT_FAILURE;
  }
  io.stderr.write(`bottender: ${(error as Error)?.stack ?? String(error)}\n`);
  return EXIT_FAILURE;
}

function indent(text: string): string {
  return text
    .split('\n')
    .map((line) => `    ${line}`)
    .join('\n');
}

/** This package's version, from its package.json. */
export function version(): string {
  return ownPackage().version;
}

/**
 * What `bottender --version` prints: this project's name, its version and where it is installed.
 * The registry's `bottender` is Bottender 1.x, whose `--version` prints a bare `1.5.5`; this line
 * says which of the two runs.
 */
export function versionLine(): string {
  return `Bottender (TypeScript) ${version()} (${path.resolve(__dirname, '..', '..')})`;
}

function processIO(): CliIO {
  return { cwd: process.cwd(), env: process.env, stdin: process.stdin, stdout: process.stdout, stderr: process.stderr };
}
