/**
 * Bottender (TypeScript): what bot authors use. The runtime, sessions and state, the memory and
 * file drivers, configuration, the HTTP server and console mode.
 *
 * Authors of connectors import from `bottender/connector`, of session drivers from
 * `bottender/store`, and test helpers come from `bottender/testing`; the runtime's internals
 * (its queues, the context's flush symbols, the state cell) are exported from none of them.
 */
export { Context } from './context/context';
export type { BotEvent, ContextInit, SessionInfo, SessionParties, SessionParty } from './context/context';
export type { BotContext, PlatformContexts } from './context/platforms';
export { AnswerTooLateError, WebhookError } from './connector/types';
export type {
  Connector,
  Delivery,
  EventDispatcher,
  EventOutcomeKind,
  ReceivedWebhook,
  WebhookRequest,
  WebhookResponse,
} from './connector/types';
export {
  LeaseLostError,
  SessionBusyError,
  SessionStoreError,
  VersionConflictError,
} from './session/types';
export type {
  AnyState,
  BeginOptions,
  JsonValue,
  SessionRecord,
  SessionStore,
  SessionTransaction,
  WriteOptions,
} from './session/types';
export { DEFAULT_EVENT_ID_WINDOW, checkRecord, parseRecord, platformOf, serializeRecord } from './session/record';
export { Bot, DEFAULT_HANDLER_TIMEOUT_MS, DEFAULT_LOCK_TIMEOUT_MS } from './runtime/bot';
export type { BotOptions, EventOutcome } from './runtime/bot';
export { EarlierRefusalError, EventTimeoutError } from './runtime/pipeline';
export type { EventReport } from './runtime/pipeline';
export { runAction } from './runtime/action';
export type { Action, ActionProps } from './runtime/action';
export { consoleLogger, silentLogger } from './runtime/logger';
export type { Logger } from './runtime/logger';
export { payload, route, router, text } from './router/router';
export type { Pattern, Route, RoutePredicate } from './router/router';
export { MemorySessionStore } from './stores/memory';
export type { MemoryStoreOptions } from './stores/memory';
export { FileSessionStore } from './stores/file';
export type { FileStoreOptions, SweepResult } from './stores/file';
export { adaptLegacyStore, isLegacySessionStore } from './stores/legacy-store';
export type { LegacySessionStore, LegacyStoreOptions } from './stores/legacy-store';
export { createRequestHandler } from './http/request-handler';
export type { Channel, RequestHandlerOptions, RequestListener } from './http/request-handler';
export { serve } from './http/server';
export type { RunningServer, ServeOptions } from './http/server';
export { DEFAULT_BODY_LIMIT, readRawBody } from './http/read-body';
export { defineConfig } from './config/define-config';
export type {
  BottenderConfig,
  BuiltInDriver,
  ChannelConfig,
  FileDriverOptions,
  SessionConfig,
  SessionStoresConfig,
} from './config/types';
export { BUILT_IN_DRIVERS, ConfigError, validateConfig } from './config/schema';
export { CONFIG_FILE_NAMES, findConfigFile, loadConfig, loadEnv } from './config/load-config';
export type { LoadedConfig } from './config/load-config';
export { loadApp, ModuleLoadError } from './config/load-app';
export type { LoadedApp } from './config/load-app';
export { createStore } from './config/create-store';
export { createChannels, defaultChannelPath } from './config/create-channels';
export { createBottender } from './project/create-bottender';
export type { BottenderApp, CreateBottenderOptions } from './project/create-bottender';
export { bottender } from './project/legacy-server';
export { startBot } from './project/lifecycle';
export type { LifecycleOptions, RunningBot } from './project/lifecycle';
export type { LegacyBottenderServer } from './project/legacy-server';
export { CONSOLE_PLATFORM, ConsoleConnector, ConsoleContext, ConsoleEvent } from './console/connector';
export type { ConsoleRawEvent } from './console/connector';
export { CONSOLE_COMMANDS, runConsoleChat } from './console/chat';
export type { ConsoleChatOptions } from './console/chat';
export { article, closestKey, describeValue, didYouMean, unknownKeyMessage, unknownKeys } from './errors';
export type { DescribeValueOptions } from './errors';
export { DRIVER_PACKAGES, PLATFORMS, channelPackage } from './config/drivers';
export type { Platform } from './config/drivers';
export { LOG_LEVELS, debugLog, formatWebhookLine, leveledLogger } from './runtime/log';
export type { DebugLog, LogLevel, WebhookLogEntry } from './runtime/log';
// Bottender 1.x's API (docs/migrating-from-1x.md).
export { chain, withProps } from './one-x/actions';
export { getClient } from './one-x/get-client';
export { LINE_NOTIFY_ENDED, LineNotify } from './one-x/line-notify';
export type { LineContext, LineEvent, SlackContext, SlackEvent, TelegramContext, TelegramEvent } from './one-x/platform-types';
