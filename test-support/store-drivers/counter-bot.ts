import { Bot, type Context, serve, type SessionStore } from 'bottender';

import { TestConnector } from '../../packages/bottender/src/testing/test-connector';

/**
 * The bot of one bot process of the drivers' multi-process tests: a counter bot on the test
 * platform, served on a free port of 127.0.0.1, sharing its sessions through `store`. Reports on
 * stdout, one line each: `READY <port>`, `RAN <json>` after every handler run (see `Run` in
 * bot-processes.ts), `HANG <session>`, `SLOW <session> <event>`. SIGTERM closes the server
 * gracefully and exits 0.
 *
 * Handler: `count` + 1; text `track` also appends the event id to `ids`; text `hang` never
 * returns (the process holds the session until it is killed) unless BOT_NO_HANG is set; text
 * `slow` reports `SLOW` and then takes BOT_SLOW_MS (default 1 s) before it counts and tracks.
 * Other variables: BOT_LOCK_TIMEOUT_MS (default 10 s), BOT_HANDLER_DELAY_MS (every event),
 * BOT_DEADLINE_MS (the test platform's answer deadline, to make events deferred and held).
 */
export async function startCounterBot(store: SessionStore): Promise<void> {
  const env = process.env;
  const delayMs = Number(env.BOT_HANDLER_DELAY_MS ?? 0);
  const bot = new Bot({
    store,
    lockTimeoutMs: Number(env.BOT_LOCK_TIMEOUT_MS ?? 10_000),
    app: async (context: Context) => {
      const t0 = now();
      const { id, text } = context.event.rawEvent as { id?: string; text?: string };
      if (text === 'hang' && !env.BOT_NO_HANG) {
        process.stdout.write(`HANG ${JSON.stringify(context.session?.id)}\n`);
        await new Promise(() => {});
      }
      if (text === 'slow') {
        // Tells the test the handler holds the session now; a test may freeze the process here.
        process.stdout.write(`SLOW ${JSON.stringify(context.session?.id)} ${JSON.stringify(id)}\n`);
        await new Promise((resolve) => setTimeout(resolve, Number(env.BOT_SLOW_MS ?? 1_000)));
      }
      if (delayMs > 0) await new Promise((resolve) => setTimeout(resolve, delayMs));
      const count = (context.state.count ?? 0) + 1;
      context.setState(text === 'track' || text === 'slow' ? { count, ids: [...(context.state.ids ?? []), id] } : { count });
      const line = { pid: process.pid, session: context.session?.id, event: id, text, count, t0, t1: now() };
      process.stdout.write(`RAN ${JSON.stringify(line)}\n`);
    },
  });
  const connector = new TestConnector({ answerDeadlineMs: env.BOT_DEADLINE_MS ? Number(env.BOT_DEADLINE_MS) : undefined });
  const server = await serve({ bot, channels: [{ path: '/webhooks/test', connector }], port: 0, host: '127.0.0.1' });
  process.once('SIGTERM', () => {
    void server.close().then(() => process.exit(0));
  });
  process.stdout.write(`READY ${server.port}\n`);
}

/**
 * Sub-millisecond time, comparable across the bot processes of one machine: the system's monotonic
 * clock (CLOCK_MONOTONIC on Linux), which every process reads alike. Not `performance.timeOrigin +
 * performance.now()`: each process estimates its timeOrigin against the wall clock at start, and
 * two estimates differ by enough to make back-to-back runs in two processes look overlapping.
 */
function now(): number {
  return Number(process.hrtime.bigint()) / 1e6;
}
