import { addCamelCaseAliases, Context, type ContextInit, discardContext, flushContext, type SessionParties } from 'bottender/connector';
import type { AnyState } from 'bottender/store';
import type {
  Api,
  ChatFullInfo,
  ChatMember,
  ForwardMessageParams,
  InputPollOption,
  Message,
  SendMessageParams,
  SendPollParams,
  UserProfilePhotos,
} from 'node-telegram-bot-api';

import type { ApiMethod, ParamsOf, TelegramClient } from './api-client';
import { type AnswerEditMethods, installAnswerEditMethods } from './answer-edit-methods';
import { installChatMethods, type ChatMethods } from './chat-methods';
import { checkText, requireChatId, requireId, requireString } from './checks';
import type { TelegramEvent } from './event';
import { type CallQueue, chatTarget, clientOf, queueCall, type TelegramTarget } from './internal';
import { opts } from './options-arg';
import { OneXTelegramClient } from './one-x-client';
import { callFollowingUpgrade, Outbox } from './outbox';
import { installSendMethods, SEND_SPECS, type SendMethods } from './send-methods';
import { partiesOf } from './session-parties';

export { MAX_TEXT_LENGTH } from './checks';

/** The options of `sendText()` and `replyText()`: `sendMessage`'s parameters but the chat and text. */
export type TelegramTextOptions = Omit<SendMessageParams, 'chat_id' | 'text'>;

/** Everything a {@link TelegramContext} needs from its connector. */
export interface TelegramContextServices {
  client: TelegramClient;
  /** The 1.x-shaped client `context.client` returns; one is made on `client` when absent. */
  oneXClient?: OneXTelegramClient;
}

/**
 * The generated and installed methods (`sendPhoto`, `banChatMember`, `answerCallbackQuery`,
 * `editMessageText`, ...; see {@link installSendMethods}, {@link installChatMethods} and
 * {@link installAnswerEditMethods}), declared here so TypeScript knows them on every context.
 */
export interface TelegramContext<State extends AnyState = AnyState> extends SendMethods, ChatMethods, AnswerEditMethods {}

/**
 * The handler's context for Telegram updates, with the methods of Bottender 1.x's TelegramContext.
 *
 * Methods that send or change something (messages, edits, answers to queries, group changes)
 * queue a Bot API call; the runtime makes the calls, in order, once the event's state is saved
 * (or, when the handler threw, once the error hook ran), so a message never announces state that
 * was not saved. Arguments are checked when queued, so a mistake fails inside the handler. Methods
 * that read (`getChat`, `getChatMember`, ...) and `sendChatAction` call Telegram at once.
 *
 * Messages go to the update's chat (see `event.chatId`), into the same forum topic when the
 * update came from one, and through the same business connection for business messages.
 */
export class TelegramContext<State extends AnyState = AnyState> extends Context<State, TelegramEvent> implements CallQueue {
  readonly #client: TelegramClient;
  #oneXClient: OneXTelegramClient | undefined;
  readonly #outbox: Outbox;
  #target: TelegramTarget | null | undefined;

  constructor(init: ContextInit<State, TelegramEvent>, services: TelegramContextServices) {
    super(init);
    this.#client = services.client;
    this.#oneXClient = services.oneXClient;
    this.#outbox = new Outbox(services.client);
  }

  /**
   * The SDK's Bot API client (node-telegram-bot-api's `Api`), for methods without a context
   * method. Its calls are made at once, not after the commit.
   */
  get api(): Api {
    return this.#client.api;
  }

  /**
   * Bottender 1.x's `context.client`: messaging-api-telegram's method names and positional
   * arguments (`context.client.sendMessage(chatId, text, options)`), camelCase options and answers
   * with 1.x's camelCase names; see {@link OneXTelegramClient}. Its calls are made at once, not
   * after the commit, so a message sent through it is not tied to the event's state: use the
   * context's own methods for replies.
   */
  get client(): OneXTelegramClient {
    return (this.#oneXClient ??= new OneXTelegramClient(this.#client));
  }

  /**
   * Bottender 1.x's `session.user`, `session.group` and `session.channel`, from the update:
   *
   * - `user`: who the update is from: the sender of a message (also in groups, business chats and
   *   guest messages), who pressed a button, asked an inline or payment query, voted in a poll,
   *   reacted, changed a membership, asked to join, ... (the update's `from`, or its `user` where
   *   Telegram names it so). None for channel posts (they name no sender, as in 1.x), for
   *   anonymous votes and reactions (the chat acted), and for updates about no one.
   * - `group`: the group the update happened in, for groups and supergroups (1.x named only
   *   `group` chats: a group that became a supergroup kept its bot working, and 1.x handlers that
   *   test `session.group` mean either). For the old group's message announcing the upgrade, the
   *   supergroup, whose session it runs in.
   * - `channel`: the channel the update happened in (posts, edits, reactions, boosts, members).
   *
   * Ids are Telegram's numbers, as in 1.x. A `poll` update and update types this package does not
   * know have no session at all, as they had none in 1.x.
   */
  protected override sessionParties(): SessionParties {
    return partiesOf(this.event);
  }

  /**
   * Sends a poll to the chat (in the same forum topic) at once, and resolves to the sent
   * message, with 1.x's camelCase names added (`message.poll.id`, `message.chat.id`,
   * `message.messageId`). The answers are strings (as in 1.x) or the Bot API's `{ text }`
   * objects; options are `sendPoll`'s parameters, in snake_case or in 1.x's camelCase
   * (`{ isAnonymous: false, allowsMultipleAnswers: true }`).
   *
   * Unlike the other sends it does not wait for the commit, because a handler needs its answer:
   * a `poll_answer` update names only the poll's id, so a bot keeps `message.poll.id` (with the
   * chat) to know later where a vote belongs. The poll is therefore not tied to the event's
   * state: if the state is then not saved (the handler throws, the store refuses the commit) or
   * Telegram delivers the update again, the poll may be sent again. A failure rejects the
   * handler's `await` with a `TelegramApiError` (or `TelegramNetworkError`); bad arguments throw
   * a TypeError before anything is sent.
   */
  async sendPoll(
    question: string,
    answers: readonly (string | InputPollOption)[],
    options?: Omit<SendPollParams, 'chat_id' | 'question' | 'options'> | null,
  ): Promise<Message> {
    const spec = SEND_SPECS.sendPoll;
    const params = spec.params('sendPoll', [question, answers]);
    const target = this[chatTarget]('sendPoll');
    const sent = await callFollowingUpgrade(this.#client, 'sendPoll', { ...target, ...params, ...opts(options, 'sendPoll') } as SendPollParams);
    return addCamelCaseAliases(sent);
  }

  /** Sends a text message to the chat (in the same forum topic), after the commit. */
  async sendText(text: string, options?: TelegramTextOptions | null): Promise<void> {
    this[queueCall]('sendText', 'sendMessage', { ...this[chatTarget]('sendText'), text: checkText(text, options, 'sendText'), ...opts(options, 'sendText') });
  }

  /** The same as {@link sendText}, under Bottender 1.x's other name. */
  async sendMessage(text: string, options?: TelegramTextOptions | null): Promise<void> {
    this[queueCall]('sendMessage', 'sendMessage', { ...this[chatTarget]('sendMessage'), text: checkText(text, options, 'sendMessage'), ...opts(options, 'sendMessage') });
  }

  /** Sends a text message that quotes the update's message (a reply in Telegram's sense). */
  async replyText(text: string, options?: TelegramTextOptions | null): Promise<void> {
    const message = this.event.anyMessage;
    if (message === undefined) {
      throw new Error(`context.replyText() needs a message to reply to, and this Telegram ${JSON.stringify(this.event.type)} update has none; use sendText()`);
    }
    this[queueCall]('replyText', 'sendMessage', {
      ...this[chatTarget]('replyText'),
      text: checkText(text, options, 'replyText'),
      reply_parameters: { message_id: message.message_id, allow_sending_without_reply: true },
      ...opts(options, 'replyText'),
    });
  }

  /**
   * Shows a chat action (`typing`, `upload_photo`, ...) for about 5 seconds, at once: it says the
   * bot is working, so it is useful before the slow part of a handler, not after the commit.
   */
  async sendChatAction(action: string, options?: { message_thread_id?: number } | null): Promise<void> {
    requireString(action, 'sendChatAction', 'the action (typing, upload_photo, ...)');
    const { chat_id, message_thread_id, business_connection_id } = this[chatTarget]('sendChatAction');
    await this.#client.call('sendChatAction', {
      chat_id,
      message_thread_id,
      business_connection_id,
      action,
      ...opts(options, 'sendChatAction'),
    });
  }

  /** Forwards a message of another chat into this one. */
  async forwardMessageFrom(fromChatId: number | string, messageId: number, options?: Omit<ForwardMessageParams, 'chat_id' | 'from_chat_id' | 'message_id'> | null): Promise<void> {
    const { chat_id, message_thread_id } = this[chatTarget]('forwardMessageFrom');
    this[queueCall]('forwardMessageFrom', 'forwardMessage', {
      chat_id,
      message_thread_id,
      from_chat_id: requireChatId(fromChatId, 'forwardMessageFrom', 'the chat to forward from'),
      message_id: requireId(messageId, 'forwardMessageFrom', 'the message id'),
      ...opts(options, 'forwardMessageFrom'),
    });
  }

  /** Forwards one of this chat's messages to another chat. */
  async forwardMessageTo(toChatId: number | string, messageId: number, options?: Omit<ForwardMessageParams, 'chat_id' | 'from_chat_id' | 'message_id'> | null): Promise<void> {
    const { chat_id } = this[chatTarget]('forwardMessageTo');
    this[queueCall]('forwardMessageTo', 'forwardMessage', {
      chat_id: requireChatId(toChatId, 'forwardMessageTo', 'the chat to forward to'),
      from_chat_id: chat_id,
      message_id: requireId(messageId, 'forwardMessageTo', 'the message id'),
      ...opts(options, 'forwardMessageTo'),
    });
  }

  /** The chat, asked of Telegram now. */
  getChat(): Promise<ChatFullInfo> {
    return this.#client.call('getChat', { chat_id: this[chatTarget]('getChat').chat_id });
  }

  /** The chat's administrators, asked of Telegram now. */
  getChatAdministrators(): Promise<ChatMember[]> {
    return this.#client.call('getChatAdministrators', { chat_id: this[chatTarget]('getChatAdministrators').chat_id });
  }

  /** How many members the chat has, asked of Telegram now. */
  getChatMemberCount(): Promise<number> {
    return this.#client.call('getChatMemberCount', { chat_id: this[chatTarget]('getChatMemberCount').chat_id });
  }

  /** Bottender 1.x's name of {@link getChatMemberCount}. */
  getChatMembersCount(): Promise<number> {
    return this.getChatMemberCount();
  }

  /** One member of the chat, asked of Telegram now. */
  getChatMember(userId: number): Promise<ChatMember> {
    return this.#client.call('getChatMember', {
      chat_id: this[chatTarget]('getChatMember').chat_id,
      user_id: requireId(userId, 'getChatMember', 'the user id'),
    });
  }

  /** The profile photos of the user behind the update, asked of Telegram now. */
  getUserProfilePhotos(options?: { offset?: number; limit?: number } | null): Promise<UserProfilePhotos> {
    const user = this.event.from;
    if (user === undefined) {
      throw new Error(`context.getUserProfilePhotos() needs the update's user, and this Telegram ${JSON.stringify(this.event.type)} update names none`);
    }
    return this.#client.call('getUserProfilePhotos', { user_id: user.id, ...opts(options, 'getUserProfilePhotos') });
  }

  /** Creates a new invite link for the chat now and returns it (it is needed to send it). */
  exportChatInviteLink(): Promise<string> {
    return this.#client.call('exportChatInviteLink', { chat_id: this[chatTarget]('exportChatInviteLink').chat_id });
  }

  /** @internal the client, for generated methods that call Telegram at once. */
  get [clientOf](): TelegramClient {
    return this.#client;
  }

  /**
   * @internal where the methods queue a call: checked arguments, sent after the commit. Options
   * given in Bottender 1.x's camelCase were turned into snake_case by `opts`.
   */
  [queueCall]<M extends ApiMethod>(contextMethod: string, apiMethod: M, params: ParamsOf<M>): void {
    this.#outbox.add(contextMethod, apiMethod, params);
  }

  /**
   * @internal the chat, topic and business connection a message to this update's conversation
   * goes to. Throws (inside the handler) when the update belongs to no chat, e.g. a `poll`.
   */
  [chatTarget](method: string): TelegramTarget {
    if (this.#target === undefined) this.#target = targetOf(this.event);
    if (this.#target === null) {
      throw new Error(`context.${method}() cannot send: this Telegram ${JSON.stringify(this.event.type)} update belongs to no chat`);
    }
    return this.#target;
  }

  /** @internal drops everything queued; the runtime calls it when the handler throws. */
  override [discardContext](): void {
    this.#outbox.clear();
  }

  /** @internal makes the queued calls; the runtime calls it after the commit. */
  override [flushContext](): Promise<void> {
    return this.#outbox.flush();
  }
}

installSendMethods(TelegramContext);
installChatMethods(TelegramContext);
installAnswerEditMethods(TelegramContext);

function targetOf(event: TelegramEvent): TelegramTarget | null {
  const chat_id = event.chatId;
  if (chat_id === undefined) return null;
  const target: TelegramTarget = { chat_id };
  // The old group's upgrade message goes on in the supergroup, which has no topic of that id.
  if (event.migrateToChatId !== undefined) return target;
  const thread = event.threadId;
  if (thread !== undefined) target.message_thread_id = thread;
  const topic = event.anyMessage?.direct_messages_topic?.topic_id;
  if (typeof topic === 'number') target.direct_messages_topic_id = topic;
  const business = event.businessConnectionId;
  if (business !== undefined) target.business_connection_id = business;
  return target;
}

