import { createStore } from '../../src';
import { startCounterBot } from '../../../../test-support/store-drivers/counter-bot';

/**
 * One bot process of the multi-process tests, sharing its sessions through MongoDB (the bot and
 * its stdout reports: test-support/store-drivers/counter-bot.ts). Configured by BOT_MONGO_URL,
 * BOT_DB_NAME, BOT_LEASE_MS and BOT_CONNECT_TIMEOUT_MS.
 */
export async function start(): Promise<void> {
  const env = process.env;
  const store = createStore({
    url: env.BOT_MONGO_URL,
    dbName: env.BOT_DB_NAME,
    lockLeaseMs: env.BOT_LEASE_MS ? Number(env.BOT_LEASE_MS) : undefined,
    lockRetryMs: 5,
    connectTimeoutMs: env.BOT_CONNECT_TIMEOUT_MS ? Number(env.BOT_CONNECT_TIMEOUT_MS) : undefined,
  });
  await startCounterBot(store);
}
