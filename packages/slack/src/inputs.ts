import { SlackEvent } from './event';
import type { SlackEventCallback, SlackInteraction, SlackSlashCommand } from './raw-types';

/**
 * Slack's three inputs turned into events, the same way whether they came over HTTP or Socket
 * Mode. Each function returns `undefined` (or throws {@link InputError}) for a shape Slack does
 * not send, so the transport can refuse it with its own words.
 */

/** An input that is not what Slack sends. The message is fixed text, never part of the input. */
export class InputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InputError';
  }
}

type Loose = Record<string, unknown>;

function isObject(value: unknown): value is Loose {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Retry information from the transport (HTTP headers, or the Socket Mode envelope). */
export interface RetryInfo {
  retryNum?: number;
  retryReason?: string;
}

/**
 * The event of an Events API `event_callback`. Other callback types carry no event for the
 * handler (`app_rate_limited` tells the app it was throttled): they give `[]`.
 */
export function eventsFromCallback(body: unknown, retry: RetryInfo): SlackEvent[] {
  if (!isObject(body) || typeof body.type !== 'string') {
    throw new InputError('body is not a Slack Events API callback: expected an object with a string "type"');
  }
  if (body.type !== 'event_callback') return [];
  const event = body.event;
  if (!isObject(event) || typeof event.type !== 'string') {
    throw new InputError('body is not a Slack Events API callback: "event" must be an object with a string "type"');
  }
  return [new SlackEvent('event', body as unknown as SlackEventCallback, retry)];
}

/** An interactivity payload (already parsed from JSON). */
export function eventFromInteraction(payload: unknown, retry: RetryInfo = {}): SlackEvent {
  if (!isObject(payload) || typeof payload.type !== 'string') {
    throw new InputError('payload is not a Slack interactivity payload: expected an object with a string "type"');
  }
  return new SlackEvent('interaction', payload as unknown as SlackInteraction, retry);
}

/** A slash command's fields. */
export function eventFromCommand(fields: unknown, retry: RetryInfo = {}): SlackEvent {
  if (!isObject(fields) || typeof fields.command !== 'string' || fields.command === '') {
    throw new InputError('body is not a Slack slash command: "command" is missing');
  }
  return new SlackEvent('command', fields as unknown as SlackSlashCommand, retry);
}

/** The events the handler should see: bot messages left out unless `includeBotMessages`. */
export function withoutBotMessages(events: SlackEvent[], includeBotMessages: boolean): SlackEvent[] {
  if (includeBotMessages || events.length === 0) return events;
  return events.some((event) => event.isBotMessage) ? events.filter((event) => !event.isBotMessage) : events;
}
