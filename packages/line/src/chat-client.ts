import type { messagingApi } from '@line/bot-sdk';

import { LineApiError } from './api-error';
import type { LineSource } from './event';
import { callLine } from './sdk-call';

/**
 * The Messaging API calls about a conversation or a user other than messages and profiles:
 * leaving a group or room, counting its members, the user's rich menu, account-link tokens.
 * Rare calls, so they go through the SDK's client as is.
 */
export class ChatClient {
  constructor(private readonly client: messagingApi.MessagingApiClient) {}

  /** Members of the group or room of `source`; 1 for a one-to-one chat, null without a source. */
  async memberCount(source: LineSource | undefined): Promise<number | null> {
    if (source?.type === 'group') {
      const answer = await callLine('GET /v2/bot/group/{groupId}/members/count', () =>
        this.client.getGroupMemberCount(source.groupId),
      );
      return answer.count;
    }
    if (source?.type === 'room') {
      const answer = await callLine('GET /v2/bot/room/{roomId}/members/count', () =>
        this.client.getRoomMemberCount(source.roomId),
      );
      return answer.count;
    }
    return source?.type === 'user' ? 1 : null;
  }

  /** Makes the bot leave the group or room of `source`; the caller checked that it is one. */
  async leave(source: LineSource): Promise<void> {
    if (source.type === 'group') {
      await callLine('POST /v2/bot/group/{groupId}/leave', () => this.client.leaveGroup(source.groupId));
    } else if (source.type === 'room') {
      await callLine('POST /v2/bot/room/{roomId}/leave', () => this.client.leaveRoom(source.roomId));
    }
  }

  /** The rich menu linked to the user; null when none is (LINE answers 404). */
  async richMenuOf(userId: string): Promise<{ richMenuId: string } | null> {
    try {
      const answer = await callLine('GET /v2/bot/user/{userId}/richmenu', () => this.client.getRichMenuIdOfUser(userId));
      return { richMenuId: answer.richMenuId };
    } catch (error) {
      if (error instanceof LineApiError && error.status === 404) return null;
      throw error;
    }
  }

  async linkRichMenu(userId: string, richMenuId: string): Promise<void> {
    await callLine('POST /v2/bot/user/{userId}/richmenu/{richMenuId}', () =>
      this.client.linkRichMenuIdToUser(userId, richMenuId),
    );
  }

  async unlinkRichMenu(userId: string): Promise<void> {
    await callLine('DELETE /v2/bot/user/{userId}/richmenu', () => this.client.unlinkRichMenuIdFromUser(userId));
  }

  /** A token for account linking, valid for 10 minutes and usable once. */
  async issueLinkToken(userId: string): Promise<{ linkToken: string }> {
    const answer = await callLine('POST /v2/bot/user/{userId}/linkToken', () => this.client.issueLinkToken(userId));
    return { linkToken: answer.linkToken };
  }
}
