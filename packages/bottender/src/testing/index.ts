/** Test helpers: a minimal connector and the store conformance suite. */
export { TestConnector, TestContext, TestEvent } from './test-connector';
export type { TestRawEvent, TestReply } from './test-connector';
