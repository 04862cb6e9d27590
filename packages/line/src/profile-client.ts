import type { messagingApi } from '@line/bot-sdk';

import type { LineSource } from './event';
import { callLine } from './sdk-call';

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
  constructor(private readonly client: messagingApi.MessagingApiClient) {}

  /**
   * The profile of the user behind `source`: through the group or room member API when the event
   * came from a group or room (a member need not be the bot's friend), otherwise the user's
   * profile. Null when the source names no user (a member who did not consent, or no source).
   */
  async profileOf(source: LineSource | undefined): Promise<LineUserProfile | null> {
    const userId = (source as { userId?: unknown } | undefined)?.userId;
    if (typeof userId !== 'string' || userId === '') return null;
    if (source?.type === 'group' || source?.type === 'room') return this.memberProfileOf(source, userId);
    return callLine('GET /v2/bot/profile/{userId}', () => this.client.getProfile(userId));
  }

  /** The profile of `userId` as a member of the group or room of `source`; null for other sources. */
  async memberProfileOf(source: LineSource | undefined, userId: string): Promise<LineUserProfile | null> {
    if (source?.type === 'group') {
      return callLine('GET /v2/bot/group/{groupId}/member/{userId}', () =>
        this.client.getGroupMemberProfile(source.groupId, userId),
      );
    }
    if (source?.type === 'room') {
      return callLine('GET /v2/bot/room/{roomId}/member/{userId}', () =>
        this.client.getRoomMemberProfile(source.roomId, userId),
      );
    }
    return null;
  }
}
