import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

import { type PendingPoll, UpdateQueue } from './fake-telegram-updates';

/**
 * A fake Telegram Bot API on 127.0.0.1, built from the published method formats, so the SDK's
 * client and our pool fetch are tested end to end. Requests go to `/bot<token>/<method>` with
 * urlencoded, JSON or multipart bodies (or a query string); answers are the Bot API's envelope,
 * `{ ok: true, result }` or `{ ok: false, error_code, description, parameters? }`. It refuses what
 * Telegram refuses: a wrong token (401 Unauthorized), an unknown method (404), a chat it was told
 * does not exist (400 chat not found), a group that became a supergroup (400 with
 * `migrate_to_chat_id`), an empty message text, a non-HTTPS webhook URL, `getUpdates` while a
 * webhook is set (409). `getUpdates` keeps Telegram's offset semantics (fake-telegram-updates.ts).
 * Every request is recorded.
 */

/** One request the fake received, and what it answered. */
export interface RecordedCall {
  method: string;
  /** Parameters decoded as Telegram reads them: numbers, booleans and JSON objects decoded. */
  params: Record<string, any>;
  contentType: string | undefined;
  status: number;
  answer: any;
}

/** A message the fake delivered to a chat. */
export interface Delivered {
  method: string;
  chatId: number | string;
  threadId: number | undefined;
  text: string | undefined;
  params: Record<string, any>;
}

export const BOT_USER = { id: 7000000001, is_bot: true, first_name: 'Counter', username: 'counter_test_bot' };

const NUMERIC = new Set([
  'chat_id', 'from_chat_id', 'message_id', 'message_thread_id', 'direct_messages_topic_id', 'user_id', 'offset',
  'limit', 'timeout', 'latitude', 'longitude', 'score', 'cache_time', 'max_connections', 'until_date', 'live_period',
]);
const TEXTUAL = new Set(['text', 'caption', 'question', 'title', 'description', 'data', 'url', 'secret_token', 'action', 'payload']);

const SENDS = new Set([
  'sendMessage', 'sendPhoto', 'sendAudio', 'sendDocument', 'sendVideo', 'sendAnimation', 'sendVoice', 'sendVideoNote',
  'sendSticker', 'sendLocation', 'sendVenue', 'sendContact', 'sendPoll', 'sendDice', 'sendInvoice', 'sendGame',
  'sendMediaGroup', 'forwardMessage',
]);
const TRUE_METHODS = new Set([
  'answerCallbackQuery', 'answerInlineQuery', 'answerShippingQuery', 'answerPreCheckoutQuery', 'sendChatAction',
  'deleteMessage', 'banChatMember', 'unbanChatMember', 'restrictChatMember', 'promoteChatMember', 'setChatTitle',
  'setChatDescription', 'setChatStickerSet', 'deleteChatStickerSet', 'deleteChatPhoto', 'pinChatMessage',
  'unpinChatMessage', 'leaveChat', 'setChatPermissions', 'createNewStickerSet', 'addStickerToSet',
]);
const EDITS = new Set(['editMessageText', 'editMessageCaption', 'editMessageReplyMarkup', 'editMessageMedia', 'editMessageLiveLocation', 'stopMessageLiveLocation', 'setGameScore']);

export class FakeTelegramApi {
  readonly calls: RecordedCall[] = [];
  readonly delivered: Delivered[] = [];
  readonly updates = new UpdateQueue();
  webhook: { url: string; secret_token?: string; allowed_updates?: string[]; max_connections?: number } | undefined;
  /** Chat ids that answer 400 chat not found. */
  readonly unknownChats = new Set<number | string>();
  /** Old group id -> the supergroup it became. */
  readonly migrated = new Map<number, number>();
  readonly #failures: { method: string; status: number; answer: unknown }[] = [];
  readonly #messageIds = new Map<string, number>();
  #pollIds = 0;
  #server: Server | undefined;
  #origin = '';

  constructor(readonly token: string) {}

  /** `http://127.0.0.1:<port>`, for `channels.telegram.origin`. */
  get origin(): string {
    return this.#origin;
  }

  async start(): Promise<this> {
    const server = createServer((req, res) => this.#handle(req, res));
    server.keepAliveTimeout = 60_000;
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    this.#server = server;
    this.#origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    return this;
  }

  async close(): Promise<void> {
    const server = this.#server;
    if (!server) return;
    this.#server = undefined;
    this.updates.close();
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  }

  /** The next call of `method` gets this answer instead (429, 500, ...). */
  failNext(method: string, status: number, answer: unknown): void {
    this.#failures.push({ method, status, answer });
  }

  /** Recorded calls of one method. */
  callsOf(method: string): RecordedCall[] {
    return this.calls.filter((c) => c.method === method);
  }

  /** Texts delivered to a chat (optionally one topic), in order. */
  textsTo(chatId: number, threadId?: number): string[] {
    return this.delivered
      .filter((d) => d.chatId === chatId && (threadId === undefined || d.threadId === threadId) && d.text !== undefined)
      .map((d) => d.text!);
  }

  #handle(req: IncomingMessage, res: ServerResponse): void {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://fake');
      const match = /^\/bot([^/]+)\/([A-Za-z]+)$/.exec(url.pathname);
      const method = match?.[2] ?? '';
      const contentType = req.headers['content-type'];
      const params = decodeParams(Buffer.concat(chunks), contentType, url.searchParams);
      const record: RecordedCall = { method, params, contentType, status: 0, answer: undefined };
      const reply: PendingPoll = {
        answer: (status, answer) => {
          record.status = status;
          record.answer = answer;
          this.calls.push(record);
          const text = JSON.stringify(answer);
          if (res.writableEnded || res.destroyed) return;
          res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
          res.end(text);
        },
      };
      if (!match || decodeURIComponent(match[1]) !== this.token) {
        reply.answer(match ? 401 : 404, { ok: false, error_code: match ? 401 : 404, description: match ? 'Unauthorized' : 'Not Found' });
        return;
      }
      const failure = this.#failures.findIndex((f) => f.method === method);
      if (failure !== -1) {
        const [{ status, answer }] = this.#failures.splice(failure, 1);
        reply.answer(status, answer);
        return;
      }
      if (method === 'getUpdates') {
        if (this.webhook) {
          reply.answer(409, {
            ok: false,
            error_code: 409,
            description: "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first",
          });
          return;
        }
        this.updates.poll(params, reply);
        return;
      }
      const [status, answer] = this.#route(method, params);
      reply.answer(status, answer);
    });
  }

  #route(method: string, p: Record<string, any>): [number, unknown] {
    // An inline message (sent via inline mode) is named by inline_message_id, without a chat.
    const inline = EDITS.has(method) && typeof p.inline_message_id === 'string' && p.inline_message_id !== '';
    const chatMethod = SENDS.has(method) || EDITS.has(method) || TRUE_METHODS.has(method) || method.startsWith('getChat') || method === 'exportChatInviteLink';
    if (chatMethod && !inline && !['createNewStickerSet', 'addStickerToSet'].includes(method)) {
      const chatError = this.#checkChat(p.chat_id, method);
      if (chatError) return chatError;
    }
    if (SENDS.has(method)) return this.#send(method, p);
    if (EDITS.has(method)) {
      if (method === 'editMessageText' && !p.text) return badRequest('Bad Request: message text is empty');
      this.delivered.push({ method, chatId: p.chat_id, threadId: undefined, text: p.text, params: p });
      return ok(true);
    }
    if (method === 'answerInlineQuery') {
      const refused = checkInlineResults(p.results);
      if (refused) return badRequest(refused);
    }
    if (TRUE_METHODS.has(method)) {
      if (method !== 'sendChatAction') this.delivered.push({ method, chatId: p.chat_id, threadId: p.message_thread_id, text: undefined, params: p });
      return ok(true);
    }
    switch (method) {
      case 'getMe':
        return ok(BOT_USER);
      case 'setWebhook':
        if (typeof p.url !== 'string') return badRequest('Bad Request: bad webhook: URL must be provided');
        if (p.url === '') {
          this.webhook = undefined;
          return [200, { ok: true, result: true, description: 'Webhook was deleted' }];
        }
        if (!p.url.startsWith('https://')) return badRequest('Bad Request: bad webhook: An HTTPS URL must be provided for webhook');
        if (p.secret_token !== undefined && !/^[A-Za-z0-9_-]{1,256}$/.test(p.secret_token)) {
          return badRequest('Bad Request: secret token contains unallowed characters');
        }
        if (p.drop_pending_updates === true) this.updates.drop();
        this.webhook = { url: p.url, secret_token: p.secret_token, allowed_updates: p.allowed_updates, max_connections: p.max_connections };
        return [200, { ok: true, result: true, description: 'Webhook was set' }];
      case 'deleteWebhook': {
        const had = this.webhook !== undefined;
        this.webhook = undefined;
        if (p.drop_pending_updates === true) this.updates.drop();
        return [200, { ok: true, result: true, description: had ? 'Webhook was deleted' : 'Webhook is already deleted' }];
      }
      case 'getWebhookInfo': {
        const info: Record<string, unknown> = {
          url: this.webhook?.url ?? '',
          has_custom_certificate: false,
          pending_update_count: this.updates.pending.length,
        };
        if (this.webhook?.max_connections) info.max_connections = this.webhook.max_connections;
        if (this.webhook?.allowed_updates) info.allowed_updates = this.webhook.allowed_updates;
        return ok(info);
      }
      case 'getChat':
        return ok({ id: p.chat_id, type: p.chat_id < 0 ? 'supergroup' : 'private', accent_color_id: 0, max_reaction_count: 11 });
      case 'getChatAdministrators':
        return ok([{ status: 'creator', user: { id: 1001, is_bot: false, first_name: 'Alice' }, is_anonymous: false }]);
      case 'getChatMemberCount':
        return ok(3);
      case 'getChatMember':
        return ok({ status: 'member', user: { id: p.user_id, is_bot: false, first_name: 'Member' } });
      case 'getUserProfilePhotos':
        return ok({ total_count: 0, photos: [] });
      case 'exportChatInviteLink':
        return ok('https://t.me/+AbCdEfGhIjKlMnOp');
      case 'getFile':
        if (typeof p.file_id !== 'string' || p.file_id === '') return badRequest('Bad Request: file_id is empty');
        return ok({ file_id: p.file_id, file_unique_id: `u-${p.file_id}`, file_size: 2048, file_path: `photos/${p.file_id}.jpg` });
      case 'stopPoll':
        return ok({ ...pollOf(p, '0'), is_closed: true });
      case 'getGameHighScores':
        return ok([{ position: 1, user: { id: p.user_id, is_bot: false, first_name: 'Player' }, score: 42 }]);
      default:
        return [404, { ok: false, error_code: 404, description: 'Not Found' }];
    }
  }

  #checkChat(chatId: unknown, method: string): [number, unknown] | undefined {
    if (method === 'answerCallbackQuery' || method.startsWith('answer')) return undefined;
    if (chatId === undefined || chatId === '') return badRequest('Bad Request: chat_id is empty');
    if (typeof chatId === 'number' && this.migrated.has(chatId)) {
      return [
        400,
        {
          ok: false,
          error_code: 400,
          description: 'Bad Request: group chat was upgraded to a supergroup chat',
          parameters: { migrate_to_chat_id: this.migrated.get(chatId) },
        },
      ];
    }
    if (this.unknownChats.has(chatId as number)) return badRequest('Bad Request: chat not found');
    return undefined;
  }

  #send(method: string, p: Record<string, any>): [number, unknown] {
    if (method === 'sendMessage' && (typeof p.text !== 'string' || p.text.trim() === '')) {
      return badRequest('Bad Request: message text is empty');
    }
    if (method === 'sendMessage' && p.text.length > 4096) return badRequest('Bad Request: message is too long');
    if (method === 'sendGame' && (typeof p.game_short_name !== 'string' || p.game_short_name === '')) return badRequest('Bad Request: GAME_SHORT_NAME_INVALID');
    const key = String(p.chat_id);
    const messageId = (this.#messageIds.get(key) ?? 0) + 1;
    this.#messageIds.set(key, messageId);
    this.delivered.push({ method, chatId: p.chat_id, threadId: p.message_thread_id, text: p.text, params: p });
    const message: Record<string, unknown> = {
      message_id: messageId,
      from: BOT_USER,
      chat: p.chat_id < 0 ? { id: p.chat_id, title: 'Group', type: 'supergroup' } : { id: p.chat_id, first_name: 'User', type: 'private' },
      date: Math.floor(Date.now() / 1000),
    };
    if (p.message_thread_id !== undefined) {
      message.message_thread_id = p.message_thread_id;
      message.is_topic_message = true;
    }
    if (p.text !== undefined) message.text = p.text;
    if (method === 'sendGame') message.game = { title: p.game_short_name, description: 'A game', photo: [] };
    if (method === 'sendPoll') message.poll = pollOf(p, String(5800000000000000000n + BigInt(++this.#pollIds)));
    return ok(method === 'sendMediaGroup' ? [message] : message);
  }
}

/**
 * What Telegram says of `answerInlineQuery`'s results, for the fields the tests meet: each result
 * needs a type and an id; an article needs a title and input_message_content; a photo needs
 * photo_url and thumbnail_url (Bot API 6.6's name: the fake, like today's docs, knows no
 * `thumb_url`).
 */
function checkInlineResults(results: unknown): string | undefined {
  if (!Array.isArray(results)) return "Bad Request: can't parse inline query results JSON object";
  const required: Record<string, string[]> = { article: ['title', 'input_message_content'], photo: ['photo_url', 'thumbnail_url'] };
  for (const result of results) {
    if (typeof result?.type !== 'string' || typeof result?.id !== 'string' || result.id === '') return 'Bad Request: RESULT_ID_INVALID';
    for (const field of required[result.type] ?? []) {
      if (result[field] === undefined) return `Bad Request: can't parse InlineQueryResult: Field "${field}" must be present`;
    }
    if (result.type === 'article' && typeof result.input_message_content?.message_text !== 'string') {
      return 'Bad Request: MESSAGE_EMPTY';
    }
  }
  return undefined;
}

/** The Poll object Telegram answers `sendPoll` with: no votes yet. */
function pollOf(p: Record<string, any>, id: string): Record<string, unknown> {
  const options = Array.isArray(p.options) ? p.options : [];
  return {
    id,
    question: p.question,
    options: options.map((option: { text?: unknown }) => ({ text: option?.text, voter_count: 0 })),
    total_voter_count: 0,
    is_closed: false,
    is_anonymous: p.is_anonymous ?? true,
    type: p.type ?? 'regular',
    allows_multiple_answers: p.allows_multiple_answers ?? false,
  };
}

function ok(result: unknown): [number, unknown] {
  return [200, { ok: true, result }];
}

function badRequest(description: string): [number, unknown] {
  return [400, { ok: false, error_code: 400, description }];
}

/** Parses a Bot API request's parameters the way Telegram accepts them. */
function decodeParams(raw: Buffer, contentType: string | undefined, query: URLSearchParams): Record<string, any> {
  const fields: [string, string][] = [...query.entries()];
  const type = contentType?.split(';')[0].trim();
  if (type === 'application/x-www-form-urlencoded') fields.push(...new URLSearchParams(raw.toString('utf8')).entries());
  else if (type === 'application/json' && raw.length > 0) {
    try {
      return JSON.parse(raw.toString('utf8'));
    } catch {
      return {};
    }
  } else if (type === 'multipart/form-data') {
    // Enough for uploads: the text fields, and each file part's name and filename.
    const boundary = /boundary=([^;]+)/.exec(contentType ?? '')?.[1];
    if (boundary) {
      for (const part of raw.toString('latin1').split(`--${boundary}`)) {
        const name = /name="([^"]+)"/.exec(part)?.[1];
        if (!name) continue;
        const filename = /filename="([^"]*)"/.exec(part)?.[1];
        const body = part.slice(part.indexOf('\r\n\r\n') + 4).replace(/\r\n$/, '');
        fields.push([name, filename !== undefined ? `<file ${filename} ${body.length} bytes>` : Buffer.from(body, 'latin1').toString('utf8')]);
      }
    }
  }
  const params: Record<string, any> = {};
  for (const [key, value] of fields) params[key] = decodeValue(key, value);
  return params;
}

function decodeValue(key: string, value: string): unknown {
  if (NUMERIC.has(key) && /^-?\d+(\.\d+)?$/.test(value)) return Number(value);
  if (TEXTUAL.has(key)) return value;
  if (value === 'true' || value === 'false') return value === 'true';
  if (value.startsWith('{') || value.startsWith('[')) {
    try {
      return JSON.parse(value);
    } catch {
      return value;
    }
  }
  return value;
}

/** Starts a fake Bot API that accepts `token`. */
export function startFakeTelegramApi(token: string): Promise<FakeTelegramApi> {
  return new FakeTelegramApi(token).start();
}
