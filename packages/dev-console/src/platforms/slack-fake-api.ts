import { randomBytes } from 'node:crypto';

import type { FakeApiAnswer, FakeApiRequest, FakeApiSink } from './types';

/** The app's bot user and workspace, as `auth.test` describes them. */
export const SLACK_BOT = { user_id: 'U0DEVBOT01', bot_id: 'B0DEVBOT01', team_id: 'T0DEVTEAM1', team: 'dev-console', user: 'dev-console-bot' };

/** Methods whose body is a message the page renders. */
const MESSAGE_METHODS = new Set(['chat.postMessage', 'chat.postEphemeral', 'chat.update', 'chat.scheduleMessage', 'chat.meMessage']);

/**
 * Slack's Web API (`POST /api/<method>`, form or JSON bodies, a bearer token) and the
 * `response_url`s the dev console hands out with slash commands and button presses, answered in
 * Slack's shapes: `{ ok: true, ... }`, `{ ok: false, error }` (`invalid_auth`, `unknown_method`,
 * `no_text`), and `ok` for a response URL, which works at most 5 times as Slack's do.
 */
export class SlackFakeApi {
  readonly #responseUrls = new Map<string, { sessionId: string; uses: number }>();
  constructor(
    private readonly token: string,
    /** The DM channel of a user with the app (`conversations.open`). */
    private readonly dmOf: (user: string) => string,
    /** The session a message posted to `channel` (in `threadTs`) belongs to. */
    private readonly sessionOf: (channel: string, threadTs: string | undefined) => string,
  ) {}

  /** A response URL on `origin` for an input of `sessionId`. */
  issueResponseUrl(origin: string, sessionId: string): string {
    const id = randomBytes(12).toString('hex');
    this.#responseUrls.set(id, { sessionId, uses: 0 });
    if (this.#responseUrls.size > 10_000) this.#responseUrls.delete(this.#responseUrls.keys().next().value!);
    return `${origin}/slack-response/${id}`;
  }

  handle(request: FakeApiRequest, sink: FakeApiSink): FakeApiAnswer | undefined {
    const response = /^\/slack-response\/([0-9a-f]{24})$/.exec(request.path);
    if (response) return this.#respond(response[1], request, sink);
    const match = /^\/api\/([A-Za-z.]+)$/.exec(request.path);
    if (!match) return undefined;
    const method = match[1];
    const answer = this.#route(method, request, sink);
    if (!MESSAGE_METHODS.has(method)) sink.call({ platform: 'slack', method: request.method, path: `/api/${method}`, status: answer.status });
    return answer;
  }

  #route(method: string, request: FakeApiRequest, sink: FakeApiSink): FakeApiAnswer {
    const params = decodeParams(request);
    const auth = request.headers.authorization;
    const token = typeof auth === 'string' && auth.startsWith('Bearer ') ? auth.slice(7) : params.token;
    if (token !== this.token) return fail('invalid_auth');
    if (MESSAGE_METHODS.has(method)) {
      if (typeof params.channel !== 'string' || params.channel === '') return fail('channel_not_found');
      if (!params.text && !params.blocks && !params.attachments) return fail('no_text');
      const { token: _token, ...message } = params;
      const threadTs = typeof params.thread_ts === 'string' ? params.thread_ts : undefined;
      sink.messages({ platform: 'slack', sessionId: this.sessionOf(params.channel, threadTs), via: method, messages: [message] });
      const ts = `${Math.floor(Date.now() / 1000)}.${String(randomBytes(3).readUIntBE(0, 3)).padStart(6, '0')}`;
      return ok({ channel: params.channel, ts, message: { ...message, ts, user: SLACK_BOT.user_id, bot_id: SLACK_BOT.bot_id } });
    }
    switch (method) {
      case 'auth.test':
        return ok({ url: 'https://dev-console.slack.com/', ...SLACK_BOT });
      case 'conversations.open':
        return ok({ channel: { id: this.dmOf(String(params.users ?? params.user ?? '')) } });
      case 'users.info':
        return ok({ user: { id: params.user, name: String(params.user).toLowerCase(), real_name: params.user, is_bot: false } });
      case 'conversations.info':
        return ok({ channel: { id: params.channel, name: params.channel, is_channel: String(params.channel).startsWith('C') } });
      case 'views.open':
      case 'views.update':
      case 'views.push':
        return ok({ view: { id: `V${randomBytes(5).toString('hex').toUpperCase()}`, ...(typeof params.view === 'object' ? params.view : {}) } });
      case 'reactions.add':
      case 'chat.delete':
        return ok({});
      default:
        return fail('unknown_method');
    }
  }

  #respond(id: string, request: FakeApiRequest, sink: FakeApiSink): FakeApiAnswer {
    const known = this.#responseUrls.get(id);
    if (!known || known.uses >= 5) return { status: 404, body: 'expired_url', headers: { 'content-type': 'text/plain' } };
    known.uses++;
    let message: unknown;
    try {
      message = JSON.parse(request.body.toString('utf8'));
    } catch {
      return { status: 400, body: 'invalid_payload' };
    }
    sink.messages({ platform: 'slack', sessionId: known.sessionId, via: 'response_url', messages: [message] });
    return { status: 200, body: 'ok' };
  }
}

function ok(fields: Record<string, unknown>): FakeApiAnswer {
  return { status: 200, body: { ok: true, ...fields } };
}

function fail(error: string): FakeApiAnswer {
  // Slack answers its errors with 200 and ok: false.
  return { status: 200, body: { ok: false, error } };
}

/** Form fields (nested values are JSON text, as the SDK sends them) or a JSON body. */
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
  const params: Record<string, any> = {};
  for (const [key, value] of new URLSearchParams(text)) {
    params[key] = /^[[{]/.test(value) ? tryJson(value) : value;
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
