import type { ViewResponseAction } from '@slack/bolt';
import type {
  ChatPostEphemeralArguments,
  ChatPostMessageArguments,
  ViewsOpenArguments,
  ViewsPublishArguments,
  ViewsPushArguments,
  ViewsUpdateArguments,
  WebClient,
} from '@slack/web-api';
// Imported for the declaration merging at the end: `tsc -b` cannot find the module to augment otherwise.
import type {} from 'bottender';
import { type AnyState, Context, type ContextInit, discardContext, flushContext, type SessionParties } from 'bottender/connector';

import type { ChatClient } from './chat-client';
import { isObject, requireObject, requireString } from './checks';
import { snakeKeys, wrapMetadata } from './compat';
import type { SlackChatMethods, SlackMessage, SlackMessageOptions, SlackResponse, SlackViewMethods } from './context-types';
import type { SlackEvent } from './event';
import { withOneXNames } from './one-x';
import { Outbox } from './outbox';
import type { SlackTransport } from './transport';
import { callSlack, postToResponseUrl } from './web-api';

export type { SlackChatMethods, SlackMessage, SlackMessageOptions, SlackResponse, SlackViewMethods } from './context-types';

/** Slack takes at most this many characters in a message's `text`. */
export const MAX_TEXT_LENGTH = 40_000;

/** Everything a {@link SlackContext} needs from its connector. */
export interface SlackContextServices {
  client: WebClient;
  /** chat.postMessage and chat.postEphemeral, on the hot path. */
  chat: ChatClient;
  transport: SlackTransport;
  origin: string;
}

/**
 * The handler's context for Slack inputs, with the methods of Bottender 1.x's SlackContext.
 *
 * Calls that change what people see (messages, ephemeral messages, `respond`, view updates, the
 * app home) are queued and made once the event's state is saved, in the order queued (see
 * {@link Outbox}); they resolve when queued. Three kinds are made at once: opening and pushing
 * modals (their `trigger_id` expires 3 seconds after the click), `chat.postMessage` and
 * `chat.scheduleMessage` (a 1.x handler uses their answer, the message's `ts` or the scheduled
 * message's id, to change it later; see {@link SlackChatMethods}). Reads (`getPermalink`,
 * scheduled messages) are asked now. `client` is the SDK's WebClient for anything else, untied
 * to the commit.
 *
 * `session.user` and `session.channel` are 1.x's: see {@link sessionParties}.
 *
 * A view submission's answer (`response_action`) and a slash command's or action's immediate
 * answer are set with {@link setResponseAction} and {@link setAnswer}.
 */
export class SlackContext<State extends AnyState = AnyState> extends Context<State, SlackEvent> {
  declare readonly platform: 'slack';
  /** The SDK's Web API client (the bot token): any method, called now. */
  readonly client: WebClient;
  #chat: SlackChatMethods | undefined;
  #views: SlackViewMethods | undefined;
  readonly #outbox = new Outbox();
  readonly #services: SlackContextServices;
  readonly #answer: ContextInit<State, SlackEvent>['answer'];

  constructor(init: ContextInit<State, SlackEvent>, services: SlackContextServices) {
    super(init);
    this.client = services.client;
    this.#services = services;
    this.#answer = init.answer;
  }

  /** Bottender 1.x's `context.chat`, made on first use (most handlers never touch it). */
  get chat(): SlackChatMethods {
    return (this.#chat ??= this.#chatMethods());
  }

  /** Bottender 1.x's `context.views`, made on first use. */
  get views(): SlackViewMethods {
    return (this.#views ??= this.#viewMethods());
  }

  #chatMethods(): SlackChatMethods {
    return {
      postMessage: async (options) =>
        withOneXNames(await this.#services.chat.postMessage(this.#message('chat.postMessage', this.#textOr('chat.postMessage', options)))),
      postEphemeral: async (options) => this.#postEphemeral('chat.postEphemeral', this.#textOr('chat.postEphemeral', options)),
      update: async (options) => this.#later('chat.update', (c, args) => c.chat.update(args), this.#inChannel('chat.update', options)),
      delete: async (options) => this.#later('chat.delete', (c, args) => c.chat.delete(args), this.#inChannel('chat.delete', options)),
      meMessage: async (options) =>
        this.#later('chat.meMessage', (c, args) => c.chat.meMessage(args), this.#inChannel('chat.meMessage', options)),
      scheduleMessage: async (options) => {
        const args = this.#inChannel('chat.scheduleMessage', options);
        return withOneXNames(await callSlack('chat.scheduleMessage', () => this.client.chat.scheduleMessage(args)));
      },
      deleteScheduledMessage: async (options) =>
        this.#later('chat.deleteScheduledMessage', (c, args) => c.chat.deleteScheduledMessage(args), this.#inChannel('chat.deleteScheduledMessage', options)),
      getPermalink: (options) => {
        const args = this.#inChannel('chat.getPermalink', options);
        return callSlack('chat.getPermalink', () => this.client.chat.getPermalink(args));
      },
      scheduledMessages: {
        list: (options = {}) => {
          const args = snakeKeys(options);
          return callSlack('chat.scheduledMessages.list', () => this.client.chat.scheduledMessages.list(args));
        },
      },
    };
  }

  #viewMethods(): SlackViewMethods {
    return {
      open: (options) => {
        const args = this.#viewArgs('views.open', options, true) as unknown as ViewsOpenArguments;
        return callSlack('views.open', () => this.client.views.open(args));
      },
      push: (options) => {
        const args = this.#viewArgs('views.push', options, true) as unknown as ViewsPushArguments;
        return callSlack('views.push', () => this.client.views.push(args));
      },
      update: async (options) => {
        const args = this.#viewArgs('views.update', options, false) as unknown as ViewsUpdateArguments;
        this.#later('views.update', (c) => c.views.update(args), args);
      },
      publish: async (options) => {
        const args = snakeKeys(requireObject(options, 'views.publish', 'the options')) as unknown as ViewsPublishArguments;
        args.user_id ??= this.#requireUser('views.publish');
        requireObject(args.view, 'views.publish', 'options.view');
        this.#later('views.publish', (c) => c.views.publish(args), args);
      },
    };
  }

  /**
   * Posts a text message to the event's channel (the user's DM with the app for inputs without
   * one), in the event's thread when it has one, after the commit.
   */
  async sendText(text: string, options?: SlackMessageOptions): Promise<void> {
    this.#requireText('sendText', text);
    this.#post('sendText', this.#message('sendText', { ...snakeKeys(options ?? {}), text }));
  }

  /** Bottender 1.x's `postMessage(message, options)`: a text or a message object, after the commit. */
  async postMessage(message: string | SlackMessage, options?: SlackMessageOptions): Promise<void> {
    this.#post('postMessage', this.#message('postMessage', { ...this.#messageFields('postMessage', message), ...snakeKeys(options ?? {}) }));
  }

  /** Posts a message only the event's user sees, in the event's channel, after the commit (1.x's `postEphemeral`). */
  async postEphemeral(message: string | SlackMessage, options?: SlackMessageOptions): Promise<void> {
    this.#postEphemeral('postEphemeral', { ...this.#messageFields('postEphemeral', message), ...snakeKeys(options ?? {}) });
  }

  /**
   * Answers through the event's `response_url` (slash commands, block actions in messages,
   * message shortcuts), after the commit: ephemeral by default, `response_type: 'in_channel'`
   * for everyone, `replace_original` to edit the message the action was taken in.
   */
  async respond(message: string | SlackResponse): Promise<void> {
    const url = this.event.responseUrl;
    if (url === undefined) {
      throw new Error(`context.respond() needs a response_url, and this Slack ${JSON.stringify(this.event.type)} input has none`);
    }
    const body = this.#messageFields('respond', message);
    const { transport, origin } = this.#services;
    this.#outbox.add('respond', () => postToResponseUrl(transport, origin, url, body));
  }

  /**
   * Answers a view submission with a `response_action` (`errors`, `update`, `push` or `clear`),
   * sent as the body of Slack's answer. Only before the answer is due (3 seconds): after that it
   * throws `AnswerTooLateError`, and the modal stays as it is.
   */
  setResponseAction(action: ViewResponseAction): void {
    if (!this.event.isViewSubmission) {
      throw new Error(`context.setResponseAction() only answers a view_submission; this Slack input is ${JSON.stringify(this.event.type)}`);
    }
    const body = snakeKeys(requireObject(action, 'setResponseAction', 'the action')) as Record<string, unknown>;
    const kind = body.response_action;
    if (kind !== 'errors' && kind !== 'update' && kind !== 'push' && kind !== 'clear') {
      throw new TypeError('context.setResponseAction() needs response_action "errors", "update", "push" or "clear"');
    }
    if (kind === 'errors' && !isObject(body.errors)) {
      throw new TypeError('context.setResponseAction() needs errors as an object of block_id: message');
    }
    if ((kind === 'update' || kind === 'push') && !isObject(body.view)) {
      throw new TypeError(`context.setResponseAction() needs a view for response_action "${kind}"`);
    }
    this.setAnswer(body);
  }

  /**
   * Sets the body of Slack's answer to this input: a slash command's immediate message
   * (`{ text, response_type }`), a view submission's `response_action` (see
   * {@link setResponseAction}), options for an external select. Throws `AnswerTooLateError`
   * once the answer was sent (past 3 seconds), and for Events API events, which have no answer.
   */
  setAnswer(body: unknown): void {
    if (this.event.kind === 'event') {
      throw new Error('context.setAnswer() has nothing to answer: Slack ignores the body of an Events API acknowledgement');
    }
    if (!this.#answer) {
      throw new Error('context.setAnswer() is not available here: the runtime gave this event no answer slot');
    }
    this.#answer.set(typeof body === 'string' ? body : snakeKeys(body));
  }

  #message<T>(method: string, options: T): ChatPostMessageArguments {
    const args = this.#inChannel(method, options) as Record<string, unknown>;
    const thread = this.event.threadTs;
    if (args.thread_ts === undefined && thread !== undefined && args.channel === this.event.conversationId) args.thread_ts = thread;
    return args as unknown as ChatPostMessageArguments;
  }

  #post(method: string, args: ChatPostMessageArguments): void {
    const chat = this.#services.chat;
    this.#outbox.add(method, () => chat.send('chat.postMessage', args));
  }

  #postEphemeral(method: string, options: object): void {
    const args = this.#message(method, options) as unknown as Record<string, unknown>;
    args.user ??= this.#requireUser(method);
    const chat = this.#services.chat;
    this.#outbox.add(method, () => chat.send('chat.postEphemeral', args as unknown as ChatPostEphemeralArguments));
  }

  /** `{ text }` for a string, the object's fields (snake_cased) for an object. */
  #messageFields(method: string, message: unknown): Record<string, unknown> {
    if (typeof message === 'string') {
      this.#requireText(method, message);
      return { text: message };
    }
    return snakeKeys(requireObject(message, method, 'the message'));
  }

  /**
   * `{ text }` for a string (1.x's examples call `context.chat.postEphemeral('...')`), the options
   * as given otherwise (checked and snake_cased by {@link #inChannel}).
   */
  #textOr<T>(method: string, options: string | T): T | { text: string } {
    if (typeof options !== 'string') return options;
    this.#requireText(method, options);
    return { text: options };
  }

  /** The options (snake_cased) with the event's channel unless they name one. */
  #inChannel<T>(method: string, options: T): T & { channel: string } {
    const args = snakeKeys(requireObject(options, method, 'the options')) as Record<string, unknown>;
    if (args.channel === undefined) {
      const channel = this.event.conversationId;
      if (channel === undefined) {
        throw new Error(
          `context.${method}() has no channel to post to: this Slack ${JSON.stringify(this.event.type)} input names no channel ` +
            'and no user; pass options.channel',
        );
      }
      args.channel = channel;
    } else {
      requireString(args.channel, method, 'options.channel');
    }
    return args as T & { channel: string };
  }

  #viewArgs(method: string, options: unknown, needsTrigger: boolean): Record<string, unknown> {
    const args = snakeKeys(requireObject(options, method, 'the options')) as Record<string, unknown>;
    const view = requireObject(args.view, method, 'options.view');
    if (needsTrigger && args.trigger_id === undefined && args.interactivity_pointer === undefined) {
      const trigger = this.event.triggerId;
      if (trigger === undefined) {
        throw new Error(`context.${method}() needs a trigger_id, and this Slack ${JSON.stringify(this.event.type)} input has none`);
      }
      args.trigger_id = trigger;
    }
    // Modals carry their channel in private_metadata, so their submission comes back to it.
    if (view.type === 'modal' || view.type === undefined) {
      args.view = { ...view, private_metadata: wrapMetadata(view.private_metadata, this.event.conversationId) };
    }
    return args;
  }

  /** Queues a WebClient call for after the commit; `method` names it (`chat.update`, ...). */
  #later<A>(method: string, call: (client: WebClient, args: A) => Promise<unknown>, args: A): void {
    const client = this.client;
    this.#outbox.add(method, () => callSlack(method, () => call(client, args)));
  }

  #requireText(method: string, text: unknown): void {
    requireString(text, method, 'the text');
    if ((text as string).length > MAX_TEXT_LENGTH) {
      throw new TypeError(`context.${method}() got ${(text as string).length} characters; Slack takes at most ${MAX_TEXT_LENGTH}`);
    }
  }

  #requireUser(method: string): string {
    const user = this.event.userId;
    if (user === undefined) {
      throw new Error(`context.${method}() needs the input's user, and this Slack ${JSON.stringify(this.event.type)} input names none`);
    }
    return user;
  }

  /**
   * Bottender 1.x's `session.user` and `session.channel` (with its default `skipLegacyProfile`:
   * ids only): the input's user, and the channel it came from, or, for inputs that name no channel
   * (global shortcuts, modals opened outside one), the user's DM with the app, which is their
   * session (1.x gave `{ id: undefined }` there). A bot's message names no user: 1.x never made a
   * bot `session.user`.
   */
  protected override sessionParties(): SessionParties {
    const { event } = this;
    const channel = event.conversationId;
    const user = event.isBotMessage ? undefined : event.userId;
    if (user === undefined) return channel === undefined ? {} : { channel };
    return channel === undefined ? { user } : { user, channel };
  }

  /** @internal drops everything queued; the runtime calls it when the handler throws. */
  override [discardContext](): void {
    this.#outbox.clear();
  }

  /** @internal makes the queued calls; the runtime calls it after the commit. */
  override async [flushContext](): Promise<void> {
    await this.#outbox.flush();
  }
}

declare module 'bottender' {
  /** `context.platform === 'slack'` narrows a `BotContext` to {@link SlackContext}. */
  interface PlatformContexts<State extends AnyState = AnyState> {
    slack: SlackContext<State>;
  }
}
