import { createHash, createHmac, randomBytes } from 'node:crypto';

import type { Connector } from 'bottender';

import { LineFakeApi } from './line-fake-api';
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

/** The bot's own user id in the webhook's `destination` (made up, in LINE's format). */
const BOT_USER_ID = `U${digest('bot', 'dev-console')}`;

const DESCRIPTION: PlatformDescription = {
  name: 'line',
  label: 'LINE',
  sources: [
    { kind: 'user', label: 'user (one-to-one chat)', named: false },
    { kind: 'group', label: 'group', named: true },
    { kind: 'room', label: 'room (multi-person chat)', named: true },
  ],
  inputs: [
    { kind: 'text', label: 'text', fields: [{ name: 'text', label: 'text', placeholder: 'a message' }] },
    {
      kind: 'postback',
      label: 'postback',
      fields: [{ name: 'data', label: 'data', placeholder: 'action=buy&item=1' }],
    },
    {
      kind: 'sticker',
      label: 'sticker',
      fields: [
        { name: 'packageId', label: 'package id', value: '446' },
        { name: 'stickerId', label: 'sticker id', value: '1988' },
      ],
    },
    {
      kind: 'location',
      label: 'location',
      fields: [
        { name: 'title', label: 'title', value: 'Taipei 101' },
        { name: 'address', label: 'address', value: 'No. 7, Section 5, Xinyi Road, Taipei' },
        { name: 'latitude', label: 'latitude', value: '25.0339' },
        { name: 'longitude', label: 'longitude', value: '121.5645' },
      ],
    },
    { kind: 'image', label: 'image', fields: [] },
    { kind: 'follow', label: 'follow (add as friend)', fields: [] },
    { kind: 'unfollow', label: 'unfollow (block)', fields: [] },
    { kind: 'join', label: 'join (bot added to the group or room)', fields: [] },
  ],
  redelivery: true,
  signed: true,
  press: { kind: 'postback', field: 'data' },
};

/** A LINE id (U, C or R and 32 hex digits) made from a name, the same on every run. */
function digest(kind: string, name: string): string {
  return createHash('sha256').update(`bottender-dev-console:${kind}:${name}`).digest('hex').slice(0, 32);
}

export const lineUserId = (name: string): string => `U${digest('user', name)}`;
export const lineGroupId = (name: string): string => `C${digest('group', name)}`;
export const lineRoomId = (name: string): string => `R${digest('room', name)}`;

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/** A ULID, the format of LINE's `webhookEventId`. */
function newWebhookEventId(time: number): string {
  let head = '';
  for (let i = 0, t = time; i < 10; i++, t = Math.floor(t / 32)) head = CROCKFORD[t % 32] + head;
  let tail = '';
  for (const byte of randomBytes(16)) tail += CROCKFORD[byte % 32];
  return head + tail;
}

let messageSequence = 0;
const newMessageId = (): string => String(500_000_000_000_000_000n + BigInt(Date.now() % 1_000_000) * 1000n + BigInt(++messageSequence % 1000));

export interface LinePlatformOptions {
  connector: Connector;
  channelSecret: string;
  accessToken: string;
  /** The channel's webhook path. */
  path: string;
  now?: () => number;
}

/**
 * LINE in the dev console: events are built as LINE's webhook sends them (`destination`,
 * `events[]` with `webhookEventId`, `deliveryContext`, a reply token the fake API knows) and
 * signed with the channel secret in `X-Line-Signature`.
 */
export class LineDevPlatform implements WebhookDevPlatform {
  readonly transport = 'webhook';
  readonly description = DESCRIPTION;
  readonly connector: Connector;
  readonly api: LineFakeApi;
  readonly #secret: string;
  readonly webhookPath: string;
  readonly #now: () => number;

  constructor(options: LinePlatformOptions) {
    this.connector = options.connector;
    this.api = new LineFakeApi(options.accessToken);
    this.#secret = options.channelSecret;
    this.webhookPath = options.path;
    this.#now = options.now ?? Date.now;
  }

  sessionIdOf(source: SourceSelection): string {
    return `line:${this.#conversation(source).id}`;
  }

  buildRequest(source: SourceSelection, input: InputSelection): BuiltRequest {
    const conversation = this.#conversation(source);
    const userId = lineUserId(source.user);
    this.api.addUser(userId, source.user, conversation.kind === 'user' ? undefined : conversation.id, source.conversation);
    const replyToken = this.api.issueReplyToken(conversation.id);
    const timestamp = this.#now();
    const webhookEventId = newWebhookEventId(timestamp);
    const lineSource =
      conversation.kind === 'user'
        ? { type: 'user', userId }
        : conversation.kind === 'group'
          ? { type: 'group', groupId: conversation.id, userId }
          : { type: 'room', roomId: conversation.id, userId };
    const event: Record<string, unknown> = {
      ...eventBody(input, conversation.kind === 'user' ? undefined : { ...lineSource, userId: undefined }),
      timestamp,
      source: input.kind === 'join' ? { ...lineSource, userId: undefined } : lineSource,
      mode: 'active',
      webhookEventId,
      deliveryContext: { isRedelivery: false },
    };
    if (input.kind !== 'unfollow') event.replyToken = replyToken;
    return this.#sign({ destination: BOT_USER_ID, events: [JSON.parse(JSON.stringify(event))] }, webhookEventId, conversation.id, replyToken);
  }

  redeliver(built: BuiltRequest): BuiltRequest {
    const body = JSON.parse(built.body.toString('utf8'));
    for (const event of body.events) event.deliveryContext = { isRedelivery: true };
    return this.#sign(body, built.eventId!, built.sessionId.slice('line:'.length), built.replyHandle);
  }

  tamper(built: BuiltRequest): BuiltRequest {
    const signature = createHmac('sha256', `not-${this.#secret}`).update(built.body).digest('base64');
    return { ...built, headers: { ...built.headers, 'x-line-signature': signature } };
  }

  handleApi(request: FakeApiRequest, sink: FakeApiSink): FakeApiAnswer | undefined {
    return this.api.handle(request, sink);
  }

  #sign(body: unknown, eventId: string, conversationId: string, replyToken: string | undefined): BuiltRequest {
    const raw = Buffer.from(JSON.stringify(body));
    return {
      path: this.webhookPath,
      headers: {
        'content-type': 'application/json; charset=utf-8',
        'x-line-signature': createHmac('sha256', this.#secret).update(raw).digest('base64'),
        'user-agent': 'LineBotWebhook/2.0',
      },
      body: raw,
      eventId,
      sessionId: `line:${conversationId}`,
      replyHandle: replyToken,
    };
  }

  #conversation(source: SourceSelection): { kind: 'user' | 'group' | 'room'; id: string } {
    if (source.kind === 'group') return { kind: 'group', id: lineGroupId(nameOf(source.conversation, 'group')) };
    if (source.kind === 'room') return { kind: 'room', id: lineRoomId(nameOf(source.conversation, 'room')) };
    if (source.kind !== 'user') throw new RangeError(`LINE has no source kind ${JSON.stringify(source.kind)}: use user, group or room`);
    return { kind: 'user', id: lineUserId(nameOf(source.user, 'user')) };
  }
}

function nameOf(name: string | undefined, what: string): string {
  if (typeof name !== 'string' || name.trim() === '') throw new RangeError(`a LINE ${what} needs a name`);
  return name.trim();
}

/** The type-specific part of one event, as LINE's reference shows it. */
function eventBody(input: InputSelection, chat: object | undefined): Record<string, unknown> {
  const v = input.values ?? {};
  const quoteToken = randomBytes(60).toString('base64url');
  switch (input.kind) {
    case 'text':
      if (!v.text) throw new RangeError('a text message needs text');
      return { type: 'message', message: { id: newMessageId(), type: 'text', quoteToken, text: v.text } };
    case 'postback': {
      if (!v.data) throw new RangeError('a postback needs data');
      return { type: 'postback', postback: { data: v.data } };
    }
    case 'sticker':
      return {
        type: 'message',
        message: {
          id: newMessageId(),
          type: 'sticker',
          quoteToken,
          packageId: v.packageId || '446',
          stickerId: v.stickerId || '1988',
          stickerResourceType: 'STATIC',
          keywords: [],
        },
      };
    case 'location': {
      const latitude = Number(v.latitude);
      const longitude = Number(v.longitude);
      if (!Number.isFinite(latitude) || !Number.isFinite(longitude)) throw new RangeError('a location needs numeric latitude and longitude');
      return { type: 'message', message: { id: newMessageId(), type: 'location', title: v.title, address: v.address, latitude, longitude } };
    }
    case 'image':
      return { type: 'message', message: { id: newMessageId(), type: 'image', quoteToken, contentProvider: { type: 'line' } } };
    case 'follow':
      return { type: 'follow', follow: { isUnblocked: false } };
    case 'unfollow':
      return { type: 'unfollow' };
    case 'join':
      if (chat === undefined) throw new RangeError('a join event comes from a group or a room, not a one-to-one chat');
      return { type: 'join' };
    default:
      throw new RangeError(`LINE has no input kind ${JSON.stringify(input.kind)} here`);
  }
}
