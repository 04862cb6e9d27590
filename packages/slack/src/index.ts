/**
 * `@bottender/slack`: Slack for Bottender (TypeScript): the Events API, interactivity, slash
 * commands and Socket Mode. Enable it with `channels.slack` in `bottender.config.ts`; see
 * docs/platforms/slack.md.
 */
export { SlackConnector, SLACK_ANSWER_DEADLINE_MS, createConnector } from './connector';
export { SlackContext, MAX_TEXT_LENGTH } from './context';
export type {
  SlackChatMethods,
  SlackMessage,
  SlackMessageOptions,
  SlackResponse,
  SlackViewMethods,
} from './context';
export type { OneXNamed } from './one-x';
export { SlackEvent } from './event';
export type { SlackEventOrigin, SlackMessageKind } from './event';
export type {
  SlackDataOf,
  SlackEventCallback,
  SlackEventsApiEvent,
  SlackEventType,
  SlackInputKind,
  SlackInteraction,
  SlackRawEvent,
  SlackRawEventMap,
  SlackSlashCommand,
} from './raw-types';
export { DEFAULT_SLACK_ORIGIN, SLACK_OPTION_KEYS, resolveSlackOptions } from './options';
export type { ResolvedSlackOptions, SlackChannelOptions, SlackSessionScope } from './options';
export { SlackApiError, SlackNetworkError } from './api-error';
export { MAX_CLOCK_SKEW_SECONDS } from './signature';
