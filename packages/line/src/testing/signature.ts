import { createHmac } from 'node:crypto';

import type { WebhookRequest } from 'bottender/connector';

/**
 * `X-Line-Signature` as LINE computes it: base64 of the HMAC-SHA256 of the raw body, keyed by the
 * channel secret. For tests that post webhooks to a bot as LINE would.
 */
export function signLineBody(rawBody: string | Buffer, channelSecret: string): string {
  return createHmac('sha256', channelSecret).update(rawBody).digest('base64');
}

/** A LINE webhook body: `{ destination, events }`, as LINE posts it. */
export function lineWebhookBody(events: readonly object[], destination = 'U00000000000000000000000000000000'): string {
  return JSON.stringify({ destination, events });
}

/**
 * What LINE would send for `events`: the raw body and its headers, signed with `channelSecret`.
 * POST it with any HTTP client (`fetch(url, { method: 'POST', ...signedLineRequest(...) })`).
 */
export function signedLineRequest(
  events: readonly object[],
  channelSecret: string,
  options: { destination?: string } = {},
): { body: string; headers: Record<string, string> } {
  const body = lineWebhookBody(events, options.destination);
  return { body, headers: { 'content-type': 'application/json', 'x-line-signature': signLineBody(body, channelSecret) } };
}

/** The same request as a `WebhookRequest`, for `connector.receive()` without a server. */
export function lineWebhookRequest(
  events: readonly object[],
  channelSecret: string,
  options: { destination?: string; path?: string } = {},
): WebhookRequest {
  const { body, headers } = signedLineRequest(events, channelSecret, options);
  return { method: 'POST', path: options.path ?? '/webhooks/line', query: new URLSearchParams(), headers, rawBody: Buffer.from(body) };
}
