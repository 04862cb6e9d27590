import { randomBytes, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

import { FakeChats } from './fake-line-api-chats';
import { bodyErrors, checkMessages, type ErrorDetail, LINE_ID } from './fake-line-api-rules';

/**
 * A fake LINE Messaging API on 127.0.0.1, so the real SDK client and our reply client can be
 * tested end to end: it answers reply, push, the profile endpoints and the group, room and
 * per-user endpoints of {@link FakeChats} with LINE's success shapes,
 * and refuses what LINE refuses with LINE's error shape (`{ message, details? }`): a wrong bearer
 * token (401), a malformed body (400 with details), an unknown, used or expired reply token
 * (400 "Invalid reply token"), an unknown user (404). Every request is recorded.
 */

/** One request the fake received, and what it answered. */
export interface RecordedRequest {
  method: string;
  path: string;
  authorization: string | undefined;
  contentType: string | undefined;
  /** The parsed JSON body, or undefined for GET and unparsable bodies. */
  body: any;
  status: number;
  answer: any;
}

export interface FakeProfile {
  displayName: string;
  userId: string;
  pictureUrl?: string;
  statusMessage?: string;
  language?: string;
}

/** A message LINE delivered, with the conversation it went to and how. */
export interface Delivery {
  to: string | undefined;
  via: 'reply' | 'push';
  message: any;
}

export const AUTH_FAILED = {
  message: 'Authentication failed. Confirm that the access token in the authorization header is valid.',
};
export const INVALID_REPLY_TOKEN = { message: 'Invalid reply token' };
export const NOT_FOUND = { message: 'Not found' };

interface TokenState {
  to: string | undefined;
  used: boolean;
  expired: boolean;
}

export class FakeLineApi {
  readonly requests: RecordedRequest[] = [];
  readonly deliveries: Delivery[] = [];
  readonly #tokens = new Map<string, TokenState>();
  /** Groups, rooms, rich menus and link tokens. */
  readonly chats = new FakeChats();
  readonly #profiles = new Map<string, FakeProfile>();
  readonly #failures: { path: string; status: number; answer: unknown }[] = [];
  #server: Server | undefined;
  #origin = '';

  readonly #otherTokens = new Set<string>();

  constructor(readonly accessToken: string) {}

  /** Accepts the token of another channel too (a bot serving several LINE channels). */
  acceptAccessToken(token: string): void {
    this.#otherTokens.add(token);
  }

  /** `http://127.0.0.1:<port>`, for `channels.line.origin`. */
  get origin(): string {
    return this.#origin;
  }

  async start(): Promise<this> {
    const server = createServer((req, res) => this.#handle(req, res));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    this.#server = server;
    this.#origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    return this;
  }

  async close(): Promise<void> {
    const server = this.#server;
    if (!server) return;
    this.#server = undefined;
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  }

  /** A fresh reply token as LINE would put in a webhook event, tied to the conversation `to`. */
  issueReplyToken(to?: string): string {
    const token = randomBytes(16).toString('hex');
    this.#tokens.set(token, { to, used: false, expired: false });
    return token;
  }

  /** Makes a token expire, as LINE's do shortly after the event. */
  expireReplyToken(token: string): void {
    const state = this.#tokens.get(token);
    if (state) state.expired = true;
  }

  addProfile(profile: FakeProfile): void {
    this.#profiles.set(profile.userId, profile);
  }

  /** Makes `profile` a member of the group or room `chatId` (and the chat known to the fake). */
  addMember(chatId: string, profile: FakeProfile): void {
    this.chats.addMember(chatId, profile);
  }

  /** The next request to `path` gets this answer instead (for 429, 500, ...). */
  failNext(path: string, status: number, answer: unknown): void {
    this.#failures.push({ path, status, answer });
  }

  /** Recorded requests to one endpoint, e.g. `/v2/bot/message/reply`. */
  calls(path: string): RecordedRequest[] {
    return this.requests.filter((r) => r.path === path);
  }

  /** Texts delivered to one user, group or room, in order. */
  textsTo(to: string): string[] {
    return this.deliveries.filter((d) => d.to === to && d.message.type === 'text').map((d) => d.message.text);
  }

  #handle(req: IncomingMessage, res: ServerResponse): void {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      const path = (req.url ?? '/').split('?')[0];
      const record: RecordedRequest = {
        method: req.method ?? '',
        path,
        authorization: req.headers.authorization,
        contentType: req.headers['content-type'],
        body: undefined,
        status: 0,
        answer: undefined,
      };
      const [status, answer] = this.#route(req.method ?? '', path, raw, record);
      record.status = status;
      record.answer = answer;
      this.requests.push(record);
      const text = JSON.stringify(answer);
      res.writeHead(status, {
        'content-type': 'application/json',
        'content-length': Buffer.byteLength(text),
        'x-line-request-id': randomUUID(),
      });
      res.end(text);
    });
  }

  #route(method: string, path: string, raw: string, record: RecordedRequest): [number, unknown] {
    const bearer = record.authorization?.startsWith('Bearer ') ? record.authorization.slice(7) : undefined;
    if (bearer !== this.accessToken && !(bearer !== undefined && this.#otherTokens.has(bearer))) return [401, AUTH_FAILED];
    const failure = this.#failures.findIndex((f) => f.path === path);
    if (failure !== -1) {
      const [{ status, answer }] = this.#failures.splice(failure, 1);
      return [status, answer];
    }
    if (method === 'POST' && (path === '/v2/bot/message/reply' || path === '/v2/bot/message/push')) {
      if (!record.contentType?.startsWith('application/json')) {
        return [415, { message: 'The content type of the request body must be application/json' }];
      }
      try {
        record.body = JSON.parse(raw);
      } catch {
        return [400, { message: 'The request body could not be parsed as JSON (line: 1, column: 1)' }];
      }
      return path.endsWith('/reply') ? this.#reply(record.body) : this.#push(record.body);
    }
    const chats = this.chats.route(method, path);
    if (chats) return chats;
    if (method === 'GET') return this.#profile(path);
    return [404, NOT_FOUND];
  }

  #reply(body: any): [number, unknown] {
    const details: ErrorDetail[] = [];
    if (typeof body?.replyToken !== 'string' || body.replyToken === '') {
      details.push({ message: 'May not be empty', property: 'replyToken' });
    }
    checkMessages(details, body?.messages);
    if (details.length > 0) return [400, bodyErrors(details)];
    const token = this.#tokens.get(body.replyToken);
    if (!token || token.used || token.expired) return [400, INVALID_REPLY_TOKEN];
    token.used = true;
    return [200, this.#deliver(token.to, 'reply', body.messages)];
  }

  #push(body: any): [number, unknown] {
    const details: ErrorDetail[] = [];
    if (typeof body?.to !== 'string' || body.to === '') details.push({ message: 'May not be empty', property: 'to' });
    checkMessages(details, body?.messages);
    if (details.length > 0) return [400, bodyErrors(details)];
    if (!LINE_ID.test(body.to)) {
      return [400, { message: "The property, 'to', in the request body is invalid (line: -, column: -)" }];
    }
    return [200, this.#deliver(body.to, 'push', body.messages)];
  }

  #deliver(to: string | undefined, via: 'reply' | 'push', messages: any[]): unknown {
    const sentMessages = messages.map((message) => {
      this.deliveries.push({ to, via, message });
      const id = String(BigInt(`0x${randomBytes(7).toString('hex')}`));
      return message.type === 'text' || message.type === 'sticker'
        ? { id, quoteToken: randomBytes(24).toString('base64url') }
        : { id };
    });
    return { sentMessages };
  }

  #profile(path: string): [number, unknown] {
    const user = /^\/v2\/bot\/profile\/([^/]+)$/.exec(path);
    if (user) {
      const profile = this.#profiles.get(decodeURIComponent(user[1]));
      return profile ? [200, profile] : [404, NOT_FOUND];
    }
    const member = /^\/v2\/bot\/(?:group|room)\/([^/]+)\/member\/([^/]+)$/.exec(path);
    if (member) {
      const profile = this.chats.member(decodeURIComponent(member[1]), decodeURIComponent(member[2]));
      if (!profile) return [404, NOT_FOUND];
      // Member profiles carry no status message or language.
      return [200, { displayName: profile.displayName, userId: profile.userId, pictureUrl: profile.pictureUrl }];
    }
    return [404, NOT_FOUND];
  }
}

/** Starts a fake API that accepts `accessToken`. */
export function startFakeLineApi(accessToken: string): Promise<FakeLineApi> {
  return new FakeLineApi(accessToken).start();
}
