import { createHash, createHmac, randomBytes } from 'node:crypto';

import type { Connector } from 'bottender';

import { SLACK_BOT, SlackFakeApi } from './slack-fake-api';
import type {
  BuiltRequest,
  FakeApiAnswer,
  FakeApiRequest,
  FakeApiSink,
  InputSelection,
  PlatformDescription,
  SourceSelection,
  WebhookDevPlatform,
} from './types';

const DESCRIPTION: PlatformDescription = {
  name: 'slack',
  label: 'Slack',
  sources: [
    { kind: 'channel', label: 'channel', named: true },
    { kind: 'thread', label: 'thread (channel#thread)', named: true },
    { kind: 'dm', label: 'direct message with the app', named: false },
  ],
  inputs: [
    { kind: 'text', label: 'message', fields: [{ name: 'text', label: 'text', placeholder: 'a message' }] },
    {
      kind: 'command',
      label: 'slash command',
      fields: [
        { name: 'command', label: 'command', value: '/order' },
        { name: 'text', label: 'text', placeholder: 'optional' },
      ],
    },
    {
      kind: 'button',
      label: 'button press',
      fields: [
        { name: 'actionId', label: 'action_id', value: 'approve' },
        { name: 'value', label: 'value', placeholder: 'yes' },
      ],
    },
  ],
  redelivery: true,
  signed: true,
  press: { kind: 'button', field: 'value' },
};

const hashId = (prefix: string, kind: string, name: string): string =>
  prefix + BigInt(`0x${createHash('sha256').update(`bottender-dev-console:slack:${kind}:${name}`).digest('hex').slice(0, 13)}`).toString(36).toUpperCase().padStart(10, '0').slice(0, 10);

export const slackUserId = (name: string): string => hashId('U', 'user', name);
export const slackChannelId = (name: string): string => hashId('C', 'channel', name);
export const slackDmId = (user: string): string => hashId('D', 'dm', user);

export interface SlackPlatformOptions {
  connector: Connector;
  accessToken: string;
  signingSecret: string;
  path: string;
  /** The channel's `sessionScope`: `thread` keys threads apart. */
  threadSessions: boolean;
  /** Where response URLs point (the fake API's origin). */
  fakeOrigin: string;
  now?: () => number;
}

/**
 * Slack in the dev console, each input in the format Slack posts it: messages as Events API
 * callbacks (JSON, `event_id`), slash commands as forms, button presses as `block_actions`
 * payloads; signed with the signing secret (`v0=` HMAC of `v0:<timestamp>:<body>`) and a fresh
 * timestamp. A redelivery is Slack's retry: the same body with `X-Slack-Retry-Num`.
 */
export class SlackDevPlatform implements WebhookDevPlatform {
  readonly transport = 'webhook';
  readonly description = DESCRIPTION;
  readonly connector: Connector;
  readonly webhookPath: string;
  readonly api: SlackFakeApi;
  readonly #options: SlackPlatformOptions;
  readonly #threads = new Map<string, string>();

  constructor(options: SlackPlatformOptions) {
    this.#options = options;
    this.connector = options.connector;
    this.webhookPath = options.path;
    this.api = new SlackFakeApi(options.accessToken, slackDmId, (channel, threadTs) => this.#sessionId(channel, threadTs));
  }

  sessionIdOf(source: SourceSelection): string {
    const place = this.#place(source);
    return this.#sessionId(place.channel, place.threadTs);
  }

  buildRequest(source: SourceSelection, input: InputSelection): BuiltRequest {
    const place = this.#place(source);
    const user = slackUserId(name(source.user, 'user'));
    const now = (this.#options.now ?? Date.now)();
    const ts = `${Math.floor(now / 1000)}.${String(randomBytes(3).readUIntBE(0, 3) % 1_000_000).padStart(6, '0')}`;
    const sessionId = this.#sessionId(place.channel, place.threadTs);
    const values = input.values ?? {};
    const triggerId = `${Math.floor(now / 1000)}.${randomBytes(4).readUInt32BE(0)}.${randomBytes(16).toString('hex')}`;
    const team = { id: SLACK_BOT.team_id, domain: SLACK_BOT.team };
    if (input.kind === 'text') {
      if (!values.text) throw new RangeError('a message needs text');
      const eventId = `Ev${randomBytes(6).toString('hex').toUpperCase()}`;
      const event: Record<string, unknown> = {
        type: 'message',
        channel: place.channel,
        user,
        text: values.text,
        ts,
        event_ts: ts,
        channel_type: place.channel.startsWith('D') ? 'im' : 'channel',
        team: SLACK_BOT.team_id,
      };
      if (place.threadTs) event.thread_ts = place.threadTs;
      const body = {
        token: 'dev-console-verification-token',
        team_id: SLACK_BOT.team_id,
        api_app_id: 'A0DEVAPP01',
        event,
        type: 'event_callback',
        event_id: eventId,
        event_time: Math.floor(now / 1000),
        authorizations: [{ team_id: SLACK_BOT.team_id, user_id: SLACK_BOT.user_id, is_bot: true }],
      };
      return this.#sign('application/json', JSON.stringify(body), eventId, sessionId);
    }
    const responseUrl = this.api.issueResponseUrl(this.#options.fakeOrigin, sessionId);
    if (input.kind === 'command') {
      const command = values.command?.startsWith('/') ? values.command : `/${values.command ?? ''}`;
      if (!/^\/[a-z0-9_-]{1,31}$/i.test(command)) throw new RangeError('a slash command is / and 1 to 31 letters, digits, - or _');
      const form = new URLSearchParams({
        token: 'dev-console-verification-token',
        team_id: SLACK_BOT.team_id,
        team_domain: SLACK_BOT.team,
        channel_id: place.channel,
        channel_name: place.channel.startsWith('D') ? 'directmessage' : name(source.conversation, 'channel').split('#')[0],
        user_id: user,
        user_name: source.user,
        command,
        text: values.text ?? '',
        api_app_id: 'A0DEVAPP01',
        is_enterprise_install: 'false',
        response_url: responseUrl,
        trigger_id: triggerId,
      });
      return this.#sign('application/x-www-form-urlencoded', form.toString(), triggerId, sessionId);
    }
    if (input.kind === 'button') {
      const actionId = values.actionId || 'button';
      const payload: Record<string, unknown> = {
        type: 'block_actions',
        user: { id: user, username: source.user, name: source.user, team_id: SLACK_BOT.team_id },
        api_app_id: 'A0DEVAPP01',
        token: 'dev-console-verification-token',
        container: { type: 'message', message_ts: ts, channel_id: place.channel, is_ephemeral: false, ...(place.threadTs ? { thread_ts: place.threadTs } : {}) },
        trigger_id: triggerId,
        team,
        channel: { id: place.channel, name: place.channel },
        message: { type: 'message', user: SLACK_BOT.user_id, bot_id: SLACK_BOT.bot_id, ts, text: '(the message with the button)', ...(place.threadTs ? { thread_ts: place.threadTs } : {}) },
        response_url: responseUrl,
        actions: [
          {
            action_id: actionId,
            block_id: values.blockId || 'dev-console',
            text: { type: 'plain_text', text: values.label || actionId, emoji: true },
            value: values.value ?? '',
            type: 'button',
            action_ts: ts,
          },
        ],
      };
      return this.#sign('application/x-www-form-urlencoded', new URLSearchParams({ payload: JSON.stringify(payload) }).toString(), triggerId, sessionId);
    }
    throw new RangeError(`Slack has no input kind ${JSON.stringify(input.kind)} here`);
  }

  redeliver(built: BuiltRequest): BuiltRequest {
    // Slack's retry: the same body, signed again now, saying which retry it is.
    const again = this.#sign(built.headers['content-type'], built.body.toString('utf8'), built.eventId!, built.sessionId);
    return { ...again, headers: { ...again.headers, 'x-slack-retry-num': '1', 'x-slack-retry-reason': 'http_timeout' } };
  }

  tamper(built: BuiltRequest): BuiltRequest {
    return { ...built, headers: { ...built.headers, 'x-slack-signature': `v0=${'0'.repeat(64)}` } };
  }

  handleApi(request: FakeApiRequest, sink: FakeApiSink): FakeApiAnswer | undefined {
    return this.api.handle(request, sink);
  }

  #sign(contentType: string, body: string, eventId: string, sessionId: string): BuiltRequest {
    const timestamp = String(Math.floor((this.#options.now ?? Date.now)() / 1000));
    const signature = `v0=${createHmac('sha256', this.#options.signingSecret).update(`v0:${timestamp}:${body}`).digest('hex')}`;
    return {
      path: this.webhookPath,
      headers: { 'content-type': contentType, 'x-slack-request-timestamp': timestamp, 'x-slack-signature': signature },
      body: Buffer.from(body),
      eventId,
      sessionId,
    };
  }

  #sessionId(channel: string, threadTs: string | undefined): string {
    return this.#options.threadSessions && threadTs !== undefined ? `slack:${channel}:${threadTs}` : `slack:${channel}`;
  }

  #place(source: SourceSelection): { channel: string; threadTs?: string } {
    if (source.kind === 'dm') return { channel: slackDmId(name(source.user, 'user')) };
    if (source.kind === 'channel') return { channel: slackChannelId(name(source.conversation, 'channel').split('#')[0]) };
    if (source.kind === 'thread') {
      const [channelName, thread = 'thread'] = name(source.conversation, 'thread').split('#');
      const key = `${channelName}#${thread}`;
      let threadTs = this.#threads.get(key);
      if (threadTs === undefined) {
        // A thread is named by its parent message's ts; made up once per thread name.
        const seconds = 1_700_000_000 + Number(BigInt(`0x${createHash('sha256').update(key).digest('hex').slice(0, 8)}`) % 10_000_000n);
        threadTs = `${seconds}.000100`;
        this.#threads.set(key, threadTs);
      }
      return { channel: slackChannelId(name(channelName, 'channel')), threadTs };
    }
    throw new RangeError(`Slack has no source kind ${JSON.stringify(source.kind)}: use channel, thread or dm`);
  }
}

function name(value: string | undefined, what: string): string {
  if (typeof value !== 'string' || value.trim() === '') throw new RangeError(`a Slack ${what} needs a name`);
  return value.trim();
}
