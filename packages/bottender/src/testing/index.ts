/** Test helpers: minimal connectors (webhook and polling), and the store and connector conformance kits. */
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
export { PollingTestConnector } from './polling-connector';
export {
  HOSTILE_WEBHOOK_BODIES,
  connectorConformanceChecks,
  describeConnectorConformance,
  type ConnectorConformanceCheck,
  type ConnectorConformanceOptions,
  type ConnectorSample,
} from './connector-conformance';
