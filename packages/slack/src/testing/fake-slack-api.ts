import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A fake Slack Web API on 127.0.0.1, so the SDK's WebClient (on our transport) and `response_url`
 * posts can be tested end to end. It follows Slack's published formats: methods at
 * `/api/<method>`, arguments form-encoded (complex ones as JSON strings) or JSON, the token as a
 * bearer header, every answer HTTP 200 with `{ ok: true, ... }` or `{ ok: false, error }` (429
 * with `Retry-After` for rate limits). Known methods check what Slack checks (auth, a channel,
 * a text or blocks, a live trigger_id) and answer Slack's success shapes. Every request is recorded.
 *
 * `apps.connections.open` (with the app-level token) answers the `ws://` URL of a fake Socket
 * Mode server set with {@link FakeSlackApi.socketUrl}.
 */

export interface RecordedCall {
  method: string;
  authorization: string | undefined;
  contentType: string | undefined;
  /** The arguments, with JSON-string fields (blocks, view, ...) parsed. */
  args: Record<string, any>;
  answer: any;
  status: number;
}

/** A message Slack now shows, with how it got there. */
export interface PostedMessage {
  via: 'chat.postMessage' | 'chat.postEphemeral' | 'response_url';
  channel: string | undefined;
  text: string | undefined;
  threadTs?: string;
  user?: string;
  ts: string;
  body: Record<string, any>;
}

const JSON_FIELDS = new Set(['blocks', 'attachments', 'view', 'metadata']);
const CHANNEL = /^[CDG][A-Z0-9]{2,20}$/;
const USER = /^[UW][A-Z0-9]{2,20}$/;

export class FakeSlackApi {
  readonly calls: RecordedCall[] = [];
  readonly messages: PostedMessage[] = [];
  /** Bodies posted to response URLs, by URL id. */
  readonly responses: { id: string; body: any }[] = [];
  readonly #triggers = new Map<string, { expired: boolean; used: number }>();
  readonly #failures: { method: string; status: number; answer: unknown; headers?: Record<string, string> }[] = [];
  #server: Server | undefined;
  #origin = '';
  #tsCounter = 0;
  #views = 0;
  /** Set by the fake Socket Mode server: what apps.connections.open answers. */
  socketUrl: (() => string) | undefined;
  /** Delay before every answer, in ms (to make calls slow). */
  delayMs = 0;

  constructor(
    readonly botToken: string,
    readonly appToken: string,
  ) {}

  /** `http://127.0.0.1:<port>`, for `channels.slack.origin`. */
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
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  }

  /** A trigger_id as Slack puts in interactivity payloads and slash commands; it works for 3 s. */
  issueTrigger(): string {
    const id = `${Date.now()}.${100000 + Math.floor(Math.random() * 899999)}.${randomBytes(16).toString('hex')}`;
    this.#triggers.set(id, { expired: false, used: 0 });
    return id;
  }

  expireTrigger(id: string): void {
    const trigger = this.#triggers.get(id);
    if (trigger) trigger.expired = true;
  }

  /** A response_url on this fake: `<origin>/actions/<team>/<id>/<secret>`. */
  responseUrl(): string {
    return `${this.#origin}/actions/T0FAKE0001/${Date.now()}${Math.floor(Math.random() * 1000)}/${randomBytes(12).toString('hex')}`;
  }

  /** The next call of `method` gets this answer instead (`{ ok: false, error }`, or a 429 with Retry-After). */
  failNext(method: string, answer: unknown, status = 200, headers?: Record<string, string>): void {
    this.#failures.push({ method, status, answer, headers });
  }

  /** Recorded calls of one method, e.g. `chat.postMessage`. */
  callsOf(method: string): RecordedCall[] {
    return this.calls.filter((c) => c.method === method);
  }

  /** Texts posted to one channel (messages and ephemeral messages), in order. */
  textsIn(channel: string): string[] {
    return this.messages.filter((m) => m.channel === channel).map((m) => m.text ?? '');
  }

  #handle(req: IncomingMessage, res: ServerResponse): void {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      const path = (req.url ?? '/').split('?')[0];
      const contentType = req.headers['content-type'];
      const args = parseArgs(raw, contentType);
      let status = 200;
      let answer: unknown;
      let headers: Record<string, string> = {};
      let method: string;
      if (path.startsWith('/actions/')) {
        method = 'response_url';
        [status, answer] = this.#responseUrl(path, args);
      } else if (req.method === 'POST' && path.startsWith('/api/')) {
        method = path.slice('/api/'.length);
        const failure = this.#failures.findIndex((f) => f.method === method);
        if (failure !== -1) {
          const [planned] = this.#failures.splice(failure, 1);
          status = planned.status;
          answer = planned.answer;
          headers = planned.headers ?? {};
        } else {
          answer = this.#call(method, req.headers.authorization, args);
        }
      } else {
        method = `${req.method} ${path}`;
        status = 404;
        answer = { ok: false, error: 'unknown_method' };
      }
      this.calls.push({ method, authorization: req.headers.authorization, contentType, args, answer, status });
      const text = JSON.stringify(answer);
      const send = () => {
        res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text), ...headers });
        res.end(text);
      };
      if (this.delayMs > 0) setTimeout(send, this.delayMs);
      else send();
    });
  }

  #call(method: string, authorization: string | undefined, args: Record<string, any>): unknown {
    if (!authorization) return { ok: false, error: 'not_authed' };
    if (method === 'apps.connections.open') {
      if (authorization !== `Bearer ${this.appToken}`) return { ok: false, error: 'invalid_auth' };
      const url = this.socketUrl?.();
      return url ? { ok: true, url } : { ok: false, error: 'internal_error' };
    }
    if (authorization !== `Bearer ${this.botToken}`) return { ok: false, error: 'invalid_auth' };
    switch (method) {
      case 'auth.test':
        return { ok: true, url: 'https://fake.slack.com/', team: 'Fake', user: 'counter', team_id: 'T0FAKE0001', user_id: 'U0BOT00001', bot_id: 'B0BOT00001' };
      case 'chat.postMessage':
      case 'chat.postEphemeral':
        return this.#post(method, args);
      case 'chat.update':
      case 'chat.delete':
      case 'chat.meMessage':
        if (!CHANNEL.test(String(args.channel))) return { ok: false, error: 'channel_not_found' };
        if (method !== 'chat.meMessage' && typeof args.ts !== 'string') return { ok: false, error: 'message_not_found' };
        return { ok: true, channel: args.channel, ts: args.ts ?? this.#ts() };
      case 'chat.getPermalink':
        if (!CHANNEL.test(String(args.channel))) return { ok: false, error: 'channel_not_found' };
        return { ok: true, channel: args.channel, permalink: `https://fake.slack.com/archives/${args.channel}/p${String(args.message_ts).replace('.', '')}` };
      case 'chat.scheduleMessage':
        if (!CHANNEL.test(String(args.channel))) return { ok: false, error: 'channel_not_found' };
        return { ok: true, channel: args.channel, scheduled_message_id: `Q${this.#tsCounter++}`, post_at: Number(args.post_at) };
      case 'chat.deleteScheduledMessage':
        return { ok: true };
      case 'chat.scheduledMessages.list':
        return { ok: true, scheduled_messages: [], response_metadata: { next_cursor: '' } };
      case 'conversations.open': {
        const user = String(args.users ?? '');
        if (!USER.test(user)) return { ok: false, error: 'user_not_found' };
        return { ok: true, channel: { id: `D${user.slice(1)}` } };
      }
      case 'views.open':
      case 'views.push':
        return this.#openView(method, args);
      case 'views.update':
        if (typeof args.view_id !== 'string' && typeof args.external_id !== 'string') return { ok: false, error: 'not_found' };
        return this.#viewAnswer(args.view, args.view_id);
      case 'views.publish':
        if (!USER.test(String(args.user_id))) return { ok: false, error: 'invalid_arguments' };
        if (args.view?.type !== 'home') return { ok: false, error: 'invalid_arguments', response_metadata: { messages: ['[ERROR] must be a home view [json-pointer:/view/type]'] } };
        return this.#viewAnswer(args.view);
      default:
        return { ok: false, error: 'unknown_method' };
    }
  }

  #post(method: 'chat.postMessage' | 'chat.postEphemeral', args: Record<string, any>): unknown {
    if (!CHANNEL.test(String(args.channel))) return { ok: false, error: 'channel_not_found' };
    if (typeof args.text !== 'string' && !Array.isArray(args.blocks) && !Array.isArray(args.attachments)) {
      return { ok: false, error: 'no_text' };
    }
    if (typeof args.text === 'string' && args.text.length > 40_000) return { ok: false, error: 'msg_too_long' };
    if (method === 'chat.postEphemeral' && !USER.test(String(args.user))) return { ok: false, error: 'user_not_in_channel' };
    const ts = this.#ts();
    this.messages.push({ via: method, channel: args.channel, text: args.text, threadTs: args.thread_ts, user: args.user, ts, body: args });
    if (method === 'chat.postEphemeral') return { ok: true, message_ts: ts };
    return { ok: true, channel: args.channel, ts, message: { type: 'message', text: args.text, user: 'U0BOT00001', bot_id: 'B0BOT00001', ts } };
  }

  #openView(method: string, args: Record<string, any>): unknown {
    const trigger = this.#triggers.get(String(args.trigger_id));
    if (!trigger) return { ok: false, error: 'invalid_trigger_id' };
    if (trigger.expired) return { ok: false, error: 'expired_trigger_id' };
    if (trigger.used++ > 0) return { ok: false, error: 'exchanged_trigger_id' };
    if (typeof args.view !== 'object' || args.view === null || args.view.type !== 'modal') {
      return { ok: false, error: 'invalid_arguments', response_metadata: { messages: ['[ERROR] must provide a modal view [json-pointer:/view]'] } };
    }
    return this.#viewAnswer(args.view);
  }

  #viewAnswer(view: any, id = `V${String(++this.#views).padStart(10, '0')}`): unknown {
    return { ok: true, view: { id, team_id: 'T0FAKE0001', hash: `${Date.now()}.${randomBytes(4).toString('hex')}`, ...view } };
  }

  #responseUrl(path: string, body: Record<string, any>): [number, unknown] {
    const id = path.split('/')[3] ?? '';
    if (typeof body.text !== 'string' && !Array.isArray(body.blocks) && body.delete_original !== true) {
      return [400, { ok: false, error: 'no_text' }];
    }
    this.responses.push({ id, body });
    if (typeof body.text === 'string') {
      this.messages.push({ via: 'response_url', channel: undefined, text: body.text, ts: this.#ts(), body });
    }
    return [200, { ok: true }];
  }

  #ts(): string {
    return `${Math.floor(Date.now() / 1000)}.${String(++this.#tsCounter).padStart(6, '0')}`;
  }
}

function parseArgs(raw: string, contentType: string | undefined): Record<string, any> {
  if (raw === '') return {};
  if (contentType?.startsWith('application/json')) {
    try {
      return JSON.parse(raw);
    } catch {
      return {};
    }
  }
  const args: Record<string, any> = {};
  for (const [key, value] of new URLSearchParams(raw)) {
    if (JSON_FIELDS.has(key)) {
      try {
        args[key] = JSON.parse(value);
        continue;
      } catch {
        // keep the string
      }
    }
    args[key] = value;
  }
  return args;
}

/** Starts a fake API that accepts `botToken` (and `appToken` for apps.connections.open). */
export function startFakeSlackApi(botToken: string, appToken: string): Promise<FakeSlackApi> {
  return new FakeSlackApi(botToken, appToken).start();
}
