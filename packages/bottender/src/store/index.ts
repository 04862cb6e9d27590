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
/** Error wording and key suggestions every driver shares. */
export { article, closestKey, describeValue, didYouMean, unknownKeyMessage, unknownKeys } from '../errors';
export type { DescribeValueOptions } from '../errors';
/** DEBUG=bottender:<name> namespaces for store clients. */
export { debugLog } from '../runtime/log';
export type { DebugLog } from '../runtime/log';
