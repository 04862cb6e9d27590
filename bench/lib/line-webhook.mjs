// LINE webhook bodies as the platform sends them: one text message event per request.
import { createHash, createHmac } from 'node:crypto';

/** A LINE-shaped user id ("U" + 32 hex digits), distinct for each (tag, index). */
export function lineUserId(tag, index) {
  return `U${createHash('md5').update(`${tag}:${index}`).digest('hex')}`;
}

/**
 * The reply token carries the user id, so the fake API can tell whose count a reply announces
 * without a lookup table. Real tokens are opaque; every target treats this one as opaque too.
 */
export function replyTokenFor(userId, seq) {
  return `${userId}.${seq}`;
}

/** The user id a reply token was made for (see {@link replyTokenFor}). */
export function userOfReplyToken(token) {
  const dot = typeof token === 'string' ? token.indexOf('.') : -1;
  return dot === -1 ? undefined : token.slice(0, dot);
}

/** A webhook body with one text message event, unique webhookEventId and reply token. */
export function messageWebhookBody({ tag, userId, seq, timestamp }) {
  const id = `${tag}${seq}`;
  return JSON.stringify({
    destination: 'Ubench000000000000000000000000000',
    events: [
      {
        type: 'message',
        mode: 'active',
        timestamp,
        source: { type: 'user', userId },
        webhookEventId: `01BENCH${id.toUpperCase().padStart(19, '0')}`,
        deliveryContext: { isRedelivery: false },
        replyToken: replyTokenFor(userId, seq),
        message: { id: String(100000000 + seq), type: 'text', quoteToken: `q${id}`, text: 'hi' },
      },
    ],
  });
}

/** The x-line-signature header: base64 HMAC-SHA256 of the body under the channel secret. */
export function lineSignature(body, channelSecret) {
  return createHmac('sha256', channelSecret).update(body).digest('base64');
}
