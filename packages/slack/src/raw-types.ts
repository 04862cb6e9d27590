import type {
  BlockAction,
  EnvelopedEvent,
  GlobalShortcut,
  InteractiveMessage,
  MessageShortcut,
  SlashCommand,
  types,
  ViewClosedAction,
  ViewSubmitAction,
} from '@slack/bolt';

/**
 * Slack's input shapes, as Bolt types them (Slack's own snake_case, exactly as sent). One
 * module, so the event class and the session-key table read the same names.
 */

/** One Events API event (`message`, `app_mention`, `reaction_added`, ...): the `event` of a callback. */
export type SlackEventsApiEvent = types.SlackEvent;
/** An Events API callback as Slack posts it: the `event`, with `event_id`, `team_id`, `authorizations`, ... */
export type SlackEventCallback<Event = SlackEventsApiEvent> = EnvelopedEvent<Event>;
/** An interactivity payload: a button or menu, a modal submitted or closed, a shortcut. */
export type SlackInteraction =
  | BlockAction
  | ViewSubmitAction
  | ViewClosedAction
  | GlobalShortcut
  | MessageShortcut
  | InteractiveMessage;
/** A slash command's form fields (`command`, `text`, `channel_id`, `user_id`, `response_url`, ...). */
export type SlackSlashCommand = SlashCommand;

/**
 * Anything `context.event.rawEvent` can be: what Slack sent, decoded: an Events API callback
 * (the event under `event`), an interactivity payload, or a slash command's fields.
 */
export type SlackRawEvent = SlackEventCallback | SlackInteraction | SlackSlashCommand;

/** The part of a raw input the shortcuts read: the `event` of a callback, else the input itself. */
export type SlackDataOf<Raw> = Raw extends SlackEventCallback<infer Event> ? Event : Raw;

/** Which of Slack's three inputs an event came from. */
export type SlackInputKind = 'event' | 'interaction' | 'command';

/**
 * The raw shape of each event type, for `event.is(type)`: Events API types (`message`,
 * `app_mention`, ...: the callback around that event), interactivity types (`block_actions`, `view_submission`, `view_closed`,
 * `shortcut`, `message_action`, `interactive_message`) and `slash_command`.
 */
export type SlackRawEventMap = {
  [T in SlackEventsApiEvent['type']]: SlackEventCallback<Extract<SlackEventsApiEvent, { type: T }>>;
} & {
  [T in SlackInteraction['type']]: Extract<SlackInteraction, { type: T }>;
} & {
  slash_command: SlackSlashCommand;
};

/** Every type name `event.type` can have that this package knows. */
export type SlackEventType = keyof SlackRawEventMap;
