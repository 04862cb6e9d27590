/**
 * `bottender/connector`: what authors of platform connectors build on. Bot authors need none of
 * this; see docs/connectors.md for the contract and a worked example.
 */
export { Context, discardContext, flushContext } from '../context/context';
export type { BotEvent, ContextInit, SessionInfo } from '../context/context';
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
export type { AnyState } from '../session/types';
export { answerMarginMs, EventTimeoutError } from '../runtime/pipeline';
export { transportOf } from '../project/lifecycle';
export { statusOf } from '../http/webhook-answer';
export { consoleLogger, silentLogger } from '../runtime/logger';
export type { Logger } from '../runtime/logger';
