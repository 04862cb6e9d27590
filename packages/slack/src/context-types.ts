import type {
  ChatDeleteArguments,
  ChatDeleteScheduledMessageArguments,
  ChatGetPermalinkArguments,
  ChatGetPermalinkResponse,
  ChatMeMessageArguments,
  ChatPostEphemeralArguments,
  ChatPostMessageArguments,
  ChatPostMessageResponse,
  ChatScheduledMessagesListArguments,
  ChatScheduledMessagesListResponse,
  ChatScheduleMessageArguments,
  ChatScheduleMessageResponse,
  ChatUpdateArguments,
  ViewsOpenArguments,
  ViewsOpenResponse,
  ViewsPublishArguments,
  ViewsPushArguments,
  ViewsPushResponse,
  ViewsUpdateArguments,
} from '@slack/web-api';

import type { OneXNamed } from './one-x';

/**
 * The argument and answer types of {@link SlackContext}'s methods (`context.chat`, `context.views`,
 * messages), kept apart from the class that implements them.
 */

export type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;
/** `T` with `channel` optional: the context fills in the event's channel. */
export type InChannel<T> = DistributiveOmit<T, 'channel'> & { channel?: string };

/** What a message may carry besides its text: blocks, attachments, `thread_ts`, `unfurl_links`, ... */
export type SlackMessageOptions = Partial<DistributiveOmit<ChatPostMessageArguments, 'channel' | 'text'>>;
/** A message given as an object (`{ text, blocks, ... }`), for `postMessage`, `postEphemeral` and `respond`. */
export type SlackMessage = Record<string, unknown> & { text?: string; blocks?: unknown[]; attachments?: unknown[] };
/** What `respond()` posts to the `response_url`: a message plus `response_type`, `replace_original`, ... */
export type SlackResponse = SlackMessage & {
  response_type?: 'in_channel' | 'ephemeral';
  replace_original?: boolean;
  delete_original?: boolean;
  thread_ts?: string;
};

/** View arguments whose `trigger_id` the context fills in from the event. */
export type WithOptionalTrigger<T> = DistributiveOmit<T, 'trigger_id' | 'interactivity_pointer'> & {
  trigger_id?: string;
  interactivity_pointer?: string;
};


/**
 * Bottender 1.x's `context.chat`: Slack's chat methods with the event's channel filled in.
 *
 * Most are queued and made after the commit, and resolve to nothing. `postMessage` and
 * `scheduleMessage` are made at once and resolve to Slack's answer: a 1.x handler keeps its `ts`
 * or `scheduled_message_id` to update or delete the message later. Being made at once, they are
 * not tied to the commit: the message is there even when the event's state is then not saved
 * (the handler throws, the store refuses the write), and an event run again (a redelivery after
 * a refused commit) posts it again.
 */
export interface SlackChatMethods {
  /**
   * Posts a message now, before the commit, and resolves to Slack's answer
   * (`{ ok, channel, ts, message }`) with 1.x's camelCase names added (`message.botId`); `ts` and
   * `channel` are what `update` and `delete` take. Rejects with a `SlackApiError` (or
   * `SlackNetworkError`) when Slack refuses it. It goes before anything this handler queued (its
   * `sendText`s come after the commit). Not tied to the commit: see {@link SlackChatMethods}.
   * A string is the message's text.
   */
  postMessage(options: string | InChannel<ChatPostMessageArguments>): Promise<OneXNamed<ChatPostMessageResponse>>;
  /**
   * Posts a message only the event's user sees (in the event's channel, to the event's user unless
   * `user` is given), after the commit. A string is the message's text.
   */
  postEphemeral(options: string | (DistributiveOmit<InChannel<ChatPostEphemeralArguments>, 'user'> & { user?: string })): Promise<void>;
  /** Edits a message (`ts`, e.g. from `postMessage`'s answer) after the commit. */
  update(options: InChannel<ChatUpdateArguments>): Promise<void>;
  /** Deletes a message (`ts`, e.g. from `postMessage`'s answer) after the commit. */
  delete(options: InChannel<ChatDeleteArguments>): Promise<void>;
  /** Posts a `/me` message after the commit. */
  meMessage(options: InChannel<ChatMeMessageArguments>): Promise<void>;
  /**
   * Schedules a message (`post_at`, epoch seconds) now, before the commit, and resolves to
   * Slack's answer (`{ ok, channel, scheduled_message_id, post_at }`, also as 1.x's
   * `scheduledMessageId`, `postAt`), the id `deleteScheduledMessage` takes. Rejects with a
   * `SlackApiError` when Slack refuses it. Not tied to the commit: see {@link SlackChatMethods}.
   */
  scheduleMessage(options: InChannel<ChatScheduleMessageArguments>): Promise<OneXNamed<ChatScheduleMessageResponse>>;
  /** Cancels a scheduled message (`scheduled_message_id`) after the commit. */
  deleteScheduledMessage(options: InChannel<ChatDeleteScheduledMessageArguments>): Promise<void>;
  /** A message's permalink, asked of Slack now. */
  getPermalink(options: InChannel<ChatGetPermalinkArguments>): Promise<ChatGetPermalinkResponse>;
  scheduledMessages: {
    /** Scheduled messages, asked of Slack now. */
    list(options?: ChatScheduledMessagesListArguments): Promise<ChatScheduledMessagesListResponse>;
  };
}

/** Bottender 1.x's `context.views`: modals and the app home. */
export interface SlackViewMethods {
  /** Opens a modal now (a `trigger_id` works for 3 seconds); the event's `trigger_id` is used unless given. */
  open(options: WithOptionalTrigger<ViewsOpenArguments>): Promise<ViewsOpenResponse>;
  /** Pushes a modal onto the open one now; the event's `trigger_id` is used unless given. */
  push(options: WithOptionalTrigger<ViewsPushArguments>): Promise<ViewsPushResponse>;
  /** Replaces a modal (`view_id` or `external_id`) after the commit. */
  update(options: ViewsUpdateArguments): Promise<void>;
  /** Publishes a user's app home after the commit; the event's user unless `user_id` is given. */
  publish(options: Omit<ViewsPublishArguments, 'user_id'> & { user_id?: string }): Promise<void>;
}
