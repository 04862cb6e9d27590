import type { BotEvent } from 'bottender/connector';

import type { SlackDataOf, SlackEventType, SlackInputKind, SlackRawEvent, SlackRawEventMap } from './raw-types';
import { addOneXNames } from './one-x';
import { idOf, placeOf, type SlackPlace } from './session-key';

/** What a message event is: a new message, or a change to one. */
export type SlackMessageKind = 'new' | 'edited' | 'deleted' | 'other';

/** Message subtypes that are new messages a person (or, with includeBotMessages, a bot) wrote. */
const NEW_MESSAGE_SUBTYPES = new Set([undefined, 'file_share', 'thread_broadcast', 'me_message', 'bot_message']);

/** How an input was delivered: Slack's retry information (HTTP headers, or the Socket Mode envelope). */
export interface SlackEventOrigin {
  /** `X-Slack-Retry-Num` (HTTP) or `retry_attempt` (Socket Mode): 0 for a first delivery. */
  retryNum?: number;
  /** `X-Slack-Retry-Reason` or `retry_reason`, e.g. `http_timeout`. */
  retryReason?: string;
}

type Loose = Record<string, any>;

/**
 * A Slack input as the handler sees it: an Events API event, an interactivity payload or a
 * slash command, with typed shortcuts over what Slack sent (Slack's own snake_case):
 * `rawEvent` is the whole input (for the Events API, the callback with `event_id` and the event
 * under `event`); `data` is the event itself (the callback's `event`, else `rawEvent`).
 * `rawEvent` also answers Bottender 1.x's camelCase reads (see {@link rawEvent}).
 *
 * `is(type)` narrows both to that type's shape:
 *
 * ```ts
 * if (context.event.is('view_submission')) context.event.data.view.state.values;
 * if (context.event.is('app_mention')) context.event.data.text;
 * ```
 *
 * Every shortcut is a getter over the payload: building an event costs one small object.
 * Bottender 1.x's SlackEvent getters are here with their names (`isCommand`, `isBlockAction`,
 * `action`, `callbackId`, `isChannelsMessage`, ...); what is absent is `undefined` where 1.x
 * answered `null`.
 */
export class SlackEvent<Raw extends SlackRawEvent = SlackRawEvent> implements BotEvent<Raw> {
  readonly #place: SlackPlace;
  /** What Slack sent; the getters, the connector and session keys read it here, never through {@link rawEvent}. */
  readonly #rawEvent: Raw;
  /** Whether {@link rawEvent} was read (and so has 1.x's names). */
  #oneXNamed = false;
  /** The event itself: the callback's `event`, or the whole input. */
  readonly data: SlackDataOf<Raw>;
  /** The user's DM with the app, when the connector resolved it for an input without a channel. */
  dmChannel: string | undefined;

  constructor(
    /** Which input this came from: the Events API, interactivity, or a slash command. */
    readonly kind: SlackInputKind,
    rawEvent: Raw,
    readonly origin: SlackEventOrigin = {},
  ) {
    this.#rawEvent = rawEvent;
    const raw = rawEvent as Loose;
    this.data = (kind === 'event' ? raw.event : raw) as SlackDataOf<Raw>;
    this.#place = placeOf(kind, this.data, kind === 'event' ? raw.team_id : undefined);
  }

  /**
   * What Slack sent, decoded, in Slack's own snake_case: an Events API callback (`event_id`,
   * `team_id`, `authorizations`, the event under `event`), an interactivity payload, or a slash
   * command's fields. JSON of it is exactly what Slack sent.
   *
   * Bottender 1.x handlers read it in camelCase, and for the Events API 1.x's `rawEvent` was the
   * event itself; those reads work here too: `rawEvent.subtype`, `rawEvent.threadTs`,
   * `rawEvent.message.botId` (an event's fields, under 1.x's names, reachable from the callback),
   * `rawEvent.view.id`, `rawEvent.actions[0].actionId` (interactivity), `rawEvent.channelId`,
   * `rawEvent.responseUrl` (slash commands). The 1.x names are non-enumerable getters added on
   * the first read (events whose handler never reads `rawEvent` pay nothing); they read and write
   * the same values as Slack's names. One 1.x read differs: on an Events API callback
   * `rawEvent.type` is the callback's (`event_callback`), as Slack sent it; the event's type
   * (1.x's `rawEvent.type`) is {@link type}.
   */
  get rawEvent(): Raw {
    if (!this.#oneXNamed) {
      this.#oneXNamed = true;
      addOneXNames(this.kind, this.#rawEvent);
    }
    return this.#rawEvent;
  }

  /** Narrows the event to one type: `message`, `app_mention`, `block_actions`, `view_submission`, `slash_command`, ... */
  is<T extends SlackEventType>(type: T): this is SlackEvent<SlackRawEventMap[T]> {
    return this.type === type;
  }

  /** The Events API type (`message`, `app_mention`, ...), the interactivity type (`block_actions`, `view_submission`, ...), or `slash_command`. */
  get type(): string {
    if (this.kind === 'command') return 'slash_command';
    const type = this.#raw.type;
    return typeof type === 'string' ? type : 'unknown';
  }

  /** The event's own fields (see {@link data}), untyped for the getters below. */
  get #raw(): Loose {
    return (this.data ?? {}) as Loose;
  }

  /**
   * The id a redelivery repeats: the Events API `event_id`; for interactivity and slash commands
   * the `trigger_id` (new for every click or command); for a closed modal, the view id (a view
   * closes once).
   */
  get id(): string | undefined {
    if (this.kind === 'event') return idOf((this.#rawEvent as Loose).event_id);
    const trigger = idOf(this.#raw.trigger_id);
    if (trigger !== undefined) return trigger;
    const view = idOf(this.#raw.view?.id);
    return this.#raw.type === 'view_closed' && view !== undefined ? `view_closed:${view}` : undefined;
  }

  /** The channel the input names (see the session table in docs/platforms/slack.md). */
  get channelId(): string | undefined {
    return this.#place.channel;
  }

  /** The channel replies go to: the input's channel, else the user's DM with the app. */
  get conversationId(): string | undefined {
    return this.#place.channel ?? this.dmChannel;
  }

  /** The thread of a threaded message, or of the message an action was taken in. */
  get threadTs(): string | undefined {
    return this.#place.threadTs;
  }

  /** The user behind the input, when Slack names one. */
  get userId(): string | undefined {
    return this.#place.user;
  }

  /** The workspace (team) id. */
  get teamId(): string | undefined {
    return this.#place.team;
  }

  /** True when a modal's `private_metadata` was not JSON, so its channel could not be read. */
  get hasUnreadableMetadata(): boolean {
    return this.#place.badMetadata;
  }

  /** True when Slack sends this again (HTTP `X-Slack-Retry-Num`, Socket Mode `retry_attempt`). */
  get isRetry(): boolean {
    return (this.origin.retryNum ?? 0) > 0;
  }

  /** Epoch ms of the event (`event_ts` or `ts`), or of its arrival when the payload has none (as in 1.x). */
  get timestamp(): number {
    const ts = this.#raw.event_ts ?? this.#raw.ts ?? this.#raw.action_ts ?? this.#raw.actions?.[0]?.action_ts;
    const seconds = typeof ts === 'string' ? Number.parseFloat(ts) : Number.NaN;
    const eventTime = this.kind === 'event' ? Number((this.#rawEvent as Loose).event_time) : Number.NaN;
    if (Number.isFinite(seconds)) return Math.round(seconds * 1000);
    return Number.isFinite(eventTime) && eventTime > 0 ? eventTime * 1000 : Date.now();
  }

  /** The message's `ts` for message events (what `chat.update` and threads refer to). */
  get ts(): string | undefined {
    return idOf(this.#raw.ts);
  }

  /** A bot wrote it (`bot_id`, or subtype `bot_message`), this app included. */
  get isBotMessage(): boolean {
    const raw = this.#raw;
    if (this.kind !== 'event') return false;
    return (
      raw.subtype === 'bot_message' ||
      typeof raw.bot_id === 'string' ||
      typeof raw.message?.bot_id === 'string' ||
      (raw.subtype === 'message_deleted' && typeof raw.previous_message?.bot_id === 'string')
    );
  }

  /** What a `message` event is: `new`, `edited` (`message_changed`), `deleted`, or `other` (joins, topic changes, ...). Undefined for other events. */
  get messageKind(): SlackMessageKind | undefined {
    if (this.kind !== 'event' || this.#raw.type !== 'message') return undefined;
    const subtype = this.#raw.subtype;
    if (subtype === 'message_changed') return 'edited';
    if (subtype === 'message_deleted') return 'deleted';
    return NEW_MESSAGE_SUBTYPES.has(subtype) ? 'new' : 'other';
  }

  /** A new message (not an edit, a deletion or a channel notice such as a join). */
  get isMessage(): boolean {
    return this.messageKind === 'new';
  }

  /** The message of a new message event (1.x's `message`), otherwise undefined. */
  get message(): SlackDataOf<SlackRawEventMap['message']> | undefined {
    return this.isMessage ? (this.data as SlackDataOf<SlackRawEventMap['message']>) : undefined;
  }

  /** A message was edited: `edited` holds the message before and after. */
  get isMessageEdited(): boolean {
    return this.messageKind === 'edited';
  }

  /** `{ message, previous }` of an edit, otherwise undefined. */
  get edited(): { message: Loose; previous: Loose | undefined } | undefined {
    return this.isMessageEdited ? { message: this.#raw.message, previous: this.#raw.previous_message } : undefined;
  }

  /** A message was deleted: `deleted` holds what it was. */
  get isMessageDeleted(): boolean {
    return this.messageKind === 'deleted';
  }

  /** `{ ts, previous }` of a deletion (`ts` of the deleted message), otherwise undefined. */
  get deleted(): { ts: string | undefined; previous: Loose | undefined } | undefined {
    return this.isMessageDeleted ? { ts: idOf(this.#raw.deleted_ts), previous: this.#raw.previous_message } : undefined;
  }

  /** The app was mentioned (`app_mention`). */
  get isAppMention(): boolean {
    return this.kind === 'event' && this.#raw.type === 'app_mention';
  }

  /** A text message (a new message or an app mention with text), or a slash command with text. */
  get isText(): boolean {
    return this.text !== undefined;
  }

  /**
   * The text of a new message or an app mention, or what followed a slash command
   * (`/todo buy milk` gives `buy milk`); undefined otherwise.
   */
  get text(): string | undefined {
    const text = this.#raw.text;
    if (typeof text !== 'string') return undefined;
    if (this.isMessage || this.isAppMention) return text === '' ? undefined : text;
    return this.kind === 'command' ? text : undefined;
  }

  /** A slash command; `command` is its name. */
  get isCommand(): boolean {
    return this.kind === 'command';
  }

  /** The slash command's name, with its slash (`/todo`); undefined for other inputs. */
  get command(): string | undefined {
    return this.kind === 'command' ? idOf(this.#raw.command) : undefined;
  }

  /** A button, menu or other block element was used (`block_actions`). */
  get isBlockAction(): boolean {
    return this.kind === 'interaction' && this.#raw.type === 'block_actions';
  }

  /** A legacy attachment button or menu was used (`interactive_message`). */
  get isInteractiveMessage(): boolean {
    return this.kind === 'interaction' && this.#raw.type === 'interactive_message';
  }

  /** Either of the two (1.x's name). */
  get isBlockActionOrInteractiveMessage(): boolean {
    return this.isBlockAction || this.isInteractiveMessage;
  }

  /** A modal was submitted (`view_submission`); the handler may answer with a `response_action`. */
  get isViewSubmission(): boolean {
    return this.kind === 'interaction' && this.#raw.type === 'view_submission';
  }

  /** A modal was closed (`view_closed`, when the view asked to be told). */
  get isViewClosed(): boolean {
    return this.kind === 'interaction' && this.#raw.type === 'view_closed';
  }

  /** A global shortcut (`shortcut`). */
  get isShortcut(): boolean {
    return this.kind === 'interaction' && this.#raw.type === 'shortcut';
  }

  /** A message shortcut (`message_action`). */
  get isMessageAction(): boolean {
    return this.kind === 'interaction' && this.#raw.type === 'message_action';
  }

  /** The first action of a block action or interactive message (1.x's `action`). */
  get action(): Loose | undefined {
    if (!this.isBlockActionOrInteractiveMessage) return undefined;
    const actions = this.#raw.actions;
    return Array.isArray(actions) && typeof actions[0] === 'object' && actions[0] !== null ? actions[0] : undefined;
  }

  /**
   * The `callback_id` of a shortcut, message action, interactive message or modal (1.x: of
   * actions only).
   */
  get callbackId(): string | undefined {
    if (this.kind !== 'interaction') return undefined;
    return idOf(this.#raw.callback_id) ?? idOf(this.#raw.view?.callback_id);
  }

  /** The modal of a view submission or closure, or the view a block action happened in. */
  get view(): Loose | undefined {
    const view = this.kind === 'interaction' ? this.#raw.view : undefined;
    return typeof view === 'object' && view !== null ? view : undefined;
  }

  /**
   * The view's `private_metadata` as the handler gave it to `context.views.open`: without the
   * channel this package keeps in it. The raw string when it is not ours.
   */
  get privateMetadata(): string | undefined {
    const metadata = this.view?.private_metadata;
    if (typeof metadata !== 'string' || metadata === '') return undefined;
    try {
      const parsed = JSON.parse(metadata) as Loose;
      if (typeof parsed === 'object' && parsed !== null && 'channelId' in parsed) {
        return typeof parsed.original === 'string' ? parsed.original : undefined;
      }
    } catch {
      // Not ours: give it back as it is.
    }
    return metadata;
  }

  /**
   * A button press or other choice, Bottender's payload event: block actions, interactive
   * messages, shortcuts and message actions, so `payload(...)` routes match them.
   */
  get isPayload(): boolean {
    return this.payload !== undefined;
  }

  /**
   * The action's value (a button's `value`, a menu's selected option, a date or time picked),
   * falling back to its `action_id`; a shortcut's `callback_id`. Undefined otherwise.
   */
  get payload(): string | undefined {
    const action = this.action;
    if (action) {
      const value =
        action.value ??
        action.selected_option?.value ??
        action.selected_options?.[0]?.value ??
        action.selected_date ??
        action.selected_time ??
        action.selected_user ??
        action.selected_channel ??
        action.selected_conversation ??
        action.action_id ??
        action.name;
      return typeof value === 'string' ? value : undefined;
    }
    return this.isShortcut || this.isMessageAction ? this.callbackId : undefined;
  }

  /** Where `context.respond()` posts: the payload's `response_url` (slash commands, message actions). */
  get responseUrl(): string | undefined {
    const url = this.#raw.response_url ?? this.#raw.response_urls?.[0]?.response_url;
    return typeof url === 'string' && url !== '' ? url : undefined;
  }

  /** The `trigger_id` that lets the handler open a modal (valid for 3 seconds). */
  get triggerId(): string | undefined {
    return idOf(this.#raw.trigger_id);
  }

  /** `channel_type` of a message event (`channel`, `group`, `im`, `mpim`). */
  get channelType(): string | undefined {
    return typeof this.#raw.channel_type === 'string' ? this.#raw.channel_type : undefined;
  }

  /** A message in a public channel (1.x). */
  get isChannelsMessage(): boolean {
    return this.isMessage && (this.channelType === 'channel' || (this.channelType === undefined && this.channelId?.startsWith('C') === true));
  }

  /** A message in a private channel (1.x). */
  get isGroupsMessage(): boolean {
    return this.isMessage && (this.channelType === 'group' || (this.channelType === undefined && this.channelId?.startsWith('G') === true));
  }

  /** A direct message to the app (1.x). */
  get isImMessage(): boolean {
    return this.isMessage && (this.channelType === 'im' || (this.channelType === undefined && this.channelId?.startsWith('D') === true));
  }

  /** A message in a group DM (1.x). */
  get isMpimMessage(): boolean {
    return this.isMessage && this.channelType === 'mpim';
  }
}
