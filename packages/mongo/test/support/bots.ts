import { join } from 'node:path';

import { type BotProcess, spawnBotProcess } from '../../../../test-support/store-drivers/bot-processes';

export { type Answer, type BotProcess, postEvents, type Run, stopAll } from '../../../../test-support/store-drivers/bot-processes';

/** How a bot process of the multi-process tests reaches MongoDB, and its timings. */
export interface BotSettings {
  mongoUrl: string;
  dbName: string;
  connectTimeoutMs?: number;
  lockLeaseMs?: number;
  lockTimeoutMs?: number;
  handlerDelayMs?: number;
}

/** Starts a bot process sharing sessions through MongoDB (see bot-main.ts) and resolves once it listens. */
export function spawnBot(settings: BotSettings): Promise<BotProcess> {
  return spawnBotProcess(join(__dirname, 'bot-main.ts'), {
    BOT_MONGO_URL: settings.mongoUrl,
    BOT_DB_NAME: settings.dbName,
    BOT_CONNECT_TIMEOUT_MS: String(settings.connectTimeoutMs ?? ''),
    BOT_LEASE_MS: String(settings.lockLeaseMs ?? 10_000),
    BOT_LOCK_TIMEOUT_MS: String(settings.lockTimeoutMs ?? 10_000),
    BOT_HANDLER_DELAY_MS: String(settings.handlerDelayMs ?? 0),
  });
}
