import { existsSync } from 'node:fs';
import { join } from 'node:path';

import type { Update } from 'node-telegram-bot-api';

import { createConnector, type TelegramContext, TelegramEvent } from '@bottender/telegram';

import * as fx from './fixtures/events';
import { startTelegramBot, type TelegramBotHarness } from './harness';

/** Bottender 1.5.5's messaging-api-common, when the bench folder is installed (not in CI). */
const ONE_X_COMMON = join(__dirname, '../../../bench/bottender-1.5.5/node_modules/messaging-api-common');
const oneX: { camelcaseKeysDeep(value: unknown): unknown } | undefined = existsSync(ONE_X_COMMON)
  ? // eslint-disable-next-line @typescript-eslint/no-require-imports
    require(ONE_X_COMMON)
  : undefined;

/** Every update kind the fixtures build: one per update type, and the message contents. */
function everyKind(): [string, Update][] {
  return [
    ...fx.everyUpdateType().map((c): [string, Update] => [c.type, c.update]),
    ['photo message', fx.photoMessage({ chat: fx.GROUP })],
    ['sticker message', fx.stickerMessage()],
    ['document message', fx.documentMessage()],
    ['location message', fx.locationMessage()],
    ['forum topic message', fx.textMessage('in a topic', { chat: fx.FORUM, topic: 5 })],
    ['upgrade message (to)', fx.migrateToMessage(fx.GROUP, fx.SUPERGROUP)],
    ['upgrade message (from)', fx.migrateFromMessage(fx.SUPERGROUP, fx.GROUP)],
    ['inline callback query', fx.inlineCallbackQuery('like')],
    ['old-message callback query', fx.oldMessageCallbackQuery('again')],
    ['anonymous poll answer', fx.pollAnswer({ voterChat: fx.SUPERGROUP })],
    ['command', fx.commandMessage('/start ref42')],
    ['unknown update type', fx.futureUpdate()],
  ];
}

/** Each leaf of a JSON value (a primitive, or an empty array or object) with its key path. */
function leaves(value: unknown, path: (string | number)[] = []): [(string | number)[], unknown][] {
  if (typeof value !== 'object' || value === null) return [[path, value]];
  const entries = Array.isArray(value) ? value.map((item, i) => [i, item] as const) : Object.entries(value);
  if (entries.length === 0) return [[path, value]];
  return entries.flatMap(([key, item]) => leaves(item, [...path, key]));
}

/** The same update under a new update_id: the runtime runs each update_id once. */
let nextId = 900_000_000;
function fresh(update: Update): Update {
  return { ...JSON.parse(JSON.stringify(update)), update_id: nextId++ };
}

function at(value: unknown, path: (string | number)[]): unknown {
  return path.reduce<any>((node, key) => (node === undefined || node === null ? undefined : node[key]), value);
}

/**
 * `context.event.rawEvent` is the update as Telegram sent it, readable under Bottender 1.x's
 * camelCase names too (1.x camel-cased the whole request body before handlers saw it).
 */
describe('rawEvent: Telegram\'s update, with 1.x\'s camelCase names', () => {
  let h: TelegramBotHarness;
  let seen: { raw: any; json: string }[];

  beforeAll(async () => {
    h = await startTelegramBot({
      app: async (context: TelegramContext) => {
        const raw = context.event.rawEvent;
        seen.push({ raw, json: JSON.stringify(raw) });
      },
    });
  });
  afterAll(() => h.close());
  beforeEach(() => {
    seen = [];
  });

  const kinds = everyKind();

  it.each(kinds)('%s: JSON.stringify(rawEvent) is the update as received', async (_kind, original) => {
    const update = fresh(original);
    await h.post(update);
    expect(seen).toHaveLength(1);
    expect(seen[0].json).toBe(JSON.stringify(update));
    expect(Object.keys(seen[0].raw)).toEqual(Object.keys(update));
  });

  (oneX ? it.each(kinds) : it.skip.each(kinds))("%s: every key path of 1.5.5's camelcaseKeysDeep reads the same value", async (_kind, original) => {
    const update = fresh(original);
    await h.post(update);
    expect(seen).toHaveLength(1);
    const expected = leaves(oneX!.camelcaseKeysDeep(JSON.parse(JSON.stringify(update))));
    expect(expected.length).toBeGreaterThan(1);
    for (const [path, value] of expected) {
      expect({ path: path.join('.'), value: at(seen[0].raw, path) }).toEqual({ path: path.join('.'), value });
    }
  });

  it('reads the names 1.x handlers use, written out (these run without Bottender 1.5.5 installed)', async () => {
    const press = fx.callbackQuery('vote:1', { chat: fx.GROUP });
    const vote = fx.pollAnswer({ user: fx.CAROL });
    const photo = fx.photoMessage({ chat: fx.SUPERGROUP, topic: 3 });
    const post = fx.channelPost('news');
    const member = fx.chatMember();
    const reaction = fx.messageReaction();
    const upgrade = fx.migrateToMessage(fx.GROUP, fx.SUPERGROUP);
    for (const update of [press, vote, photo, post, member, reaction, upgrade]) await h.post(update);
    const [p, v, ph, cp, cm, mr, up] = seen.map((s) => s.raw);

    expect(p.callbackQuery.message.messageId).toBe((press as any).callback_query.message.message_id);
    expect(p.callbackQuery.chatInstance).toBe('-8203957103955243');
    expect(p.callbackQuery.from.firstName).toBe('Alice');
    expect(p.callbackQuery.from.languageCode).toBe('en');
    expect(p.updateId).toBe(press.update_id);

    expect(v.pollAnswer).toEqual({ poll_id: '5812345678901234567', user: fx.CAROL, option_ids: [0], option_persistent_ids: ['a'] });
    expect([v.pollAnswer.pollId, v.pollAnswer.optionIds, v.pollAnswer.user.firstName, v.pollAnswer.user.lastName]).toEqual([
      '5812345678901234567',
      [0],
      'Carol',
      'Jones',
    ]);

    expect(ph.message.photo[1].fileUniqueId).toBe('AQADlarge');
    expect(ph.message.photo[0].fileSize).toBe(1219);
    expect([ph.message.messageThreadId, ph.message.isTopicMessage]).toEqual([3, true]);

    expect(cp.channelPost.senderChat.id).toBe(fx.CHANNEL.id);
    expect(cm.chatMember.newChatMember.user.isBot).toBe(false);
    expect(cm.chatMember.oldChatMember.status).toBe('left');
    expect(mr.messageReaction.newReaction[0].emoji).toBe('👍');
    expect(mr.messageReaction.oldReaction).toEqual([]);
    expect(up.message.migrateToChatId).toBe(fx.SUPERGROUP.id);
  });

  it('gives both names one value: a change through one is seen through the other', async () => {
    await h.post(fx.callbackQuery('x'));
    const raw = seen[0].raw;
    expect(raw.callbackQuery).toBe(raw.callback_query);
    raw.callbackQuery.message.messageId = 99;
    expect(raw.callback_query.message.message_id).toBe(99);
  });
});

/**
 * The getters of 1.x's TelegramEvent that return one of the update's objects: 1.x handlers read
 * them in camelCase (`event.callbackQuery.message.messageId`), so they give the object returned
 * 1.x's names too, when asked for.
 */
const ONE_X_OBJECT_GETTERS = [
  'message', 'replyToMessage', 'audio', 'document', 'game', 'photo', 'sticker', 'video', 'voice', 'videoNote', 'contact',
  'location', 'venue', 'editedMessage', 'channelPost', 'editedChannelPost', 'inlineQuery', 'chosenInlineResult',
  'callbackQuery', 'shippingQuery', 'preCheckoutQuery', 'poll', 'pollAnswer',
];

describe('rawEvent aliases cost nothing until rawEvent (or a 1.x object getter) is read', () => {
  /** The getters of TelegramEvent besides rawEvent and 1.x's object getters: what the runtime and routes use per event. */
  const getters = Object.entries(Object.getOwnPropertyDescriptors(TelegramEvent.prototype))
    .filter(([name, d]) => d.get !== undefined && name !== 'rawEvent' && !ONE_X_OBJECT_GETTERS.includes(name))
    .map(([name]) => name);

  /** Own property names of the update and of every object inside it. */
  function allNames(value: unknown): string[] {
    if (typeof value !== 'object' || value === null) return [];
    return [...Object.getOwnPropertyNames(value), ...Object.values(value).flatMap(allNames)];
  }

  it('the list of 1.x object getters names getters of TelegramEvent', () => {
    const descriptors = Object.getOwnPropertyDescriptors(TelegramEvent.prototype);
    for (const name of ONE_X_OBJECT_GETTERS) expect([name, typeof descriptors[name]?.get]).toEqual([name, 'function']);
  });

  it.each(everyKind())('%s: the event\'s other getters and the connector add no name to the update', (_kind, update) => {
    const before = allNames(update);
    const event = new TelegramEvent(update);
    const connector = createConnector({ accessToken: '1:a', secretToken: 'secret' });
    expect(getters.length).toBeGreaterThan(25);
    for (const name of getters) void (event as any)[name];
    event.is('message');
    event.get('callback_query');
    connector.sessionKey(event);
    connector.eventId(event);
    connector.predecessorKey(event);
    expect(allNames(update)).toEqual(before);

    const raw = event.rawEvent as any;
    expect(raw).toBe(update);
    expect(raw.updateId).toBe(update.update_id);
  });

  it.each(everyKind())('%s: a 1.x object getter gives 1.x\'s names on the object it returns; the update keeps its own', (_kind, update) => {
    const event = new TelegramEvent(update);
    const rootNames = Object.getOwnPropertyNames(update);
    const json = JSON.stringify(update);
    for (const name of ONE_X_OBJECT_GETTERS) {
      const value = (event as any)[name];
      if (value === undefined) continue;
      for (const [path, leaf] of leaves(value)) {
        // Each of Telegram's names inside reads the same value under 1.x's camelCase name.
        const camel = path.map((key) => (typeof key === 'number' ? key : key.replace(/_([a-z0-9])/g, (_m, c: string) => c.toUpperCase())));
        expect([name, camel, at(value, camel)]).toEqual([name, camel, leaf]);
      }
    }
    // The names are not enumerable, and the update's own level is not touched until rawEvent is read.
    expect(JSON.stringify(update)).toBe(json);
    expect(Object.getOwnPropertyNames(update)).toEqual(rootNames);
  });

  it('a handler that reads the session and the routes\' getters but not rawEvent leaves the update as it was', async () => {
    let payload: Record<string, unknown> | undefined;
    const h = await startTelegramBot({
      app: async (context: TelegramContext) => {
        void context.session?.user;
        void [context.event.text, context.event.isText, context.event.chatId, context.event.from, context.event.isCallbackQuery, context.event.payload];
        payload = context.event.payloadObject;
      },
    });
    try {
      await h.post(fx.callbackQuery('x', { chat: fx.GROUP }));
    } finally {
      await h.close();
    }
    expect(Object.getOwnPropertyNames(payload)).toEqual(['id', 'from', 'message', 'chat_instance', 'data']);
    expect('chatInstance' in payload!).toBe(false);
    expect('messageId' in (payload!.message as object)).toBe(false);
  });

  it('event.callbackQuery in a handler reads 1.x\'s names, as 1.x handlers do, and keeps Telegram\'s keys', async () => {
    let read: unknown;
    let payload: any;
    const h = await startTelegramBot({
      app: async (context: TelegramContext) => {
        const query = context.event.callbackQuery as any;
        read = [query.message.messageId, query.message.chat.id, query.chatInstance, query.from.firstName];
        payload = context.event.payloadObject;
      },
    });
    try {
      await h.post(fx.callbackQuery('x', { chat: fx.GROUP, from: fx.BOB }));
    } finally {
      await h.close();
    }
    expect(read).toEqual([payload.message.message_id, fx.GROUP.id, payload.chat_instance, 'Bob']);
    expect(Object.keys(payload)).toEqual(['id', 'from', 'message', 'chat_instance', 'data']);
  });
});
