/**
 * `bottender/connector`: what authors of platform connectors build on. Bot authors need none of
 * this; see docs/connectors.md for the contract and a worked example.
 */
export { Context, discardContext, flushContext } from '../context/context';
export type { BotEvent, ContextInit, SessionInfo, SessionParties, SessionParty } from '../context/context';
/** Bottender 1.x's camelCase names next to a platform payload's own (`rawEvent`, client answers). */
export { addCamelCaseAliases, oneXCamelCase } from '../one-x/camel-case-aliases';
export { ACKNOWLEDGED_OUTCOMES, AnswerTooLateError, WebhookError } from './types';
export type {
  AnswerSlot,
  Connector,
  ConnectorTransports,
  Delivery,
  DispatchOptions,
  EventDispatcher,
  EventOutcomeKind,
  ReceivedWebhook,
  TransportKind,
  WebhookRequest,
  WebhookResponse,
} from './types';
/** Error wording and key suggestions every connector shares. */
export { article, closestKey, describeValue, didYouMean, unknownKeyMessage, unknownKeys } from '../errors';
export type { DescribeValueOptions } from '../errors';
/** The checks of `channels.<platform>` options every connector makes, with one wording. */
export { apiOriginOption, booleanOption, describeOption, requireSecretOption } from './option-checks';
/** DEBUG=bottender:<name> namespaces for platform clients. */
export { debugLog } from '../runtime/log';
export type { DebugLog } from '../runtime/log';
export type { AnyState } from '../session/types';
/** The runtime's side of the contract: deadlines, bounds, transports, outcomes as HTTP statuses. */
export { answerMarginMs, EventTimeoutError } from '../runtime/pipeline';
export { transportOf } from '../project/lifecycle';
export { statusOf } from '../http/webhook-answer';
export { consoleLogger, silentLogger } from '../runtime/logger';
export type { Logger } from '../runtime/logger';
