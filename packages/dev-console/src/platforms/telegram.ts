import { createHash, randomBytes } from 'node:crypto';

import type { Connector } from 'bottender';

import { TELEGRAM_BOT, TelegramFakeApi } from './telegram-fake-api';
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
  name: 'telegram',
  label: 'Telegram',
  sources: [
    { kind: 'private', label: 'private chat', named: false },
    { kind: 'group', label: 'group', named: true },
    { kind: 'topic', label: 'forum topic (group#topic)', named: true },
  ],
  inputs: [
    { kind: 'text', label: 'text', fields: [{ name: 'text', label: 'text', placeholder: 'a message' }] },
    {
      kind: 'command',
      label: 'command',
      fields: [
        { name: 'command', label: 'command', value: 'start' },
        { name: 'args', label: 'arguments', placeholder: 'optional' },
      ],
    },
    { kind: 'callback', label: 'callback button press', fields: [{ name: 'data', label: 'callback data', placeholder: 'buy:42' }] },
  ],
  redelivery: true,
  signed: true,
  press: { kind: 'callback', field: 'data' },
};

const hash = (kind: string, name: string): bigint =>
  BigInt(`0x${createHash('sha256').update(`bottender-dev-console:telegram:${kind}:${name}`).digest('hex').slice(0, 15)}`);

/** A user id (a positive integer) made from a name, the same on every run. */
export const telegramUserId = (name: string): number => Number(100_000_000n + (hash('user', name) % 900_000_000n));
/** A supergroup's chat id (`-100` and 10 digits) made from a name. */
export const telegramGroupId = (name: string): number => -Number(1_000_000_000_000n + (hash('group', name) % 9_000_000_000n));

export interface TelegramPlatformOptions {
  connector: Connector;
  accessToken: string;
  secretToken: string;
  path: string;
  now?: () => number;
}

/**
 * Telegram in the dev console: updates built as the Bot API sends them to a webhook (one update
 * per request, an increasing `update_id`, `message` or `callback_query` with `from` and `chat`,
 * forum topics as `message_thread_id`), with the secret token in `X-Telegram-Bot-Api-Secret-Token`.
 */
export class TelegramDevPlatform implements WebhookDevPlatform {
  readonly transport = 'webhook';
  readonly description = DESCRIPTION;
  readonly connector: Connector;
  readonly webhookPath: string;
  readonly api: TelegramFakeApi;
  readonly #secret: string;
  readonly #now: () => number;
  #updateId = 100_000_000 + randomBytes(3).readUIntBE(0, 3);

  constructor(options: TelegramPlatformOptions) {
    this.connector = options.connector;
    this.webhookPath = options.path;
    this.api = new TelegramFakeApi(options.accessToken);
    this.#secret = options.secretToken;
    this.#now = options.now ?? Date.now;
  }

  sessionIdOf(source: SourceSelection): string {
    return `telegram:${this.#chat(source).chat.id}`;
  }

  buildRequest(source: SourceSelection, input: InputSelection): BuiltRequest {
    const { chat, threadId } = this.#chat(source);
    const user = name(source.user, 'user');
    const from = { id: telegramUserId(user), is_bot: false, first_name: user, username: slug(user), language_code: 'en' };
    const date = Math.floor(this.#now() / 1000);
    const topic = threadId === undefined ? {} : { message_thread_id: threadId, is_topic_message: true };
    const values = input.values ?? {};
    const update: Record<string, unknown> = { update_id: ++this.#updateId };
    if (input.kind === 'text' || input.kind === 'command') {
      let text: string;
      let entities: unknown[] | undefined;
      if (input.kind === 'command') {
        const command = (values.command ?? '').replace(/^\//, '');
        if (!/^[A-Za-z0-9_]{1,32}$/.test(command)) throw new RangeError('a command is 1 to 32 letters, digits or _');
        // In groups Telegram shows (and sends) commands addressed to the bot as /cmd@bot.
        const head = chat.type === 'private' ? `/${command}` : `/${command}@${TELEGRAM_BOT.username}`;
        text = values.args ? `${head} ${values.args}` : head;
        entities = [{ type: 'bot_command', offset: 0, length: head.length }];
      } else {
        if (!values.text) throw new RangeError('a text message needs text');
        text = values.text;
      }
      update.message = { message_id: this.api.nextMessageId(chat.id), from, chat, date, ...topic, text, ...(entities ? { entities } : {}) };
    } else if (input.kind === 'callback') {
      if (!values.data) throw new RangeError('a callback press needs its data');
      if (Buffer.byteLength(values.data) > 64) throw new RangeError('callback data is 1 to 64 bytes on Telegram');
      update.callback_query = {
        id: String(BigInt(`0x${randomBytes(7).toString('hex')}`)),
        from,
        message: { message_id: this.api.lastMessageId(chat.id), from: TELEGRAM_BOT, chat, date, ...topic, text: '(the message with the button)' },
        chat_instance: String(hash('chat-instance', String(chat.id)) % 10_000_000_000_000_000n),
        data: values.data,
      };
    } else {
      throw new RangeError(`Telegram has no input kind ${JSON.stringify(input.kind)} here`);
    }
    return this.#request(update, chat.id);
  }

  redeliver(built: BuiltRequest): BuiltRequest {
    // Telegram sends the very same update again.
    return { ...built, headers: { ...built.headers } };
  }

  tamper(built: BuiltRequest): BuiltRequest {
    return { ...built, headers: { ...built.headers, 'x-telegram-bot-api-secret-token': `not-${this.#secret}`.slice(0, 256) } };
  }

  handleApi(request: FakeApiRequest, sink: FakeApiSink): FakeApiAnswer | undefined {
    return this.api.handle(request, sink);
  }

  #request(update: Record<string, unknown>, chatId: number): BuiltRequest {
    return {
      path: this.webhookPath,
      headers: { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': this.#secret },
      body: Buffer.from(JSON.stringify(update)),
      eventId: String(update.update_id),
      sessionId: `telegram:${chatId}`,
    };
  }

  #chat(source: SourceSelection): { chat: Record<string, any> & { id: number; type: string }; threadId?: number } {
    if (source.kind === 'private') {
      const user = name(source.user, 'user');
      return { chat: { id: telegramUserId(user), type: 'private', first_name: user, username: slug(user) } };
    }
    if (source.kind === 'group') {
      const title = name(source.conversation, 'group');
      return { chat: { id: telegramGroupId(title), type: 'supergroup', title } };
    }
    if (source.kind === 'topic') {
      const [group, topic = 'general'] = name(source.conversation, 'forum topic').split('#');
      const title = name(group, 'forum');
      return {
        chat: { id: telegramGroupId(title), type: 'supergroup', title, is_forum: true },
        // The General topic has no thread id on Telegram; the others a small integer.
        threadId: topic === 'general' ? undefined : Number(2n + (hash('topic', `${title}#${topic}`) % 100_000n)),
      };
    }
    throw new RangeError(`Telegram has no source kind ${JSON.stringify(source.kind)}: use private, group or topic`);
  }
}

function name(value: string | undefined, what: string): string {
  if (typeof value !== 'string' || value.trim() === '') throw new RangeError(`a Telegram ${what} needs a name`);
  return value.trim();
}

function slug(value: string): string {
  return value.toLowerCase().replace(/[^a-z0-9_]/g, '_').slice(0, 32) || 'user';
}
