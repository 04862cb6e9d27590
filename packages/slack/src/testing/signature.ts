import { createHmac } from 'node:crypto';

import type { WebhookRequest } from 'bottender/connector';

/**
 * `X-Slack-Signature` as Slack computes it: `v0=` + hex HMAC-SHA256 of `v0:<timestamp>:<raw body>`
 * under the signing secret. For tests that post requests to a bot as Slack would.
 */
export function signSlackBody(rawBody: string | Buffer, timestampSeconds: number | string, signingSecret: string): string {
  return `v0=${createHmac('sha256', signingSecret).update(`v0:${timestampSeconds}:`).update(rawBody).digest('hex')}`;
}

/** The kinds of body Slack posts: an Events API callback (JSON), an interactivity payload, a slash command (forms). */
export type SlackRequestKind = 'event' | 'interaction' | 'command';

/** The raw body of one Slack request: `payload=<JSON>` for interactivity, the fields for a command. */
export function slackRequestBody(kind: SlackRequestKind, input: object): string {
  if (kind === 'event') return JSON.stringify(input);
  if (kind === 'interaction') return new URLSearchParams({ payload: JSON.stringify(input) }).toString();
  return new URLSearchParams(input as Record<string, string>).toString();
}

/**
 * What Slack would send for `input` (a callback, a payload, or a command's fields): the raw body
 * and its headers, signed with `signingSecret` at `timestampSeconds` (default now). POST it with
 * any HTTP client (`fetch(url, { method: 'POST', ...signedSlackRequest(...) })`).
 */
export function signedSlackRequest(
  kind: SlackRequestKind,
  input: object,
  signingSecret: string,
  options: { timestampSeconds?: number } = {},
): { body: string; headers: Record<string, string> } {
  const body = slackRequestBody(kind, input);
  const timestamp = options.timestampSeconds ?? Math.floor(Date.now() / 1000);
  return {
    body,
    headers: {
      'content-type': kind === 'event' ? 'application/json' : 'application/x-www-form-urlencoded',
      'x-slack-request-timestamp': String(timestamp),
      'x-slack-signature': signSlackBody(body, timestamp, signingSecret),
    },
  };
}

/** The same request as a `WebhookRequest`, for `connector.receive()` without a server. */
export function slackWebhookRequest(
  kind: SlackRequestKind,
  input: object,
  signingSecret: string,
  options: { timestampSeconds?: number; path?: string } = {},
): WebhookRequest {
  const { body, headers } = signedSlackRequest(kind, input, signingSecret, options);
  return { method: 'POST', path: options.path ?? '/webhooks/slack', query: new URLSearchParams(), headers, rawBody: Buffer.from(body) };
}
