import { type ReceivedWebhook, WebhookError, type WebhookRequest } from 'bottender/connector';

import type { SlackEvent } from './event';
import { eventFromCommand, eventFromInteraction, eventsFromCallback, InputError, type RetryInfo } from './inputs';
import { verifySlackSignature } from './signature';

/**
 * Verifies and parses one Slack request, in the order that keeps bad input inert: the signature
 * and its timestamp are checked over the raw bytes before anything is parsed (401 otherwise),
 * then the body (400). Error answers are fixed texts, never parts of the input.
 *
 * One path serves every input:
 * - JSON: Events API callbacks, and the `url_verification` handshake (answered with its challenge);
 * - form-encoded with `payload`: interactivity (block actions, modals, shortcuts);
 * - form-encoded with `command`: slash commands (and their `ssl_check`, answered 200).
 */
export function parseSlackWebhook(request: WebhookRequest, signingSecret: string, nowMs: number): ReceivedWebhook<SlackEvent> {
  const text = verifySlackSignature(request, signingSecret, nowMs);
  const contentType = String(request.headers['content-type'] ?? '').toLowerCase();
  try {
    if (contentType.startsWith('application/x-www-form-urlencoded')) return parseForm(text, retryOf(request));
    return parseJson(text, retryOf(request));
  } catch (error) {
    if (error instanceof InputError) throw new WebhookError(400, error.message, { cause: error });
    throw error;
  }
}

function parseJson(text: string, retry: RetryInfo): ReceivedWebhook<SlackEvent> {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch (error) {
    throw new WebhookError(400, 'body is not valid JSON', { cause: error });
  }
  if (typeof body === 'object' && body !== null && (body as { type?: unknown }).type === 'url_verification') {
    const challenge = (body as { challenge?: unknown }).challenge;
    if (typeof challenge !== 'string' || challenge === '' || challenge.length > 1000) {
      throw new WebhookError(400, 'url_verification without a usable "challenge"');
    }
    return { events: [], response: { status: 200, body: { challenge } } };
  }
  return { events: eventsFromCallback(body, retry) };
}

function parseForm(text: string, retry: RetryInfo): ReceivedWebhook<SlackEvent> {
  const form = new URLSearchParams(text);
  const payload = form.get('payload');
  if (payload !== null) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(payload);
    } catch (error) {
      throw new WebhookError(400, 'the form field "payload" is not valid JSON', { cause: error });
    }
    return { events: [eventFromInteraction(parsed, retry)] };
  }
  if (form.get('ssl_check') === '1') return { events: [] };
  if (form.has('command')) {
    // Object.fromEntries gives own properties only: a field named __proto__ stays a plain key.
    return { events: [eventFromCommand(Object.fromEntries(form), retry)] };
  }
  throw new WebhookError(400, 'form body is neither an interactivity payload ("payload") nor a slash command ("command")');
}

function retryOf(request: WebhookRequest): RetryInfo {
  const num = request.headers['x-slack-retry-num'];
  const reason = request.headers['x-slack-retry-reason'];
  const retryNum = typeof num === 'string' && /^[0-9]{1,3}$/.test(num) ? Number(num) : undefined;
  return { retryNum, retryReason: typeof reason === 'string' && reason.length <= 64 ? reason : undefined };
}
