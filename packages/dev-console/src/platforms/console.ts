import { Writable } from 'node:stream';

import { type Bot, CONSOLE_PLATFORM, ConsoleConnector, ConsoleEvent, type ConsoleRawEvent } from 'bottender';

import type { DirectDelivery, DirectDevPlatform, InputSelection, PlatformDescription, SourceSelection } from './types';

const DESCRIPTION: PlatformDescription = {
  name: CONSOLE_PLATFORM,
  label: 'console',
  sources: [{ kind: 'user', label: 'user', named: false }],
  inputs: [
    { kind: 'text', label: 'text', fields: [{ name: 'text', label: 'text', placeholder: 'a message' }] },
    { kind: 'payload', label: 'payload (as /payload)', fields: [{ name: 'payload', label: 'payload', placeholder: 'GET_STARTED' }] },
  ],
  redelivery: false,
  signed: false,
  press: { kind: 'payload', field: 'payload' },
};

/**
 * The console platform of `bottender start --console`, for bots that enable no platform: each
 * input is a {@link ConsoleEvent} of the session `console:<user>`, handed to the same runtime
 * (`Bot.handleEvent`) console mode uses. Its replies are the `Bot > ` lines console mode prints,
 * collected per event.
 */
export class ConsoleDevPlatform implements DirectDevPlatform {
  readonly transport = 'direct';
  readonly description = DESCRIPTION;
  /** Describes the platform; each delivery builds its own connector to collect its own replies. */
  readonly connector = new ConsoleConnector({ output: new Writable({ write: (_chunk, _encoding, done) => done() }) });

  constructor(private readonly bot: Bot<any>) {}

  sessionIdOf(source: SourceSelection): string {
    return `${CONSOLE_PLATFORM}:${userOf(source)}`;
  }

  async deliver(source: SourceSelection, input: InputSelection): Promise<DirectDelivery> {
    const user = userOf(source);
    const raw: ConsoleRawEvent =
      input.kind === 'payload'
        ? { payload: required(input.values?.payload, 'a payload') }
        : input.kind === 'text'
          ? { message: { text: required(input.values?.text, 'text') } }
          : unknownInput(input.kind);
    const messages: unknown[] = [];
    let pending = '';
    const output = new Writable({
      write(chunk, _encoding, done) {
        pending += String(chunk);
        for (let end = pending.indexOf('\n'); end !== -1; end = pending.indexOf('\n')) {
          const line = pending.slice(0, end);
          pending = pending.slice(end + 1);
          messages.push({ type: 'text', text: line.startsWith('Bot > ') ? line.slice('Bot > '.length) : line });
        }
        done();
      },
    });
    const outcome = await this.bot.handleEvent(new ConsoleConnector({ output }), new ConsoleEvent(raw, user));
    // Writable callbacks run synchronously for these writes; let any last one settle.
    await new Promise((resolve) => setImmediate(resolve));
    return { sessionId: `${CONSOLE_PLATFORM}:${user}`, outcome: String(outcome), messages };
  }
}

function userOf(source: SourceSelection): string {
  const user = source.user?.trim();
  if (!user || !/^[^\s\p{C}]{1,64}$/u.test(user)) throw new RangeError('a console user is 1 to 64 characters without spaces');
  return user;
}

function required(value: string | undefined, what: string): string {
  if (!value) throw new RangeError(`needs ${what}`);
  return value;
}

function unknownInput(kind: string): never {
  throw new RangeError(`the console platform has no input kind ${JSON.stringify(kind)}: use text or payload`);
}
