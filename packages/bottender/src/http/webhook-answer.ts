/**
 * Webhooks in HTTP terms: a request becomes events (the connector), events become outcomes (the
 * runtime), and outcomes become one answer here. `200` only when every event of the request may
 * be acknowledged (docs/promises.md, promise 2); `503` when one must be redelivered; `500` for a
 * bug. The handler's answer body (an {@link AnswerSlot} value) replaces the default body.
 */
import {
  ACKNOWLEDGED_OUTCOMES,
  type Connector,
  type Delivery,
  type EventOutcomeKind,
  type WebhookRequest,
  type WebhookResponse,
  WebhookError,
} from '../connector/types';
import type { BotDispatcher } from '../runtime/bot';
import type { Logger } from '../runtime/logger';

const OK: WebhookResponse = { status: 200, body: {} };

/** The HTTP status of an outcome. */
export function statusOf(outcome: EventOutcomeKind): number {
  if (ACKNOWLEDGED_OUTCOMES.has(outcome)) return 200;
  return outcome === 'failed' ? 500 : 503;
}

/** Outcomes a webhook answers with an error; the type makes a new refusal need its message here. */
type RefusedOutcome = Exclude<EventOutcomeKind, 'handled' | 'handler-error' | 'duplicate' | 'no-session' | 'deferred'>;

const REFUSALS: Record<RefusedOutcome, string> = {
  'store-unavailable': 'session store unavailable, retry later',
  'lease-lost': 'session taken over by another server, retry later',
  'timed-out': 'event not handled in time, retry later',
  'earlier-refused': 'an earlier event of the session was not handled, retry later',
  failed: 'internal error',
};

/** The answer to a request whose events came to `deliveries`; `base` is the connector's answer. */
export function answerFor(deliveries: readonly Delivery[], base: WebhookResponse = OK): WebhookResponse {
  let refused: EventOutcomeKind | undefined;
  let answer: unknown;
  for (const delivery of deliveries) {
    if (!ACKNOWLEDGED_OUTCOMES.has(delivery.outcome)) {
      // A bug (500) says more than a refusal to retry (503).
      if (refused === undefined || delivery.outcome === 'failed') refused = delivery.outcome;
    } else if (answer === undefined && delivery.answer !== undefined) {
      answer = delivery.answer;
    }
  }
  if (refused !== undefined) return { status: statusOf(refused), body: { error: REFUSALS[refused as RefusedOutcome] } };
  return answer === undefined ? base : { ...base, body: answer };
}

/**
 * Verifies and parses `request` with `connector`, hands its events to `dispatcher`, and answers.
 * `receivedAt` (epoch ms) is when the request arrived: a deadline counts from there.
 */
export async function answerWebhook(
  dispatcher: BotDispatcher,
  connector: Connector<any, any>,
  request: WebhookRequest,
  logger: Logger,
  receivedAt?: number,
  /** Sees the events and what became of them (the per-webhook log line); absent, nothing is kept. */
  observe?: (events: readonly unknown[], deliveries: readonly Delivery[]) => void,
): Promise<WebhookResponse> {
  let received;
  try {
    received = await connector.receive(request);
  } catch (error) {
    if (error instanceof WebhookError) return { status: error.status, body: { error: error.publicMessage } };
    logger.error(`${connector.platform} webhook could not be read`, error);
    return { status: 500, body: { error: 'internal error' } };
  }
  const events = received.events;
  if (events.length === 0) return received.response ?? OK;
  const options = receivedAt === undefined ? undefined : { receivedAt };
  // Most webhooks carry one event: skip the bookkeeping of many.
  const deliveries = events.length === 1 ? [await dispatcher.deliver(events[0], options)] : await dispatcher.dispatch(events, options);
  observe?.(events, deliveries);
  return answerFor(deliveries, received.response);
}
