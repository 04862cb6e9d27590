import type { FakeApiAnswer, FakeApiRequest, FakeApiSink } from './types';

/** The bot as `getMe` describes it. */
export const TELEGRAM_BOT = { id: 7000000001, is_bot: true, first_name: 'Dev console bot', username: 'dev_console_bot' };

/** Methods that send a message to a chat: what the page renders. */
const SENDS = new Set([
  'sendMessage', 'sendPhoto', 'sendAudio', 'sendDocument', 'sendVideo', 'sendAnimation', 'sendVoice', 'sendVideoNote',
  'sendSticker', 'sendLocation', 'sendVenue', 'sendContact', 'sendPoll', 'sendDice', 'sendMediaGroup', 'forwardMessage', 'copyMessage',
]);
const EDITS = new Set(['editMessageText', 'editMessageCaption', 'editMessageReplyMarkup', 'editMessageMedia']);
/** Methods answered `true`, as Telegram does. */
const TRUE_METHODS = new Set([
  'answerCallbackQuery', 'sendChatAction', 'deleteMessage', 'pinChatMessage', 'unpinChatMessage', 'leaveChat',
  'setMyCommands', 'deleteWebhook', 'setWebhook', 'setChatTitle', 'setChatDescription', 'banChatMember', 'unbanChatMember',
]);

/**
 * The Telegram Bot API as a bot calls it while it answers: `POST /bot<token>/<method>` with a
 * JSON, urlencoded or multipart body, answered in the Bot API's envelope (`{ ok, result }` or
 * `{ ok: false, error_code, description }`). A wrong token is 401 Unauthorized, an unknown method
 * 404, an empty text 400, as Telegram answers them.
 */
export class TelegramFakeApi {
  readonly #messageIds = new Map<string, number>();

  constructor(private readonly token: string) {}

  /** The id the next message in `chatId` gets (events and the bot's answers share the sequence). */
  nextMessageId(chatId: number): number {
    const next = (this.#messageIds.get(String(chatId)) ?? 0) + 1;
    this.#messageIds.set(String(chatId), next);
    return next;
  }

  /** The id of the last message in `chatId`, for the message a button press is on. */
  lastMessageId(chatId: number): number {
    return this.#messageIds.get(String(chatId)) ?? 1;
  }

  handle(request: FakeApiRequest, sink: FakeApiSink): FakeApiAnswer | undefined {
    const match = /^\/bot([^/]+)\/([A-Za-z]+)$/.exec(request.path);
    if (!match) return undefined;
    const [, token, method] = match;
    const answer = this.#route(decodeURIComponent(token), method, request, sink);
    if (!SENDS.has(method) && !EDITS.has(method)) {
      sink.call({ platform: 'telegram', method: request.method, path: `/bot…/${method}`, status: answer.status });
    }
    return answer;
  }

  #route(token: string, method: string, request: FakeApiRequest, sink: FakeApiSink): FakeApiAnswer {
    if (token !== this.token) return failure(401, 'Unauthorized');
    const params = decodeParams(request);
    if (method === 'getMe') return ok(TELEGRAM_BOT);
    if (SENDS.has(method) || EDITS.has(method)) {
      if (method === 'sendMessage' && (typeof params.text !== 'string' || params.text.trim() === '')) return failure(400, 'Bad Request: message text is empty');
      if (method === 'sendMessage' && params.text.length > 4096) return failure(400, 'Bad Request: message is too long');
      const chatId = Number(params.chat_id);
      sink.messages({
        platform: 'telegram',
        sessionId: Number.isSafeInteger(chatId) ? `telegram:${chatId}` : undefined,
        via: EDITS.has(method) ? 'edit' : method,
        messages: [{ method, ...params }],
      });
      const message: Record<string, unknown> = {
        message_id: EDITS.has(method) ? Number(params.message_id) : this.nextMessageId(chatId),
        from: TELEGRAM_BOT,
        chat: chatId < 0 ? { id: chatId, type: 'supergroup', title: 'group' } : { id: chatId, type: 'private', first_name: 'user' },
        date: Math.floor(Date.now() / 1000),
      };
      if (typeof params.text === 'string') message.text = params.text;
      if (params.message_thread_id !== undefined) Object.assign(message, { message_thread_id: Number(params.message_thread_id), is_topic_message: true });
      return ok(method === 'sendMediaGroup' ? [message] : message);
    }
    if (TRUE_METHODS.has(method)) return ok(true);
    if (method === 'getChat') return ok({ id: Number(params.chat_id), type: Number(params.chat_id) < 0 ? 'supergroup' : 'private' });
    if (method === 'getChatMemberCount') return ok(Number(params.chat_id) < 0 ? 3 : 2);
    if (method === 'getChatMember') return ok({ status: 'member', user: { id: Number(params.user_id), is_bot: false, first_name: 'member' } });
    return failure(404, 'Not Found');
  }
}

const NUMERIC = new Set(['chat_id', 'message_id', 'message_thread_id', 'reply_to_message_id', 'user_id', 'latitude', 'longitude', 'cache_time']);

function ok(result: unknown): FakeApiAnswer {
  return { status: 200, body: { ok: true, result } };
}

function failure(code: number, description: string): FakeApiAnswer {
  return { status: code, body: { ok: false, error_code: code, description } };
}

/** Parameters as Telegram reads them; JSON-valued fields (reply_markup, ...) decoded. */
function decodeParams(request: FakeApiRequest): Record<string, any> {
  const type = String(request.headers['content-type'] ?? '').split(';')[0].trim();
  const text = request.body.toString('utf8');
  if (type === 'application/json') {
    try {
      return text === '' ? {} : JSON.parse(text);
    } catch {
      return {};
    }
  }
  const fields: [string, string][] = [];
  if (type === 'application/x-www-form-urlencoded') fields.push(...new URLSearchParams(text).entries());
  else if (type === 'multipart/form-data') {
    const boundary = /boundary=([^;]+)/.exec(String(request.headers['content-type']))?.[1];
    for (const part of boundary ? request.body.toString('latin1').split(`--${boundary}`) : []) {
      const name = /name="([^"]+)"/.exec(part)?.[1];
      if (!name) continue;
      const filename = /filename="([^"]*)"/.exec(part)?.[1];
      const body = part.slice(part.indexOf('\r\n\r\n') + 4).replace(/\r\n$/, '');
      fields.push([name, filename !== undefined ? `(uploaded file ${filename})` : Buffer.from(body, 'latin1').toString('utf8')]);
    }
  }
  // Form bodies carry everything as text: read numbers and JSON-valued fields as Telegram does.
  const params: Record<string, any> = {};
  for (const [key, value] of fields) {
    params[key] = NUMERIC.has(key) && /^-?\d+(\.\d+)?$/.test(value) ? Number(value) : /^[[{]/.test(value) ? tryJson(value) : value;
  }
  return params;
}

function tryJson(value: string): unknown {
  try {
    return JSON.parse(value);
  } catch {
    return value;
  }
}
