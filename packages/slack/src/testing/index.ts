/**
 * `@bottender/slack/testing`: test a Slack bot end to end from your own project, the way this
 * package tests itself. {@link FakeSlackApi} is a Slack Web API on 127.0.0.1 that records what it
 * received (point `channels.slack.origin` at `api.origin`); {@link signedSlackRequest} makes a
 * request Slack would send. See docs/testing.md.
 */
export { FakeSlackApi, startFakeSlackApi, type PostedMessage, type RecordedCall } from './fake-slack-api';
export { signedSlackRequest, signSlackBody, slackRequestBody, slackWebhookRequest, type SlackRequestKind } from './signature';
