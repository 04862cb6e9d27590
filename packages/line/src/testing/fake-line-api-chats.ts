import { randomBytes } from 'node:crypto';

/**
 * The fake API's groups, rooms and per-user settings: who is a member of which chat (for member
 * profiles and counts), which chats the bot left, which rich menu each user has, and account-link
 * tokens. Answers use LINE's shapes: `{}` for done, `{ count }`, `{ richMenuId }`, `{ linkToken }`,
 * 404 `{ message: 'Not found' }` for what LINE does not know.
 */

export interface FakeMember {
  displayName: string;
  userId: string;
  pictureUrl?: string;
}

type Answer = [number, unknown];

const NOT_FOUND: Answer = [404, { message: 'Not found' }];
const DONE: Answer = [200, {}];

export class FakeChats {
  /** `${chatId}/${userId}` → the member. */
  readonly #members = new Map<string, FakeMember>();
  /** Groups and rooms the bot left, in order. */
  readonly left: string[] = [];
  /** Rich menu ids that exist. */
  readonly richMenus = new Set<string>();
  /** userId → the rich menu linked to that user. */
  readonly linkedRichMenus = new Map<string, string>();
  /** Link tokens issued, in order. */
  readonly linkTokens: { userId: string; linkToken: string }[] = [];

  addMember(chatId: string, member: FakeMember): void {
    this.#members.set(`${chatId}/${member.userId}`, member);
  }

  member(chatId: string, userId: string): FakeMember | undefined {
    return this.#members.get(`${chatId}/${userId}`);
  }

  /** Answers the routes this class knows; undefined for any other. */
  route(method: string, path: string): Answer | undefined {
    const parts = path.split('/').slice(1).map(decodeURIComponent);
    // /v2/bot/{group|room}/{id}/leave and /v2/bot/{group|room}/{id}/members/count
    if (parts[0] === 'v2' && parts[1] === 'bot' && (parts[2] === 'group' || parts[2] === 'room')) {
      const chatId = parts[3];
      if (method === 'POST' && parts[4] === 'leave' && parts.length === 5) return this.#leave(chatId);
      if (method === 'GET' && parts[4] === 'members' && parts[5] === 'count' && parts.length === 6) return this.#count(chatId);
      return undefined;
    }
    // /v2/bot/user/{userId}/richmenu[/{richMenuId}] and /v2/bot/user/{userId}/linkToken
    if (parts[0] === 'v2' && parts[1] === 'bot' && parts[2] === 'user') {
      const userId = parts[3];
      if (parts[4] === 'richmenu' && parts.length === 5 && method === 'GET') return this.#richMenuOf(userId);
      if (parts[4] === 'richmenu' && parts.length === 5 && method === 'DELETE') return this.#unlink(userId);
      if (parts[4] === 'richmenu' && parts.length === 6 && method === 'POST') return this.#link(userId, parts[5]);
      if (parts[4] === 'linkToken' && parts.length === 5 && method === 'POST') return this.#linkToken(userId);
    }
    return undefined;
  }

  #isChat(chatId: string): boolean {
    return [...this.#members.keys()].some((key) => key.startsWith(`${chatId}/`)) && !this.left.includes(chatId);
  }

  #leave(chatId: string): Answer {
    if (!this.#isChat(chatId)) return NOT_FOUND;
    this.left.push(chatId);
    return DONE;
  }

  #count(chatId: string): Answer {
    if (!this.#isChat(chatId)) return NOT_FOUND;
    return [200, { count: [...this.#members.keys()].filter((key) => key.startsWith(`${chatId}/`)).length }];
  }

  #richMenuOf(userId: string): Answer {
    const richMenuId = this.linkedRichMenus.get(userId);
    return richMenuId === undefined ? NOT_FOUND : [200, { richMenuId }];
  }

  #link(userId: string, richMenuId: string): Answer {
    if (!this.richMenus.has(richMenuId)) return NOT_FOUND;
    this.linkedRichMenus.set(userId, richMenuId);
    return DONE;
  }

  #unlink(userId: string): Answer {
    this.linkedRichMenus.delete(userId);
    return DONE;
  }

  #linkToken(userId: string): Answer {
    const linkToken = randomBytes(24).toString('base64url');
    this.linkTokens.push({ userId, linkToken });
    return [200, { linkToken }];
  }
}
