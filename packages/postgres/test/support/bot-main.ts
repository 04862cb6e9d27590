import { createStore } from '../../src';
import { startCounterBot } from '../../../../test-support/store-drivers/counter-bot';

/**
 * One bot process of the multi-process tests, sharing its sessions through PostgreSQL (the bot and
 * its stdout reports: test-support/store-drivers/counter-bot.ts). Configured by BOT_DATABASE_URL,
 * BOT_SCHEMA, BOT_TABLE, BOT_APP_NAME and BOT_LEASE_MS.
 */
export async function start(): Promise<void> {
  const env = process.env;
  const store = createStore({
    connectionString: env.BOT_DATABASE_URL,
    schema: env.BOT_SCHEMA,
    table: env.BOT_TABLE,
    application_name: env.BOT_APP_NAME,
    max: 4,
    lockLeaseMs: env.BOT_LEASE_MS ? Number(env.BOT_LEASE_MS) : undefined,
    lockRetryMs: 5,
    commandTimeoutMs: 3_000,
    connectTimeoutMs: 2_000,
  });
  await startCounterBot(store);
}
