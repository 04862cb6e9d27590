import { type AnyState, Context, type ContextInit, discardContext, flushContext, type SessionParties } from 'bottender/connector';

import { requireString } from './checks';
import type { ChatClient } from './chat-client';
import type { LineEvent } from './event';
import {
  installMessageMethods,
  type MessageFamily,
  type MessageMethods,
  type MessageQueue,
  queueMessage,
} from './message-methods';
import { type LineTextOptions, messageKinds, messageList } from './messages';
import type { LineSendMethod } from './options';
import { Outbox } from './outbox';
import type { LineUserProfile, ProfileClient } from './profile-client';
import type { LineMessage, ReplyClient } from './reply-client';

export { MAX_TEXT_LENGTH } from './messages';
export type { LineMessageOptions, LineTextOptions } from './messages';

/** Everything a {@link LineContext} needs from its connector. */
export interface LineContextServices {
  replies: ReplyClient;
  profiles: ProfileClient;
  chats: ChatClient;
  pushFallback: boolean;
  sendMethod: LineSendMethod;
}

/** A call queued to run after the messages, e.g. `leave()`. */
interface AfterMessages {
  method: string;
  run: () => Promise<void>;
}

/**
 * The generated message methods (`replyText`, `pushSticker`, `sendCarouselTemplate`, ...; see
 * {@link installMessageMethods}), declared here so TypeScript knows them on every LineContext.
 * `sendText` is the class's own, as the core's Context requires it.
 */
export interface LineContext<State extends AnyState = AnyState>
  extends MessageMethods<'reply'>,
    MessageMethods<'push'>,
    Omit<MessageMethods<'send'>, 'sendText'> {}

/**
 * The handler's context for LINE events, with the methods of Bottender 1.x's LineContext.
 *
 * Sending methods queue; the runtime sends the queue once the event's state is saved (or, when
 * the handler threw, once the error hook ran), so a message never announces state that was not
 * saved. `reply*` messages go out as one reply call (see {@link Outbox} for what happens past 5
 * messages or without a usable reply token), `push*` messages as pushes after it, and `send*`
 * as `channels.line.sendMethod` says (reply by default). Content is checked when it is queued, so
 * a message LINE would refuse fails inside the handler, where the author sees it.
 */
export class LineContext<State extends AnyState = AnyState> extends Context<State, LineEvent> implements MessageQueue {
  /** Always `'line'`: narrows a multi-platform bot's `BotContext` to this class. */
  declare readonly platform: 'line';
  readonly #outbox: Outbox;
  readonly #profiles: ProfileClient;
  readonly #chats: ChatClient;
  readonly #sendMethod: LineSendMethod;
  #afterMessages: AfterMessages[] = [];

  constructor(init: ContextInit<State, LineEvent>, services: LineContextServices) {
    super(init);
    this.#outbox = new Outbox(init.event, services.replies, services.pushFallback);
    this.#profiles = services.profiles;
    this.#chats = services.chats;
    this.#sendMethod = services.sendMethod;
  }

  /**
   * 1.x's `session.user` (the sender, when LINE names one), `session.group` or `session.room` (the
   * chat the event came from), read from the event's source.
   */
  protected override sessionParties(): SessionParties {
    const source = this.event.rawEvent.source as { type?: unknown; userId?: unknown; groupId?: unknown; roomId?: unknown } | undefined;
    return {
      user: idOf(source?.userId),
      group: source?.type === 'group' ? idOf(source.groupId) : undefined,
      room: source?.type === 'room' ? idOf(source.roomId) : undefined,
    };
  }

  /** Sends a text message (at most 5000 characters): a reply, or a push with `sendMethod: 'push'`. */
  async sendText(text: string, options?: LineTextOptions | null): Promise<void> {
    this.#queue('send', 'sendText', [messageKinds.Text('sendText', text, options)]);
  }

  /**
   * Sends message objects of the Messaging API as they are (one or an array), like the other
   * `send*` methods; the way to send kinds without a method of their own.
   */
  async send(messages: LineMessage | readonly LineMessage[]): Promise<void> {
    this.#queue('send', 'send', messageList('send', messages));
  }

  /** Adds message objects (one or an array) to the event's one reply, as 1.x's `reply(messages)`. */
  async reply(messages: LineMessage | readonly LineMessage[]): Promise<void> {
    this.#queue('reply', 'reply', messageList('reply', messages));
  }

  /** Pushes message objects (one or an array) to the conversation after the reply, as 1.x's `push(messages)`. */
  async push(messages: LineMessage | readonly LineMessage[]): Promise<void> {
    this.#queue('push', 'push', messageList('push', messages));
  }

  /** @internal where the generated `reply*`, `push*` and `send*` methods queue their message. */
  [queueMessage](family: MessageFamily, method: string, message: LineMessage): void {
    this.#queue(family, method, [message]);
  }

  #queue(family: MessageFamily, method: string, messages: readonly LineMessage[]): void {
    const via = family === 'send' ? this.#sendMethod : family;
    if (via === 'push') this.#outbox.addPush(method, messages);
    else this.#outbox.addReply(method, messages);
  }

  /**
   * The profile of the user behind the event (display name, picture, ...), asked of LINE now.
   * Null when LINE did not say who the user is (a group member who did not consent, or an event
   * without a user). Throws {@link LineApiError} when LINE refuses, e.g. 404 for a user who
   * blocked the bot.
   */
  getUserProfile(): Promise<LineUserProfile | null> {
    return this.#profiles.profileOf(this.event.source ?? undefined);
  }

  /**
   * The profile of another member of this group or room, asked of LINE now (members need not be
   * the bot's friends). Null in a one-to-one chat, as in 1.x; LINE answers 404 for a user who is
   * not a member.
   */
  async getMemberProfile(userId: string): Promise<LineUserProfile | null> {
    requireString(userId, 'getMemberProfile', 'the userId');
    return this.#profiles.memberProfileOf(this.event.source ?? undefined, userId);
  }

  /** How many members this group or room has, asked of LINE now; 1 in a one-to-one chat. */
  getMembersCount(): Promise<number | null> {
    return this.#chats.memberCount(this.event.source ?? undefined);
  }

  /**
   * Makes the bot leave this group or room, after the queued messages are sent (so a goodbye
   * still reaches the group); not at all if the handler throws. Throws in a one-to-one chat,
   * where there is nothing to leave.
   */
  async leave(): Promise<void> {
    const source = this.event.source;
    if (source?.type !== 'group' && source?.type !== 'room') {
      throw new Error(
        `context.leave() only works in a group or room; this LINE ${JSON.stringify(this.event.type)} event ` +
          `came from ${source?.type === 'user' ? 'a one-to-one chat' : 'no group or room'}`,
      );
    }
    this.#after('leave', () => this.#chats.leave(source));
  }

  /** The id of the rich menu linked to the event's user (`{ richMenuId }`), or null if none is. */
  async getLinkedRichMenu(): Promise<{ richMenuId: string } | null> {
    const userId = this.event.userId;
    return userId === undefined ? null : this.#chats.richMenuOf(userId);
  }

  /** Links a rich menu to the event's user, after the queued messages are sent. */
  async linkRichMenu(richMenuId: string): Promise<void> {
    requireString(richMenuId, 'linkRichMenu', 'the richMenuId');
    const userId = this.#requireUser('linkRichMenu');
    this.#after('linkRichMenu', () => this.#chats.linkRichMenu(userId, richMenuId));
  }

  /** Unlinks the event's user's rich menu, after the queued messages are sent. */
  async unlinkRichMenu(): Promise<void> {
    const userId = this.#requireUser('unlinkRichMenu');
    this.#after('unlinkRichMenu', () => this.#chats.unlinkRichMenu(userId));
  }

  /**
   * Issues an account-link token for the event's user now (`{ linkToken }`): the handler needs it
   * to build the link it sends, so this one cannot wait for the commit.
   */
  issueLinkToken(): Promise<{ linkToken: string }> {
    return this.#chats.issueLinkToken(this.#requireUser('issueLinkToken'));
  }

  #requireUser(method: string): string {
    const userId = this.event.userId;
    if (userId === undefined) {
      const type = JSON.stringify(this.event.type);
      throw new Error(`context.${method}() needs the event's user, and this LINE ${type} event names none`);
    }
    return userId;
  }

  /** Queues a call that changes something on LINE, run after the messages (see flush). */
  #after(method: string, run: () => Promise<void>): void {
    this.#afterMessages.push({ method, run });
  }

  /** @internal drops everything queued; the runtime calls it when the handler throws. */
  override [discardContext](): void {
    this.#outbox.clear();
    this.#afterMessages = [];
  }

  /**
   * @internal sends the queued messages, then runs the queued calls (leave, rich menu); the
   * runtime calls it after the commit. The calls run even when a message failed: they carry out
   * what the saved state says. Every failure is reported.
   */
  override async [flushContext](): Promise<void> {
    const after = this.#afterMessages;
    this.#afterMessages = [];
    const failures: unknown[] = [];
    await this.#outbox.flush().catch((error: unknown) => failures.push(error));
    for (const { method, run } of after) {
      await run().catch((error: unknown) => {
        const message = `context.${method}() failed after the commit: ${(error as Error)?.message}`;
        failures.push(new Error(message, { cause: error }));
      });
    }
    if (failures.length === 1) throw failures[0];
    if (failures.length > 1) {
      const messages = failures.map((failure) => (failure as Error)?.message).join(' | ');
      throw new AggregateError(failures, `${failures.length} LINE calls failed after the commit: ${messages}`);
    }
  }
}

installMessageMethods(LineContext);

function idOf(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

// The augmented module must be part of the program for the build to find it: this import does that.
import type {} from 'bottender';

declare module 'bottender' {
  /** `context.platform === 'line'` narrows a `BotContext` to {@link LineContext}. */
  interface PlatformContexts<State extends AnyState = AnyState> {
    line: LineContext<State>;
  }
}
