/**
 * `@bottender/line/testing`: test a LINE bot end to end from your own project, the way this
 * package tests itself. {@link FakeLineApi} is a Messaging API on 127.0.0.1 (point
 * `channels.line.origin` at `api.origin`); {@link signedLineRequest} makes a webhook LINE would
 * send. See docs/testing.md.
 */
export {
  AUTH_FAILED,
  FakeLineApi,
  INVALID_REPLY_TOKEN,
  NOT_FOUND,
  startFakeLineApi,
  type Delivery,
  type FakeProfile,
  type RecordedRequest,
} from './fake-line-api';
export { lineWebhookBody, lineWebhookRequest, signedLineRequest, signLineBody } from './signature';
