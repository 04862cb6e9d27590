import { parseArgs } from 'node:util';

import { BUILT_IN_DRIVERS, type BuiltInDriver, PLATFORMS, type Platform } from '../config/drivers';
import { didYouMean } from '../errors/closest-key';

/** Wrong command-line usage: printed as one line plus a hint, exit code 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

export const USAGE = `Usage: bottender <command> [options]

Commands:
  new <folder>       create a bot: handler, test, typed config, .env.example, README
  start              serve the enabled channels' webhooks over HTTP
  start --console    chat with the bot in the terminal
  dev                like start, restarting when a file of the bot folder changes, and
                     serving the browser dev console (with @bottender/dev-console installed)
  dev --web-only     only the browser dev console: no webhook server, no platform credentials
  <platform> ...     the platform package's own commands, e.g. bottender telegram webhook set
  session ...        list, get, set, patch, delete, export, import and migrate sessions

Options:
  -h, --help         show this help; "bottender <command> --help" for a command's options
  -v, --version      show which Bottender runs, its version and where it is installed

The bot folder is the current directory: bottender.config.{ts,js,mjs,cjs}, .env,
index.{ts,js} (or package.json "main") and _error.{ts,js}.`;

const SERVE_OPTIONS = `Options:
  --port <n>         HTTP port (default: $PORT, else 5000)
  --host <host>      HTTP host to bind (default: $HOST, else all interfaces)
  --console          chat in the terminal instead of serving HTTP
  --user <name>      console mode: who you are; the session is console:<name> (default: you)
  --verbose          log one line per webhook (method, path, status, platform, sessions, time)
  --telegram-polling Telegram by long polling, deleting a webhook that is set
  -h, --help         show this help`;

/** Each command's own help, for `bottender <command> --help`. */
export const COMMAND_USAGE: Record<Command, string> = {
  start: `Usage: bottender start [--port <n>] [--host <host>] [--verbose]
       bottender start --console [--user <name>]

Runs the bot of the current folder: serves the webhooks of the enabled channels, or with
--console chats in the terminal (/help for its commands). Stops on SIGTERM or Ctrl+C after the
events in flight are saved. --verbose (or logLevel: 'verbose' in bottender.config) adds one
line per webhook; DEBUG=bottender:* (or logLevel: 'debug') shows the store's and platform calls.

${SERVE_OPTIONS}`,
  dev: `Usage: bottender dev [--port <n>] [--host <host>] [--web-only]
       bottender dev --console [--user <name>]

Like bottender start, restarting the bot when a file of the bot folder changes (node_modules,
.git, dist and dot-folders excepted), and logging one line per webhook. With
@bottender/dev-console installed it also serves the browser dev console.

${SERVE_OPTIONS}
  --web-only         only the browser dev console: no webhook server, no platform credentials`,
  new: `Usage: bottender new <folder> [--platform <names>] [--driver <name>] [--packs <dir>] [--yes]

Creates a bot folder: index.ts (the handler), index.test.ts (its test on the test platform), a
typed bottender.config.ts whose channels are enabled only when their secrets are set,
.env.example, tsconfig.json, package.json and a README. Then: cd <folder> && npm install && npm start.
Asks for what is not given when run in a terminal; otherwise takes the defaults (line, file).

Options:
  --platform <names> platforms, comma-separated: ${PLATFORMS.join(', ')}, or none (console only)
  --driver <name>    session driver: ${BUILT_IN_DRIVERS.join(', ')} (default: file)
  --packs <dir>      install Bottender from the tarballs "npm run pack" wrote to <dir>
                     (default: this clone's packs/ when run from a clone, else the npm registry)
  -y, --yes          ask nothing: the defaults for what is not given
  -h, --help         show this help`,
};

export type Command = 'start' | 'dev' | 'new';

const COMMANDS: readonly Command[] = ['new', 'start', 'dev'];

/** `bottender start` and `bottender dev`. */
export interface RunRequest {
  kind: 'start' | 'dev';
  console: boolean;
  port?: number;
  host?: string;
  user?: string;
  /** One line per webhook; `bottender dev` logs them anyway. */
  verbose?: boolean;
  webOnly?: boolean;
  /** `--telegram-polling`: Telegram by long polling even where a webhook is set (it is deleted). */
  telegramPolling?: boolean;
}

/** `bottender <platform> ...`: handed to the platform package's exported `cli(args, io)`. */
export interface PlatformRequest {
  kind: 'platform';
  platform: Platform;
  args: string[];
}

/** `bottender new`: what is not given is asked, or defaulted. */
export interface NewRequest {
  kind: 'new';
  dir?: string;
  platforms?: Platform[];
  driver?: BuiltInDriver;
  packs?: string;
  yes: boolean;
}

/** What the command line asks for. */
export type CliRequest = { kind: 'help'; command?: Command } | { kind: 'version' } | RunRequest | NewRequest | PlatformRequest;

const OPTIONS = {
  port: { type: 'string' },
  host: { type: 'string' },
  console: { type: 'boolean' },
  'web-only': { type: 'boolean' },
  user: { type: 'string' },
  verbose: { type: 'boolean' },
  'telegram-polling': { type: 'boolean' },
  platform: { type: 'string', multiple: true },
  driver: { type: 'string' },
  packs: { type: 'string' },
  yes: { type: 'boolean', short: 'y' },
  help: { type: 'boolean', short: 'h' },
  version: { type: 'boolean', short: 'v' },
} as const;

/** Which options each command takes; others are refused by name. */
const OPTIONS_OF: Record<Command, readonly (keyof typeof OPTIONS)[]> = {
  start: ['port', 'host', 'console', 'user', 'verbose', 'telegram-polling'],
  dev: ['port', 'host', 'console', 'user', 'verbose', 'web-only', 'telegram-polling'],
  new: ['platform', 'driver', 'packs', 'yes'],
};

/** Parses `argv` (without node and the script). Throws {@link UsageError} for anything wrong. */
export function parseCommandLine(argv: readonly string[]): CliRequest {
  // A platform's commands and options are its package's to parse.
  if ((PLATFORMS as readonly string[]).includes(argv[0])) return { kind: 'platform', platform: argv[0] as Platform, args: argv.slice(1) };
  let parsed;
  try {
    parsed = parseArgs({ args: [...argv], options: OPTIONS, allowPositionals: true, strict: true });
  } catch (error) {
    throw new UsageError(describeParseError(error as NodeJS.ErrnoException));
  }
  const { values, positionals } = parsed;
  const [name, ...extra] = positionals;
  if (values.version) return { kind: 'version' };
  if (name === undefined) return { kind: 'help' };
  if (name === 'help') return { kind: 'help', command: extra[0] === undefined ? undefined : commandNamed(extra[0]) };
  const command = commandNamed(name);
  if (values.help) return { kind: 'help', command };
  for (const option of Object.keys(values) as (keyof typeof OPTIONS)[]) {
    if (option === 'web-only' && command !== 'dev') throw new UsageError('--web-only is for bottender dev without --console');
    if (option !== 'help' && !OPTIONS_OF[command].includes(option)) {
      throw new UsageError(`--${option} is not an option of bottender ${command}`);
    }
  }
  if (command === 'new') return parseNew(values, extra);
  if (extra.length > 0) throw new UsageError(`unexpected argument ${JSON.stringify(extra[0])}`);

  const consoleMode = values.console ?? false;
  if (consoleMode && (values.port !== undefined || values.host !== undefined)) {
    throw new UsageError('--port and --host are for the HTTP server; they cannot be used with --console');
  }
  if (!consoleMode && values.user !== undefined) throw new UsageError('--user is for console mode: add --console');
  const webOnly = values['web-only'] ?? false;
  if (webOnly && consoleMode) throw new UsageError('--web-only is for bottender dev without --console');
  return {
    kind: command,
    console: consoleMode,
    port: values.port === undefined ? undefined : parsePort(values.port, '--port'),
    host: values.host === undefined ? undefined : nonEmpty(values.host, '--host'),
    user: values.user === undefined ? undefined : parseUser(values.user),
    ...(values.verbose ? { verbose: true } : {}),
    ...(webOnly ? { webOnly } : {}),
    ...(values['telegram-polling'] ? { telegramPolling: true } : {}),
  };
}

function commandNamed(name: string): Command {
  if ((COMMANDS as readonly string[]).includes(name)) return name as Command;
  throw new UsageError(
    `unknown command ${JSON.stringify(name)}: use ${COMMANDS.slice(0, -1).join(', ')} or ${COMMANDS[COMMANDS.length - 1]}` +
      didYouMean(name, COMMANDS, { quote: false }),
  );
}

function parseNew(values: { platform?: string[]; driver?: string; packs?: string; yes?: boolean }, extra: string[]): NewRequest {
  if (extra.length > 1) throw new UsageError(`unexpected argument ${JSON.stringify(extra[1])}`);
  return {
    kind: 'new',
    dir: extra[0] === undefined ? undefined : nonEmpty(extra[0], 'the folder'),
    platforms: values.platform === undefined ? undefined : parsePlatforms(values.platform.join(',')),
    driver: values.driver === undefined ? undefined : parseDriver(values.driver),
    packs: values.packs === undefined ? undefined : nonEmpty(values.packs, '--packs'),
    yes: values.yes ?? false,
  };
}

/** `line,slack`, `none` or empty for no platform; throws {@link UsageError} naming a wrong one. */
export function parsePlatforms(text: string, source = '--platform'): Platform[] {
  const names = text
    .split(/[\s,]+/)
    .map((name) => name.trim().toLowerCase())
    .filter((name) => name !== '' && name !== 'none');
  const platforms: Platform[] = [];
  for (const name of names) {
    if (!(PLATFORMS as readonly string[]).includes(name)) {
      throw new UsageError(
        `${source}: ${JSON.stringify(name)} is not a platform (${PLATFORMS.join(', ')} or none)${didYouMean(name, PLATFORMS, { quote: false })}`,
      );
    }
    if (!platforms.includes(name as Platform)) platforms.push(name as Platform);
  }
  return PLATFORMS.filter((platform) => platforms.includes(platform));
}

/** A built-in driver's name; throws {@link UsageError} with the nearest one. */
export function parseDriver(text: string, source = '--driver'): BuiltInDriver {
  const name = text.trim().toLowerCase();
  if ((BUILT_IN_DRIVERS as readonly string[]).includes(name)) return name as BuiltInDriver;
  throw new UsageError(
    `${source}: ${JSON.stringify(text)} is not a driver (${BUILT_IN_DRIVERS.join(', ')})${didYouMean(name, BUILT_IN_DRIVERS, { quote: false })}`,
  );
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
  if (error.code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') {
    const name = flag?.replace(/^-+/, '') ?? '';
    return `unknown option ${flag ?? first}${didYouMean(name, Object.keys(OPTIONS), { quote: false }).replace(/mean (\S+)\?$/, 'mean --$1?')}`;
  }
  if (error.code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE' && flag) {
    if (/argument missing|ambiguous/.test(first)) return `${flag} needs a value`;
    if (/does not take an argument/.test(first)) return `${flag} does not take a value`;
  }
  return first;
}
