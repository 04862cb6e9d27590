/**
 * `bottender/store`: what authors of session drivers build on. See docs/concepts.md ("Custom
 * stores") for the contract and `bottender/testing` for the conformance suite.
 */
export { LeaseLostError, SessionBusyError, SessionStoreError, VersionConflictError } from '../session/types';
export type {
  AnyState,
  BeginOptions,
  HeldEvent,
  HeldEventStore,
  JsonValue,
  SessionRecord,
  SessionStore,
  SessionTransaction,
  WriteOptions,
} from '../session/types';
export { DEFAULT_EVENT_ID_WINDOW, checkRecord, parseRecord, platformOf, serializeRecord } from '../session/record';
/** Bottender 1.x's stored session object, read the same way by every driver that carries it over. */
export { oneXSessionRecord, readOneXSession } from '../session/one-x-session';
export type { OneXSessionParts } from '../session/one-x-session';
/** Error wording and key suggestions every driver shares. */
export { article, closestKey, describeValue, didYouMean, unknownKeyMessage, unknownKeys } from '../errors';
export type { DescribeValueOptions } from '../errors';
/** DEBUG=bottender:<name> namespaces for store clients. */
export { debugLog } from '../runtime/log';
export type { DebugLog } from '../runtime/log';
/** The session rules (id, liveness, next record) and helpers drivers share. */
export { appendBounded, isLive, nextRecord, sessionIdOf } from '../session/rules';
export { isHeldEventStore } from '../runtime/held';
export { KeyedQueue } from '../runtime/keyed-queue';
export { consoleLogger, silentLogger } from '../runtime/logger';
export type { Logger } from '../runtime/logger';
/** Fast refusal and quiet reporting while a store (or a part of it) is down. */
export { StoreHealth, StoreUnavailableError } from '../runtime/store-health';
export type { StoreHealthOptions } from '../runtime/store-health';
/** Operating sessions from outside a conversation (the `bottender session` commands use these). */
export {
  deleteSession,
  exportSessions,
  getSession,
  ImportFileError,
  importSessions,
  listSessions,
  parseImportLine,
  patchSessionState,
  setSessionState,
  updateSession,
} from './operations';
export type { ImportOptions, ImportResult, ListOptions, OperationOptions, RecordChange } from './operations';
/** State migrations, for code and `bottender session migrate`. */
export { migrateSessions } from './migrate';
export type { MigrateOptions, MigrateReport } from './migrate';
export { MigrationError, migrateRecord, migrationPlan, stateVersionOf } from '../runtime/migrations';
export type { MigrationPlan, StateMigration, StateMigrations } from '../runtime/migrations';
