import { randomBytes } from 'node:crypto';

import type { FakeApiAnswer, FakeApiRequest, FakeApiSink } from './types';

/**
 * The part of LINE's Messaging API a bot calls while it answers, on 127.0.0.1, so the dev console
 * sees what the bot sent. Answers use LINE's shapes and refusals (`{ message, details? }`): a
 * wrong bearer token is 401, a reply token that is unknown or used is 400 "Invalid reply token",
 * 1 to 5 messages per call, an unknown user's profile is 404.
 */
export class LineFakeApi {
  /** reply token → its conversation id and whether it was used. */
  readonly #tokens = new Map<string, { to: string; used: boolean }>();
  /** user id → display name. */
  readonly #names = new Map<string, string>();
  /** group or room id → member user ids. */
  readonly #members = new Map<string, Set<string>>();
  /** group id → its name. */
  readonly #groupNames = new Map<string, string>();

  constructor(private readonly accessToken: string) {}

  /** A reply token for an event of conversation `to`, as LINE puts one in each event. */
  issueReplyToken(to: string): string {
    const token = randomBytes(16).toString('hex');
    this.#tokens.set(token, { to, used: false });
    // Bounded: the oldest tokens go first, as LINE's expire within a minute anyway.
    if (this.#tokens.size > 10_000) this.#tokens.delete(this.#tokens.keys().next().value!);
    return token;
  }

  /** Makes the user known to the profile endpoints, and a member of `chatId` when given. */
  addUser(userId: string, displayName: string, chatId?: string, chatName?: string): void {
    this.#names.set(userId, displayName);
    if (chatId === undefined) return;
    let members = this.#members.get(chatId);
    if (!members) this.#members.set(chatId, (members = new Set()));
    members.add(userId);
    if (chatName !== undefined) this.#groupNames.set(chatId, chatName);
  }

  /** Answers the Messaging API paths (`/v2/bot/...`); undefined for other paths. */
  handle(request: FakeApiRequest, sink: FakeApiSink): FakeApiAnswer | undefined {
    if (!request.path.startsWith('/v2/bot/')) return undefined;
    const answer = this.#route(request, sink);
    if (!(request.method === 'POST' && /^\/v2\/bot\/message\/(reply|push)$/.test(request.path) && answer.status === 200)) {
      sink.call({ platform: 'line', method: request.method, path: request.path, status: answer.status });
    }
    return answer;
  }

  #route(request: FakeApiRequest, sink: FakeApiSink): FakeApiAnswer {
    if (request.headers.authorization !== `Bearer ${this.accessToken}`) {
      return error(401, 'Authentication failed. Confirm that the access token in the authorization header is valid.');
    }
    const { method, path } = request;
    if (method === 'POST' && (path === '/v2/bot/message/reply' || path === '/v2/bot/message/push')) {
      let body: any;
      try {
        body = JSON.parse(request.body.toString('utf8'));
      } catch {
        return error(400, 'The request body could not be parsed as JSON');
      }
      if (!Array.isArray(body?.messages) || body.messages.length < 1 || body.messages.length > 5) {
        return { status: 400, body: { message: 'The request body has 1 error(s)', details: [{ message: 'Size must be between 1 and 5', property: 'messages' }] } };
      }
      if (path.endsWith('/reply')) {
        const token = typeof body.replyToken === 'string' ? this.#tokens.get(body.replyToken) : undefined;
        if (!token || token.used) return error(400, 'Invalid reply token');
        token.used = true;
        sink.messages({ platform: 'line', sessionId: `line:${token.to}`, replyHandle: body.replyToken, via: 'reply', messages: body.messages });
      } else {
        if (typeof body.to !== 'string' || !/^[UCR][0-9a-f]{32}$/.test(body.to)) {
          return error(400, "The property, 'to', in the request body is invalid (line: -, column: -)");
        }
        sink.messages({ platform: 'line', sessionId: `line:${body.to}`, via: 'push', messages: body.messages });
      }
      return { status: 200, body: { sentMessages: body.messages.map(() => ({ id: String(BigInt(`0x${randomBytes(7).toString('hex')}`)) })) } };
    }
    const parts = path.split('/').slice(3).map((part) => decodeURIComponent(part));
    if (method === 'GET' && parts[0] === 'profile' && parts.length === 2) return this.#profile(parts[1]);
    if ((parts[0] === 'group' || parts[0] === 'room') && parts.length >= 3) {
      const [, chatId, what, extra] = parts;
      const members = this.#members.get(chatId);
      if (!members) return error(404, 'Not found');
      if (method === 'GET' && what === 'member' && extra !== undefined && members.has(extra)) return this.#profile(extra);
      if (method === 'GET' && what === 'members' && extra === 'count') return { status: 200, body: { count: members.size } };
      if (method === 'GET' && what === 'summary' && parts[0] === 'group') {
        return { status: 200, body: { groupId: chatId, groupName: this.#groupNames.get(chatId) ?? chatId } };
      }
      if (method === 'POST' && what === 'leave') return { status: 200, body: {} };
    }
    return error(404, 'Not found');
  }

  #profile(userId: string): FakeApiAnswer {
    const displayName = this.#names.get(userId);
    if (displayName === undefined) return error(404, 'Not found');
    return { status: 200, body: { displayName, userId, language: 'en' } };
  }
}

function error(status: number, message: string): FakeApiAnswer {
  return { status, body: { message } };
}
