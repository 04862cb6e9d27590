import type { WebClient } from '@slack/web-api';

import type { SlackEvent } from './event';
import { callSlack } from './web-api';

/** How many users' DM channels are remembered. */
const MAX_REMEMBERED = 10_000;

/**
 * The DM channel between the app and a user, for inputs that name a user but no channel (global
 * shortcuts, modals opened without a channel): their session is the user's DM with the app, the
 * same session as the messages the user sends the app directly.
 *
 * Slack's payloads do not carry that channel's id, so it is asked once per user with
 * `conversations.open` (scope `im:write`) and remembered; a user's DM channel never changes.
 */
export class DmChannels {
  readonly #known = new Map<string, string>();
  readonly #pending = new Map<string, Promise<string>>();

  constructor(private readonly client: WebClient) {}

  /** The remembered DM channel of `user` in `team`, if any. */
  known(team: string | undefined, user: string): string | undefined {
    return this.#known.get(`${team ?? ''}:${user}`);
  }

  /** Fills `event.dmChannel` for an input with a user and no channel; throws when Slack refuses. */
  async resolve(event: SlackEvent): Promise<void> {
    const user = event.userId;
    if (event.channelId !== undefined || user === undefined || event.hasUnreadableMetadata) return;
    const key = `${event.teamId ?? ''}:${user}`;
    const known = this.#known.get(key);
    if (known !== undefined) {
      event.dmChannel = known;
      return;
    }
    let pending = this.#pending.get(key);
    if (pending === undefined) {
      pending = this.#open(key, user).finally(() => this.#pending.delete(key));
      this.#pending.set(key, pending);
    }
    event.dmChannel = await pending;
  }

  async #open(key: string, user: string): Promise<string> {
    const answer = await callSlack('conversations.open', () => this.client.conversations.open({ users: user }));
    const id = answer.channel?.id;
    if (typeof id !== 'string' || id === '') throw new Error('conversations.open answered without a channel id');
    if (this.#known.size >= MAX_REMEMBERED) this.#known.delete(this.#known.keys().next().value as string);
    this.#known.set(key, id);
    return id;
  }
}
