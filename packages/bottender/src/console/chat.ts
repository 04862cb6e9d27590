import { createInterface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';

import type { Bot } from '../runtime/bot';
import { expiresInMs, isLive, sessionIdOf } from '../session/rules';
import type { AnyState } from '../session/types';
import { CONSOLE_PLATFORM, ConsoleConnector, ConsoleEvent, type ConsoleRawEvent } from './connector';

/** Options of {@link runConsoleChat}. */
export interface ConsoleChatOptions {
  bot: Bot<any>;
  /** The console user, i.e. the session key: the session is `console:<user>`. Default `you`. */
  user?: string;
  /** Shown by `/state` before the first message; should be the bot's `initialState`. */
  initialState?: AnyState;
  /** The bot's `expiresIn` (minutes), so `/state` shows an expired session as the next event sees it. */
  expiresIn?: number;
  input?: Readable;
  output?: Writable;
  /** Where errors of commands go. Default stderr. */
  errorOutput?: Writable;
  /** Prompt with `You > ` and echo; default: whether `input` is a terminal. */
  terminal?: boolean;
  /** Stops the chat after the line being handled (e.g. on SIGTERM). */
  signal?: AbortSignal;
  now?: () => number;
}

/** The console's own commands, for `/help`; any other `/word` is sent to the bot as text. */
export const CONSOLE_COMMANDS = '/state, /session, /reset, /payload <data>, /help, /exit';

/** What a command asks of the chat loop: to end it, or (nothing) to read the next line. */
type CommandResult = 'exit' | undefined;

/**
 * Chats with the bot in the terminal. Each line is a text event of the session `console:<user>`,
 * handled to the end (handler, commit, printed replies) before the next line is read, so piped
 * input gives the same output on every run. Lines starting with `/` are commands; `//` sends a
 * text starting with `/`. Resolves on `/exit`, end of input or `signal`; the caller closes the bot.
 */
export async function runConsoleChat(options: ConsoleChatOptions): Promise<void> {
  const input = options.input ?? process.stdin;
  const output = options.output ?? process.stdout;
  const errorOutput = options.errorOutput ?? process.stderr;
  const user = options.user ?? 'you';
  const terminal = options.terminal ?? Boolean((input as { isTTY?: boolean }).isTTY);
  const connector = new ConsoleConnector({ output });
  const sessionId = sessionIdOf(CONSOLE_PLATFORM, user);
  const print = (line: string) => output.write(`${line}\n`);

  const rl = createInterface({ input, output: terminal ? output : undefined, terminal, prompt: 'You > ' });
  // The input may end while a line is being handled; Node 24's readline then refuses prompt().
  let closed = false;
  rl.once('close', () => {
    closed = true;
  });
  const prompt = () => {
    if (terminal && !closed) rl.prompt();
  };
  const stop = () => rl.close();
  // Ctrl+C in a terminal arrives as a key press, not a signal: leave as /exit does.
  rl.on('SIGINT', stop);
  options.signal?.addEventListener('abort', stop, { once: true });
  if (options.signal?.aborted) stop();

  const send = async (raw: ConsoleRawEvent) => {
    try {
      await options.bot.handleEvent(connector, new ConsoleEvent(raw, user));
    } catch {
      // The runtime already logged the store failure with the session id; keep chatting.
    }
  };

  const commands: Record<string, (argument: string) => Promise<CommandResult>> = {
    exit: async () => 'exit',
    quit: async () => 'exit',
    help: async () => {
      print(`Commands: ${CONSOLE_COMMANDS}. Start a message with // to send text beginning with /.`);
      return undefined;
    },
    state: async () => {
      const record = await readSession(options, sessionId, errorOutput);
      if (record !== null) print(JSON.stringify(record?.state ?? options.initialState ?? {}));
      return undefined;
    },
    session: async () => {
      const record = await readSession(options, sessionId, errorOutput);
      if (record === null) return undefined;
      if (record === undefined) {
        print(`No session ${sessionId} yet: the first message starts it from initialState.`);
        return undefined;
      }
      const { id, platform, lastActivity, version } = record;
      const expiresAt = options.expiresIn ? new Date(lastActivity + options.expiresIn * 60_000).toISOString() : null;
      print(JSON.stringify({ id, platform, lastActivity: new Date(lastActivity).toISOString(), version, expiresAt }));
      return undefined;
    },
    reset: async () => {
      try {
        await options.bot.store.delete(sessionId);
      } catch (error) {
        errorOutput.write(`session ${sessionId} could not be reset: ${(error as Error)?.message ?? error}\n`);
        return undefined;
      }
      print(`Session ${sessionId} reset; the next message starts from initialState ${JSON.stringify(options.initialState ?? {})}.`);
      return undefined;
    },
    payload: async (argument) => {
      if (argument === '') print('Usage: /payload <data>');
      else await send({ payload: argument });
      return undefined;
    },
  };

  let byCommand = false;
  try {
    prompt();
    for await (const line of rl) {
      if (line.startsWith('/') && !line.startsWith('//')) {
        const [, name = '', argument = ''] = /^\/(\S*)\s*(.*)$/.exec(line.trim()) ?? [];
        const command = Object.hasOwn(commands, name) ? commands[name] : undefined;
        if (command === undefined) {
          // Not the console's: the bot's own command (a 1.x todo bot's `/list`), sent as text as 1.x did.
          await send({ message: { text: line } });
        } else if ((await command(argument)) === 'exit') {
          byCommand = true;
          break;
        }
      } else if (line.trim() !== '') {
        await send({ message: { text: line.startsWith('//') ? line.slice(1) : line } });
      }
      if (options.signal?.aborted) break;
      prompt();
    }
  } finally {
    rl.close();
    options.signal?.removeEventListener('abort', stop);
  }
  // Ctrl+C or Ctrl+D left the cursor after the prompt.
  if (terminal && !byCommand) output.write('\n');
}

/**
 * The session's record as the next event would see it: undefined when absent or expired, null
 * when the store failed (the error is printed).
 */
async function readSession(options: ConsoleChatOptions, id: string, errorOutput: Writable) {
  try {
    // The runtime's own rule (session/rules.ts), so /state shows what the next event will see.
    const record = await options.bot.store.read(id);
    return isLive(record, (options.now ?? Date.now)(), expiresInMs(options.expiresIn)) ? record : undefined;
  } catch (error) {
    errorOutput.write(`session ${id} could not be read: ${(error as Error)?.message ?? error}\n`);
    return null;
  }
}
