import { createStore } from '../../src';
import { startCounterBot } from '../../../../test-support/store-drivers/counter-bot';

/**
 * One bot process of the multi-process tests, sharing its sessions through Redis (the bot and its
 * stdout reports: test-support/store-drivers/counter-bot.ts). Configured by BOT_REDIS_URL, or
 * BOT_REDIS_NODES (a cluster's startup nodes, JSON), BOT_KEY_PREFIX and BOT_LEASE_MS.
 */
export async function start(): Promise<void> {
  const env = process.env;
  const nodes = env.BOT_REDIS_NODES ? (JSON.parse(env.BOT_REDIS_NODES) as { host: string; port: number }[]) : undefined;
  const store = createStore({
    url: nodes ? undefined : env.BOT_REDIS_URL,
    nodes,
    keyPrefix: env.BOT_KEY_PREFIX,
    lockLeaseMs: env.BOT_LEASE_MS ? Number(env.BOT_LEASE_MS) : undefined,
    lockRetryMs: 5,
  });
  await startCounterBot(store);
}
