/**
 * `@bottender/telegram`: the Telegram Bot API for Bottender (TypeScript). Enable it with
 * `channels.telegram` in `bottender.config.ts`; see docs/platforms/telegram.md.
 */
export { TelegramConnector, createConnector } from './connector';
export type { TelegramConnectorExtras } from './connector';
export { TelegramContext, MAX_TEXT_LENGTH } from './context';
export type { TelegramContextServices, TelegramTextOptions } from './context';
export type { TelegramTarget } from './internal';
export type { SendMethods } from './send-methods';
export type { ChatMethods } from './chat-methods';
export { OneXTelegramClient } from './one-x-client';
export { TelegramEvent } from './event';
export type { TelegramCommand } from './event';
export { chatIdOf, isKnownUpdateType, updateTypeOf } from './update';
export type { PayloadOf, TelegramUpdate, TelegramUpdateType, UpdateOf } from './update';
export { DEFAULT_POLLING_TIMEOUT, DEFAULT_TELEGRAM_ORIGIN, resolveTelegramOptions, TELEGRAM_OPTION_KEYS } from './options';
export type { ResolvedTelegramOptions, TelegramChannelOptions } from './options';
export { TelegramApiError, TelegramNetworkError } from './api-error';
export type { TelegramErrorParameters } from './api-error';
export { TelegramClient, MAX_ATTEMPTS, MAX_RETRY_AFTER_MS } from './api-client';
export type { ApiMethod, ParamsOf, ResultOf } from './api-client';
export { SECRET_TOKEN_HEADER } from './webhook';
export { cli, TELEGRAM_USAGE } from './cli';
export type { TelegramCliIO } from './cli';
