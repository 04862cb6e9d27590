import { validateSignature } from '@line/bot-sdk';
import { WebhookError, type WebhookRequest } from 'bottender/connector';

import { LineEvent, type LineRawEvent } from './event';

/**
 * Reply tokens of the Developers console's old "Verify" request, which sends dummy events with
 * these tokens: LINE rejects replies to them, and they belong to no real user.
 */
const VERIFY_REPLY_TOKENS = new Set(['00000000000000000000000000000000', 'ffffffffffffffffffffffffffffffff']);

/**
 * Verifies and parses one LINE webhook request, in the order that keeps bad input inert:
 * the signature is checked over the raw bytes before anything is parsed (401 otherwise), then
 * the JSON (400), then the shape (400). Error answers are fixed texts, never parts of the input.
 *
 * Events of a verification request (no events, or the dummy reply tokens) are left out, so the
 * console's "Verify" gets 200 without the handler running.
 */
export function parseLineWebhook(request: WebhookRequest, channelSecret: string): LineEvent[] {
  const signature = request.headers['x-line-signature'];
  if (typeof signature !== 'string' || signature === '') {
    throw new WebhookError(401, 'missing X-Line-Signature header');
  }
  if (!validateSignature(request.rawBody, channelSecret, signature)) {
    throw new WebhookError(401, 'invalid signature');
  }
  let body: unknown;
  try {
    body = JSON.parse(request.rawBody.toString('utf8'));
  } catch (error) {
    throw new WebhookError(400, 'body is not valid JSON', { cause: error });
  }
  if (!isObject(body) || typeof body.destination !== 'string' || !Array.isArray(body.events)) {
    throw new WebhookError(400, 'body is not a LINE webhook: expected {"destination": string, "events": [...]}');
  }
  const { destination, events: rawEvents } = body as { destination: string; events: unknown[] };
  const events: LineEvent[] = [];
  for (const raw of rawEvents) {
    if (!isObject(raw) || typeof raw.type !== 'string') {
      throw new WebhookError(400, 'body is not a LINE webhook: every event must be an object with a string "type"');
    }
    if (typeof raw.replyToken === 'string' && VERIFY_REPLY_TOKENS.has(raw.replyToken)) continue;
    events.push(new LineEvent(raw as unknown as LineRawEvent, destination));
  }
  return events;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
