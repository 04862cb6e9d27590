import type { SlackInputKind } from './raw-types';

/**
 * Where an input belongs, read from Slack's payload by the table of docs/platforms/slack.md:
 *
 * | input | channel |
 * | --- | --- |
 * | Events API event with `channel` (a string, or an object with `id`) | `channel` |
 * | event or slash command with `channel_id` | `channel_id` |
 * | interactivity payload with `channel.id` (buttons in messages, message shortcuts) | `channel.id` |
 * | event with `item.channel` (reactions, stars, pins) | `item.channel` |
 * | modal payload whose `view.private_metadata` is JSON with `channelId` (what `context.views.open` keeps) | that channel |
 * | anything else with a user (global shortcuts, modals opened without a channel) | the user's DM with the app, resolved by the connector |
 *
 * Every value read here comes from the network: only non-empty strings of sane length count.
 */
export interface SlackPlace {
  /** The channel id, when the input names one. */
  channel: string | undefined;
  /** The thread (`thread_ts`) a message or an action in a message belongs to. */
  threadTs: string | undefined;
  /** The user behind the input. */
  user: string | undefined;
  /** The team (workspace) id. */
  team: string | undefined;
  /** True when `view.private_metadata` was present but not JSON (the channel could not be read from it). */
  badMetadata: boolean;
}

/** Slack ids and timestamps are short; anything long is not one. */
const MAX_ID_LENGTH = 64;

export function idOf(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' && value.length <= MAX_ID_LENGTH ? value : undefined;
}

function objectOf(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}

/**
 * The channel kept in a modal's `private_metadata`: JSON with `channelId` (Bottender 1.x's
 * `views.open` wrote it so, and so does ours). `undefined` for no metadata or JSON without it;
 * `null` when the metadata is not JSON at all.
 */
export function metadataChannel(metadata: unknown): string | undefined | null {
  if (typeof metadata !== 'string' || metadata === '') return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(metadata);
  } catch {
    return null;
  }
  return idOf(objectOf(parsed)?.channelId);
}

/** Reads where `raw` belongs; see {@link SlackPlace}. */
export function placeOf(kind: SlackInputKind, raw: unknown, teamFromEnvelope?: string): SlackPlace {
  const input = objectOf(raw) ?? {};
  const place: SlackPlace = { channel: undefined, threadTs: undefined, user: undefined, team: idOf(teamFromEnvelope), badMetadata: false };
  if (kind === 'command') {
    place.channel = idOf(input.channel_id);
    place.user = idOf(input.user_id);
    place.team ??= idOf(input.team_id);
    return place;
  }
  const channel = input.channel;
  place.channel = idOf(channel) ?? idOf(objectOf(channel)?.id) ?? idOf(input.channel_id) ?? idOf(objectOf(input.item)?.channel);
  const user = input.user;
  place.user = idOf(user) ?? idOf(objectOf(user)?.id) ?? idOf(input.user_id);
  place.team ??= idOf(input.team) ?? idOf(objectOf(input.team)?.id) ?? idOf(input.team_id);
  if (kind === 'event') {
    place.threadTs = idOf(input.thread_ts) ?? idOf(objectOf(input.message)?.thread_ts) ?? idOf(objectOf(input.previous_message)?.thread_ts);
  } else {
    const container = objectOf(input.container);
    place.threadTs = idOf(container?.thread_ts) ?? idOf(objectOf(input.message)?.thread_ts);
    if (place.channel === undefined) {
      const fromMetadata = metadataChannel(objectOf(input.view)?.private_metadata);
      if (fromMetadata === null) place.badMetadata = true;
      else place.channel = fromMetadata ?? idOf(container?.channel_id);
    }
  }
  return place;
}
