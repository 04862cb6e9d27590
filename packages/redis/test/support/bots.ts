import { join } from 'node:path';

import { type BotProcess, spawnBotProcess } from '../../../../test-support/store-drivers/bot-processes';

export { type Answer, type BotProcess, postEvents, type Run, stopAll } from '../../../../test-support/store-drivers/bot-processes';

/** How a bot process of the multi-process tests reaches Redis, and its timings. */
export interface BotSettings {
  redisUrl: string;
  /** Startup nodes of a Redis Cluster, instead of `redisUrl`. */
  clusterNodes?: { host: string; port: number }[];
  keyPrefix: string;
  lockLeaseMs?: number;
  lockTimeoutMs?: number;
  handlerDelayMs?: number;
  /** How long the handler takes for text `slow`. */
  slowMs?: number;
}

/** Starts a bot process sharing sessions through Redis (see bot-main.ts) and resolves once it listens. */
export function spawnBot(settings: BotSettings): Promise<BotProcess> {
  return spawnBotProcess(join(__dirname, 'bot-main.ts'), {
    BOT_REDIS_URL: settings.redisUrl,
    BOT_REDIS_NODES: settings.clusterNodes ? JSON.stringify(settings.clusterNodes) : '',
    BOT_KEY_PREFIX: settings.keyPrefix,
    BOT_LEASE_MS: String(settings.lockLeaseMs ?? 10_000),
    BOT_LOCK_TIMEOUT_MS: String(settings.lockTimeoutMs ?? 10_000),
    BOT_HANDLER_DELAY_MS: String(settings.handlerDelayMs ?? 0),
    BOT_SLOW_MS: String(settings.slowMs ?? 1_000),
  });
}
