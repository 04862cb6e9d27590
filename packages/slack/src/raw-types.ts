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
/** The Events API callback around an event: `event_id`, `team_id`, `authorizations`, ... */
export type SlackEventEnvelope = Omit<EnvelopedEvent<SlackEventsApiEvent>, 'event'>;
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

/** Anything `context.event.rawEvent` can be. */
export type SlackRawEvent = SlackEventsApiEvent | SlackInteraction | SlackSlashCommand;

/** Which of Slack's three inputs an event came from. */
export type SlackInputKind = 'event' | 'interaction' | 'command';

/**
 * The raw shape of each event type, for `event.is(type)`: Events API types (`message`,
 * `app_mention`, ...), interactivity types (`block_actions`, `view_submission`, `view_closed`,
 * `shortcut`, `message_action`, `interactive_message`) and `slash_command`.
 */
export type SlackRawEventMap = {
  [T in SlackEventsApiEvent['type']]: Extract<SlackEventsApiEvent, { type: T }>;
} & {
  [T in SlackInteraction['type']]: Extract<SlackInteraction, { type: T }>;
} & {
  slash_command: SlackSlashCommand;
};

/** Every type name `event.type` can have that this package knows. */
export type SlackEventType = keyof SlackRawEventMap;
