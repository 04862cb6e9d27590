import { Bot, type Context, serve } from 'bottender';

import { createStore } from '../../src';
import { TestConnector } from '../../../bottender/src/testing/test-connector';

/**
 * One bot process of the multi-process tests: a counter bot on the test platform, served on a
 * free port, sharing its sessions through Redis. Configured by environment variables; reports on
 * stdout, one line each: `READY <port>`, `RAN <json>` after every handler run, `HANG <session>`.
 *
 * Handler: `count` + 1; text `track` also appends the event id to `ids`; text `hang` never
 * returns (the process holds the session's lock until it is killed); text `slow` reports
 * `SLOW <session> <event>` and then takes BOT_SLOW_MS (default 1 s) before it counts.
 */
export async function start(): Promise<void> {
  const env = process.env;
  const delayMs = Number(env.BOT_HANDLER_DELAY_MS ?? 0);
  const nodes = env.BOT_REDIS_NODES ? (JSON.parse(env.BOT_REDIS_NODES) as { host: string; port: number }[]) : undefined;
  const store = createStore({
    url: nodes ? undefined : env.BOT_REDIS_URL,
    nodes,
    keyPrefix: env.BOT_KEY_PREFIX,
    lockLeaseMs: env.BOT_LEASE_MS ? Number(env.BOT_LEASE_MS) : undefined,
    lockRetryMs: 5,
  });
  const bot = new Bot({
    store,
    lockTimeoutMs: Number(env.BOT_LOCK_TIMEOUT_MS ?? 10_000),
    app: async (context: Context) => {
      const t0 = now();
      const { id, text } = context.event.rawEvent as { id?: string; text?: string };
      if (text === 'hang') {
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
      const line = { pid: process.pid, session: context.session?.id, event: id, count, t0, t1: now() };
      process.stdout.write(`RAN ${JSON.stringify(line)}\n`);
    },
  });
  const connector = new TestConnector();
  const server = await serve({ bot, channels: [{ path: '/webhooks/test', connector }], port: 0, host: '127.0.0.1' });
  process.once('SIGTERM', () => {
    void server.close().then(() => process.exit(0));
  });
  process.stdout.write(`READY ${server.port}\n`);
}

/** Sub-millisecond wall-clock time, comparable across the bot processes of one machine. */
function now(): number {
  return performance.timeOrigin + performance.now();
}
