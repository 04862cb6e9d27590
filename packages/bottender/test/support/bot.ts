import { Bot, type BotOptions, type Logger, MemorySessionStore, serve, type SessionStore } from '../../src';
import { TestConnector } from '../../src/testing';
import { createClient } from './http';

/** A logger that keeps what it was told, for asserting on failure reports. */
export function recordingLogger(): Logger & { lines: string[] } {
  const lines: string[] = [];
  return {
    lines,
    info: (m) => lines.push(`info ${m}`),
    warn: (m) => lines.push(`warn ${m}`),
    error: (m, e) => lines.push(`error ${m}${e instanceof Error ? `: ${e.message}` : ''}`),
  };
}

/** The counter handler of examples/counter, counting its own calls. */
export function counterApp() {
  const calls = { count: 0 };
  const app = async (context: any) => {
    calls.count++;
    const count = context.state.count + 1;
    context.setState({ count });
    await context.sendText(`Count: ${count}`);
  };
  return { app, calls };
}

/** Starts a bot on a free port behind the JSON test platform at /webhooks/test. */
export async function startTestBot(options: Partial<BotOptions> & { store?: SessionStore; connector?: TestConnector } = {}) {
  const { connector = new TestConnector(), ...botOptions } = options;
  const { app, calls } = counterApp();
  const logger = recordingLogger();
  const bot = new Bot({
    app,
    initialState: { count: 0 },
    ...botOptions,
    store: options.store ?? new MemorySessionStore({ maxSize: 10_000 }),
    logger,
  });
  const server = await serve({ bot, channels: [{ path: '/webhooks/test', connector }], port: 0, host: '127.0.0.1' });
  const client = createClient(server.port);
  return {
    bot,
    connector,
    calls,
    logger,
    server,
    client,
    /** Posts events to the test platform's webhook. */
    send: (events: object[]) => client.post('/webhooks/test', { events }),
    async stop() {
      client.close();
      await server.close();
    },
  };
}
