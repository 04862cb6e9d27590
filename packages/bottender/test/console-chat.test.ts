import { PassThrough } from 'node:stream';

import {
  type Action,
  Bot,
  type Context,
  ConsoleConnector,
  ConsoleEvent,
  MemorySessionStore,
  runConsoleChat,
  silentLogger,
} from 'bottender';

type Counter = Context<{ count: number }>;

const counter: Action<Counter> = async (context) => {
  const count = context.state.count + 1;
  context.setState({ count });
  await context.sendText(`Count: ${count}`);
};

function makeBot(app: Action<any> = counter, extra: { expiresIn?: number; now?: () => number } = {}) {
  return new Bot({ app, store: new MemorySessionStore(), initialState: { count: 0 }, logger: silentLogger, ...extra });
}

/** Runs a chat over `lines` (piped, not a terminal) and returns what it printed. */
async function chat(lines: string, options: Partial<Parameters<typeof runConsoleChat>[0]> = {}) {
  const input = new PassThrough();
  const output = new PassThrough();
  const errorOutput = new PassThrough();
  let printed = '';
  let errors = '';
  output.setEncoding('utf8').on('data', (chunk: string) => (printed += chunk));
  errorOutput.setEncoding('utf8').on('data', (chunk: string) => (errors += chunk));
  input.end(lines);
  const bot = options.bot ?? makeBot();
  await runConsoleChat({ initialState: { count: 0 }, ...options, bot, input, output, errorOutput, terminal: false });
  return { printed, errors, bot };
}

describe('runConsoleChat', () => {
  it('handles each line to the end before reading the next: replies come in order, after the commit', async () => {
    const slowFirst: Action<Counter> = async (context) => {
      // Without one-at-a-time handling, the second line would answer before the first.
      if (context.state.count === 0) await new Promise((resolve) => setTimeout(resolve, 50));
      await counter(context, {});
    };
    const { printed } = await chat('hi\nhi\n/state\n/exit\n', { bot: makeBot(slowFirst) });
    expect(printed).toBe('Bot > Count: 1\nBot > Count: 2\n{"count":2}\n');
  });

  it('keeps the session console:<user> in the store, one per user', async () => {
    const bot = makeBot();
    await chat('hi\nhi\n', { bot, user: 'alice' });
    const { printed } = await chat('hi\n/state\n', { bot, user: 'bob' });
    expect(printed).toBe('Bot > Count: 1\n{"count":1}\n');
    expect((await bot.store.read('console:alice'))?.state).toEqual({ count: 2 });
    expect((await bot.store.read('console:bob'))?.state).toEqual({ count: 1 });
  });

  it("names the console user as 1.x's session.user, next to the session's id", async () => {
    const greet: Action<Counter> = async (context) => {
      await context.sendText(`${context.session?.id} ${context.session?.user?.id}`);
    };
    const { printed } = await chat('hi\n', { bot: makeBot(greet), user: 'alice' });
    expect(printed).toBe('Bot > console:alice alice\n');
  });

  it('/state shows initialState before the first message', async () => {
    expect((await chat('/state\n')).printed).toBe('{"count":0}\n');
  });

  it('/state shows an expired session as the next event will see it: initialState', async () => {
    let now = 1_000_000;
    const bot = makeBot(counter, { expiresIn: 1, now: () => now });
    await chat('hi\nhi\n', { bot });
    expect((await chat('/state\n', { bot, expiresIn: 1, now: () => now })).printed).toBe('{"count":2}\n');
    now += 60_000;
    expect((await chat('/state\n', { bot, expiresIn: 1, now: () => now })).printed).toBe('{"count":0}\n');
  });

  it('/session shows the record, or that there is none yet', async () => {
    const bot = makeBot();
    expect((await chat('/session\n', { bot })).printed).toBe(
      'No session console:you yet: the first message starts it from initialState.\n',
    );
    const { printed } = await chat('hi\n/session\n', { bot });
    const [, line] = printed.split('\n');
    const session = JSON.parse(line);
    expect(session).toEqual({ id: 'console:you', platform: 'console', lastActivity: expect.any(String), version: 1, expiresAt: null });
    expect(Number.isNaN(Date.parse(session.lastActivity))).toBe(false);
  });

  it('/session shows when the session expires, with expiresIn', async () => {
    const now = Date.UTC(2026, 0, 1, 12, 0, 0);
    const bot = makeBot(counter, { expiresIn: 30, now: () => now });
    const { printed } = await chat('hi\n/session\n', { bot, expiresIn: 30, now: () => now });
    expect(JSON.parse(printed.split('\n')[1])).toMatchObject({
      lastActivity: '2026-01-01T12:00:00.000Z',
      expiresAt: '2026-01-01T12:30:00.000Z',
    });
  });

  it('/reset puts the session back to initialState', async () => {
    const bot = makeBot();
    const { printed } = await chat('hi\nhi\n/reset\n/state\nhi\n', { bot });
    expect(printed).toBe(
      'Bot > Count: 1\nBot > Count: 2\n' +
        'Session console:you reset; the next message starts from initialState {"count":0}.\n' +
        '{"count":0}\nBot > Count: 1\n',
    );
  });

  it('/help lists the commands and the chat goes on', async () => {
    const { printed } = await chat('/help\nhi\n/help\nhi\n');
    expect(printed.split('\n').filter((line) => line.startsWith('Bot >'))).toEqual(['Bot > Count: 1', 'Bot > Count: 2']);
  });

  it('stops at /exit without reading further lines', async () => {
    const { printed, bot } = await chat('hi\n/exit\nhi\nhi\n');
    expect(printed).toBe('Bot > Count: 1\n');
    expect((await bot.store.read('console:you'))?.state).toEqual({ count: 1 });
  });

  it('stops at the end of input', async () => {
    expect((await chat('hi')).printed).toBe('Bot > Count: 1\n');
  });

  it('sends a slash command that is not the console\'s to the bot as text (as 1.x did), and ignores blank lines', async () => {
    const { printed } = await chat('/nope\n\n   \n/help\n');
    expect(printed.split('\n')).toEqual([
      'Bot > Count: 1',
      'Commands: /state, /session, /reset, /payload <data>, /help, /exit. Start a message with // to send text beginning with /.',
      '',
    ]);
  });

  it("runs a 1.x todo bot's own /list and /clear commands; the console keeps only its own", async () => {
    const todo: Action<Context<{ todos: string[] }>> = async (context) => {
      const text = context.event.text ?? '';
      const todos = context.state.todos ?? [];
      if (text === '/list') await context.sendText(todos.length ? todos.join(', ') : 'nothing to do');
      else if (text === '/clear') context.setState({ todos: [] });
      else context.setState({ todos: [...todos, text] });
    };
    const { printed } = await chat('buy milk\nwalk dog\n/list\n/clear\n/list\n/state\n', { bot: makeBot(todo as Action<any>) });
    expect(printed.split('\n')).toEqual(['Bot > buy milk, walk dog', 'Bot > nothing to do', '{"count":0,"todos":[]}', '']);
  });

  it('sends /payload as a payload event and // as text starting with /', async () => {
    const seen: string[] = [];
    const echo: Action<Context> = async (context) => {
      const { isText, text, isPayload, payload } = context.event;
      seen.push(JSON.stringify({ isText, text, isPayload, payload }));
    };
    const { printed } = await chat('/payload BUY_1\n/payload\n//start\n', { bot: makeBot(echo) });
    expect(printed).toBe('Usage: /payload <data>\n');
    expect(seen).toEqual([
      '{"isText":false,"isPayload":true,"payload":"BUY_1"}',
      '{"isText":true,"text":"/start","isPayload":false}',
    ]);
  });

  it('keeps chatting after a handler throws, with the state unchanged', async () => {
    const flaky: Action<Counter> = async (context) => {
      if (context.event.text === 'boom') throw new Error('boom');
      await counter(context, {});
    };
    const { printed } = await chat('hi\nboom\nhi\n/state\n', { bot: makeBot(flaky) });
    expect(printed).toBe('Bot > Count: 1\nBot > Count: 2\n{"count":2}\n');
  });

  it('reports a store that cannot be read on /state, and keeps chatting', async () => {
    const bot = makeBot();
    bot.store.read = async () => {
      throw new Error('disk on fire');
    };
    const { printed, errors } = await chat('/state\n/help\n', { bot });
    expect(errors).toBe('session console:you could not be read: disk on fire\n');
    expect(printed).toMatch(/^Commands:/);
  });

  it('stops after the current line when its signal aborts', async () => {
    const abort = new AbortController();
    const stopper: Action<Counter> = async (context) => {
      await counter(context, {});
      abort.abort();
    };
    const { printed } = await chat('hi\nhi\nhi\n', { bot: makeBot(stopper), signal: abort.signal });
    expect(printed).toBe('Bot > Count: 1\n');
  });

  it('prompts with "You > " on a terminal', async () => {
    const input = new PassThrough();
    const output = new PassThrough();
    let printed = '';
    output.setEncoding('utf8').on('data', (chunk: string) => (printed += chunk));
    input.end('hi\n/exit\n');
    await runConsoleChat({ bot: makeBot(), input, output, terminal: true });
    expect(printed).toContain('You > ');
    expect(printed).toContain('Bot > Count: 1\n');
  });

  it('on a terminal, /help does not end the chat, and input that ends mid-line ends it cleanly', async () => {
    const input = new PassThrough();
    const output = new PassThrough();
    let printed = '';
    output.setEncoding('utf8').on('data', (chunk: string) => (printed += chunk));
    input.end('/help\nhi\n');
    await runConsoleChat({ bot: makeBot(), input, output, terminal: true });
    expect(printed).toContain('Commands: ');
    expect(printed).toContain('Bot > Count: 1\n');
  });
});

describe('ConsoleConnector', () => {
  it('keys sessions by console user and has no webhook', () => {
    const connector = new ConsoleConnector({ output: new PassThrough() });
    expect(connector.platform).toBe('console');
    expect(connector.sessionKey(new ConsoleEvent({ message: { text: 'hi' } }, 'alice'))).toBe('alice');
    expect(() => connector.receive()).toThrow('console mode has no webhook');
  });
});
