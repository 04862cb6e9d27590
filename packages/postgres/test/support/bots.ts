import { join } from 'node:path';

import { type BotProcess, spawnBotProcess } from '../../../../test-support/store-drivers/bot-processes';

export { type Answer, type BotProcess, postEvents, type Run, stopAll } from '../../../../test-support/store-drivers/bot-processes';

/** How a bot process of the multi-process tests reaches PostgreSQL, and its timings. */
export interface BotSettings {
  databaseUrl: string;
  schema: string;
  table: string;
  /** The application_name of the bot's connections, so a test can find and kill them. */
  applicationName: string;
  lockLeaseMs?: number;
  lockTimeoutMs?: number;
  handlerDelayMs?: number;
  /** The test platform's answer deadline (as Slack's 3 s), to make events deferred and held. */
  answerDeadlineMs?: number;
  /** Treat text `hang` as an ordinary event (a restarted process handling a held `hang` event). */
  noHang?: boolean;
}

/** Starts a bot process sharing sessions through PostgreSQL (see bot-main.ts) and resolves once it listens. */
export function spawnBot(settings: BotSettings): Promise<BotProcess> {
  return spawnBotProcess(join(__dirname, 'bot-main.ts'), {
    BOT_DATABASE_URL: settings.databaseUrl,
    BOT_SCHEMA: settings.schema,
    BOT_TABLE: settings.table,
    BOT_APP_NAME: settings.applicationName,
    BOT_LEASE_MS: String(settings.lockLeaseMs ?? 10_000),
    BOT_LOCK_TIMEOUT_MS: String(settings.lockTimeoutMs ?? 10_000),
    BOT_HANDLER_DELAY_MS: String(settings.handlerDelayMs ?? 0),
    BOT_DEADLINE_MS: String(settings.answerDeadlineMs ?? ''),
    BOT_NO_HANG: settings.noHang ? '1' : '',
  });
}
