import { LineApiError } from './api-error';
import type { LineEvent } from './event';
import { type LineMessage, MAX_MESSAGES_PER_CALL, type ReplyClient } from './reply-client';

/**
 * The messages one handler run sends, collected while it runs and sent when the runtime flushes
 * the context: after the state is saved (or after the error hook, when the handler threw).
 *
 * Two queues, sent in this order: replies, then pushes.
 *
 * Replies (`reply*`, and `send*` with the default `sendMethod`): LINE gives each event one reply
 * token, good for one call of at most 5 messages, so every reply goes out in that one call. What
 * a reply cannot carry is either pushed to the conversation (with `pushFallback`) or refused with
 * an error that says why:
 *
 * - a 6th message: refused at once, inside the handler, so the author sees the error where the
 *   message was sent (the 5 queued still go out); with pushFallback, the first 5 are replied and
 *   the rest pushed in calls of 5, in order.
 * - no reply token (unfollow, leave, standby mode, ...): refused at once; with pushFallback,
 *   everything is pushed.
 * - a token LINE refuses (expired or used): known only when sending, after the commit, so the
 *   error goes to the runtime's log; with pushFallback, everything is pushed instead.
 *
 * Pushes (`push*`, and `send*` with `sendMethod: 'push'`) go to the conversation (the user, group
 * or room) in calls of 5, after the reply and after any replies that fell back to pushes, so the
 * conversation shows the messages in the order they were queued within each queue. The first
 * call that fails stops the rest, so a later message never arrives without an earlier one; the
 * error says what was not sent.
 */
export class Outbox {
  #replies: LineMessage[] = [];
  #pushes: LineMessage[] = [];

  constructor(
    private readonly event: LineEvent,
    private readonly client: ReplyClient,
    private readonly pushFallback: boolean,
  ) {}

  /** The event type for messages, quoted: it comes from the network (invariant 9). */
  get #type(): string {
    return JSON.stringify(this.event.type);
  }

  /** Messages waiting to be sent. */
  get size(): number {
    return this.#replies.length + this.#pushes.length;
  }

  /** Drops every queued message (the handler threw: its messages must not go out). */
  clear(): void {
    this.#replies = [];
    this.#pushes = [];
  }

  /** Queues messages for the reply; throws when they cannot be sent (see the class comment). */
  addReply(method: string, messages: readonly LineMessage[]): void {
    const token = this.event.replyToken;
    if (!this.pushFallback) {
      if (token === null) {
        throw new Error(
          `context.${method}() cannot answer this LINE ${this.#type} event: it has no reply token ` +
            `(${this.event.isStandby ? 'the channel is in standby mode' : 'LINE gives none to this event type'}). ` +
            'Enable channels.line.pushFallback to push to the conversation instead',
        );
      }
      if (this.#replies.length + messages.length > MAX_MESSAGES_PER_CALL) {
        throw new Error(
          `context.${method}() would queue more than ${MAX_MESSAGES_PER_CALL} messages for one LINE reply ` +
            `(${this.#replies.length} already queued): send fewer or combine them, or enable ` +
            'channels.line.pushFallback to push the rest',
        );
      }
    } else if (
      this.event.conversationId === undefined &&
      (token === null || this.#replies.length + messages.length > MAX_MESSAGES_PER_CALL)
    ) {
      throw new Error(
        `context.${method}() cannot send this: the LINE ${this.#type} event has ` +
          `${token === null ? 'no reply token' : `room for ${MAX_MESSAGES_PER_CALL} messages in its reply`} ` +
          'and no user, group or room to push to',
      );
    }
    for (const message of messages) this.#replies.push(message);
  }

  /** Queues messages to push to the conversation; throws when the event names none. */
  addPush(method: string, messages: readonly LineMessage[]): void {
    if (this.event.conversationId === undefined) {
      throw new Error(
        `context.${method}() cannot push: this LINE ${this.#type} event has no user, group or room to push to`,
      );
    }
    for (const message of messages) this.#pushes.push(message);
  }

  /** Sends what was queued: one reply, then pushes (what the reply could not carry first). */
  async flush(): Promise<void> {
    const replies = this.#replies;
    const pushes = this.#pushes;
    this.clear();
    const messages = pushes.length === 0 ? replies : [...replies, ...pushes];
    if (messages.length === 0) return;
    const token = this.event.replyToken;
    let pushFrom = 0;
    if (replies.length > 0 && token !== null) {
      const first = replies.length <= MAX_MESSAGES_PER_CALL ? replies : replies.slice(0, MAX_MESSAGES_PER_CALL);
      try {
        await this.client.reply(token, first);
        pushFrom = first.length;
      } catch (error) {
        if (!(error instanceof LineApiError && error.isInvalidReplyToken)) throw withPushesUnsent(error, pushes.length);
        if (!this.pushFallback) {
          throw new Error(
            `LINE refused the reply token of this LINE ${this.#type} event (expired or already used); ` +
              `${messages.length} message(s) not sent. Reply sooner, or enable channels.line.pushFallback ` +
              'to push them instead',
            { cause: error },
          );
        }
      }
    }
    if (pushFrom < messages.length) await this.#push(messages, pushFrom);
  }

  async #push(messages: LineMessage[], from: number): Promise<void> {
    const to = this.event.conversationId;
    if (to === undefined) {
      // addReply() refuses what would need a push without a target; only an expired token gets here.
      throw new Error(
        `LINE refused the reply token of this LINE ${this.#type} event and it has no user, group or room ` +
          `to push to; ${messages.length - from} message(s) not sent`,
      );
    }
    for (let start = from; start < messages.length; start += MAX_MESSAGES_PER_CALL) {
      try {
        await this.client.push(to, messages.slice(start, start + MAX_MESSAGES_PER_CALL));
      } catch (error) {
        throw new Error(
          `pushing LINE messages ${start + 1}-${messages.length} of ${messages.length} failed ` +
            `(${from} sent by reply, ${start - from} pushed before): ${(error as Error).message}`,
          { cause: error },
        );
      }
    }
  }
}

/**
 * A failed reply stops the pushes queued after it (they would arrive without it); the error says
 * so. LINE's own error is kept as it is when nothing else was queued.
 */
function withPushesUnsent(error: unknown, pushes: number): unknown {
  if (pushes === 0) return error;
  return new Error(`${(error as Error)?.message ?? String(error)}\n  (so the ${pushes} queued push message(s) were not sent)`, {
    cause: error,
  });
}
