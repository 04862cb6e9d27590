/** Test helpers: a minimal connector and the store conformance suite. */
export { TestConnector, TestContext, TestEvent } from './test-connector';
export type { TestRawEvent, TestReply } from './test-connector';
export {
  HOSTILE_SESSION_IDS,
  describeSessionStoreConformance,
  runSessionStoreConformance,
  sessionStoreConformanceChecks,
  type ConformanceCheck,
  type ConformanceOptions,
  type ConformanceResult,
} from './conformance';
