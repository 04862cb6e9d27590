import { parseArgs } from 'node:util';

/** Wrong command-line usage: printed as one line plus a hint, exit code 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

export const USAGE = `Usage: bottender <command> [options]

Commands:
  start              serve the enabled channels' webhooks over HTTP
  start --console    chat with the bot in the terminal
  dev                like start, restarting when a file of the bot folder changes

Options:
  --port <n>         HTTP port (default: $PORT, else 5000)
  --host <host>      HTTP host to bind (default: $HOST, else all interfaces)
  --console          console mode instead of HTTP
  --user <name>      console mode: who you are; the session is console:<name> (default: you)
  -h, --help         show this help
  -v, --version      show the version

The bot folder is the current directory: bottender.config.{ts,js,mjs,cjs}, .env,
index.{ts,js} (or package.json "main") and _error.{ts,js}.`;

export type Command = 'start' | 'dev';

/** What the command line asks for. */
export type CliRequest =
  | { kind: 'help' }
  | { kind: 'version' }
  | { kind: Command; console: boolean; port?: number; host?: string; user?: string };

const OPTIONS = {
  port: { type: 'string' },
  host: { type: 'string' },
  console: { type: 'boolean' },
  user: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
  version: { type: 'boolean', short: 'v' },
} as const;

/** Parses `argv` (without node and the script). Throws {@link UsageError} for anything wrong. */
export function parseCommandLine(argv: readonly string[]): CliRequest {
  let parsed;
  try {
    parsed = parseArgs({ args: [...argv], options: OPTIONS, allowPositionals: true, strict: true });
  } catch (error) {
    throw new UsageError(describeParseError(error as NodeJS.ErrnoException));
  }
  const { values, positionals } = parsed;
  if (values.help) return { kind: 'help' };
  if (values.version) return { kind: 'version' };
  const [command, ...extra] = positionals;
  if (command === undefined) throw new UsageError('missing command: start or dev');
  if (command !== 'start' && command !== 'dev') throw new UsageError(`unknown command ${JSON.stringify(command)}: use start or dev`);
  if (extra.length > 0) throw new UsageError(`unexpected argument ${JSON.stringify(extra[0])}`);

  const consoleMode = values.console ?? false;
  if (consoleMode && (values.port !== undefined || values.host !== undefined)) {
    throw new UsageError('--port and --host are for the HTTP server; they cannot be used with --console');
  }
  if (!consoleMode && values.user !== undefined) throw new UsageError('--user is for console mode: add --console');
  return {
    kind: command,
    console: consoleMode,
    port: values.port === undefined ? undefined : parsePort(values.port, '--port'),
    host: values.host === undefined ? undefined : nonEmpty(values.host, '--host'),
    user: values.user === undefined ? undefined : parseUser(values.user),
  };
}

/** A TCP port, 0 to 65535; `source` names the flag or variable it came from. */
export function parsePort(value: string, source: string): number {
  if (!/^\d{1,5}$/.test(value) || Number(value) > 65535) {
    throw new UsageError(`${source} must be an integer from 0 to 65535 (got ${JSON.stringify(value)})`);
  }
  return Number(value);
}

function nonEmpty(value: string, flag: string): string {
  if (value.trim() === '') throw new UsageError(`${flag} needs a value`);
  return value;
}

/** A console user name becomes a session id and is printed: keep it short and printable. */
function parseUser(value: string): string {
  if (!/^[^\s\p{C}]{1,64}$/u.test(value)) {
    throw new UsageError(`--user must be 1 to 64 characters without spaces (got ${JSON.stringify(value)})`);
  }
  return value;
}

function describeParseError(error: NodeJS.ErrnoException): string {
  const flag = /'(-[^' ]*)/.exec(error.message)?.[1];
  const first = error.message.split('\n')[0] ?? String(error);
  if (error.code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') return `unknown option ${flag ?? first}`;
  if (error.code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE' && flag) {
    if (/argument missing|ambiguous/.test(first)) return `${flag} needs a value`;
    if (/does not take an argument/.test(first)) return `${flag} does not take a value`;
  }
  return first;
}
