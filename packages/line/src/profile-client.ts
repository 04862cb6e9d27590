import { HTTPFetchError, messagingApi } from '@line/bot-sdk';

import { LineApiError, LineNetworkError } from './api-error';
import type { LineSource } from './event';

/**
 * A LINE user's profile. `statusMessage` and `language` are only known for users who chat with
 * the bot one-to-one; a group or room member's profile has the first three fields.
 */
export interface LineUserProfile {
  displayName: string;
  userId: string;
  pictureUrl?: string;
  statusMessage?: string;
  language?: string;
}

/**
 * Profile look-ups through the SDK's Messaging API client. These calls are rare next to replies,
 * so they use the SDK as is (its `fetch` transport is slower but not on the hot path).
 */
export class ProfileClient {
  readonly #client: messagingApi.MessagingApiClient;

  constructor(origin: string, accessToken: string) {
    this.#client = new messagingApi.MessagingApiClient({ channelAccessToken: accessToken, baseURL: origin });
  }

  /**
   * The profile of the user behind `source`: through the group or room member API when the event
   * came from a group or room (a member need not be the bot's friend), otherwise the user's
   * profile. Null when the source names no user (a member who did not consent, or no source).
   */
  async profileOf(source: LineSource | undefined): Promise<LineUserProfile | null> {
    const userId = (source as { userId?: unknown } | undefined)?.userId;
    if (typeof userId !== 'string' || userId === '') return null;
    if (source?.type === 'group') {
      return this.#call(`GET /v2/bot/group/{groupId}/member/{userId}`, () =>
        this.#client.getGroupMemberProfile(source.groupId, userId),
      );
    }
    if (source?.type === 'room') {
      return this.#call(`GET /v2/bot/room/{roomId}/member/{userId}`, () =>
        this.#client.getRoomMemberProfile(source.roomId, userId),
      );
    }
    return this.#call('GET /v2/bot/profile/{userId}', () => this.#client.getProfile(userId));
  }

  /** Runs an SDK call, turning its errors into this package's (without ids in the endpoint). */
  async #call<T>(endpoint: string, call: () => Promise<T>): Promise<T> {
    try {
      return await call();
    } catch (error) {
      if (error instanceof HTTPFetchError) {
        const requestId = error.headers?.get?.('x-line-request-id') ?? undefined;
        throw LineApiError.fromAnswer(endpoint, error.status, error.body ?? '', requestId);
      }
      throw new LineNetworkError(endpoint, error);
    }
  }
}
