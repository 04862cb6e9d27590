import { existsSync } from 'node:fs';
import { join } from 'node:path';

import { addCamelCaseAliases, oneXCamelCase } from './camel-case-aliases';

/**
 * 1.x's own key conversion (messaging-api-common), when bench/bottender-1.5.5 is installed
 * (`npm ci` there); without it the written-out table below still pins the names.
 */
const COMMON = join(__dirname, '..', '..', '..', '..', 'bench', 'bottender-1.5.5', 'node_modules', 'messaging-api-common');
const oneX: { camelcase(key: string): string; camelcaseKeysDeep(value: unknown): unknown } | undefined = existsSync(COMMON)
  ? // eslint-disable-next-line @typescript-eslint/no-require-imports
    require(COMMON)
  : undefined;

const NAMES: [string, string][] = [
  ['message_id', 'messageId'],
  ['callback_query', 'callbackQuery'],
  ['file_unique_id', 'fileUniqueId'],
  ['image_72', 'image72'],
  ['foo1_bar', 'foo1Bar'],
  ['x_y_z', 'xYZ'],
  ['a__b', 'aB'],
  ['_private', 'private'],
  ['C0AB_CD', 'c0AbCd'],
  ['thread_ts', 'threadTs'],
  ['__proto__', 'proto'],
  ['replyToken', 'replyToken'],
  ['text', 'text'],
  ['url2', 'url2'],
  ['kebab-case-key', 'kebabCaseKey'],
  ['HTTPServer_url', 'httpServerUrl'],
];

describe("oneXCamelCase gives a key Bottender 1.x's name", () => {
  it.each(NAMES)('%s is %s', (key, name) => {
    expect(oneXCamelCase(key)).toBe(name);
    if (oneX) expect(oneXCamelCase(key)).toBe(oneX.camelcase(key));
  });

  (oneX ? it : it.skip)("agrees with 1.5.5's own conversion on every key shape Telegram and Slack send, and on odd ones", () => {
    const keys = [
      'update_id', 'is_bot', 'language_code', 'new_chat_members', 'migrate_to_chat_id', 'reply_markup', 'inline_keyboard',
      'callback_data', 'option_ids', 'poll_id', 'is_anonymous', 'bot_id', 'channel_type', 'event_ts', 'api_app_id',
      'response_url', 'trigger_id', 'private_metadata', 'scheduled_message_id', 'image_1024', 'is_enterprise_install',
      'a_1_b', 'a1_2b', 'ABC', 'aBC_dEF', 'a.b', 'a b', '1abc', '__', '_', 'x__1', 'already_camelCase', 'snake_9_x',
    ];
    for (const key of keys) expect({ key, name: oneXCamelCase(key) }).toEqual({ key, name: oneX!.camelcase(key) });
  });
});

describe('addCamelCaseAliases: both names reach the same values', () => {
  const payload = () => ({
    update_id: 7,
    callback_query: {
      id: 'q1',
      from: { id: 42, is_bot: false, first_name: 'Ada' },
      message: { message_id: 5, chat: { id: -100, type: 'group' } },
      data: 'buy',
    },
    entities: [{ type: 'bot_command', offset: 0 }, [{ inner_key: 1 }]],
    already: { camelCase: true, camel_case: 'the existing key wins' },
  });

  it('reads 1.x names at every depth, arrays included', () => {
    const raw = addCamelCaseAliases(payload()) as any;
    expect(raw.callbackQuery.message.messageId).toBe(5);
    expect(raw.callbackQuery.from.firstName).toBe('Ada');
    expect(raw.callbackQuery.from.isBot).toBe(false);
    expect(raw.updateId).toBe(7);
    expect(raw.entities[1][0].innerKey).toBe(1);
    expect(raw.callbackQuery).toBe(raw.callback_query);
  });

  it('leaves the payload as the platform sent it: keys, spread and JSON see only its own names', () => {
    const raw = addCamelCaseAliases(payload());
    expect(JSON.stringify(raw)).toBe(JSON.stringify(payload()));
    expect(Object.keys(raw)).toEqual(Object.keys(payload()));
    expect({ ...raw }).toEqual(payload());
    expect(raw).toEqual(payload());
  });

  it('never replaces a key the object already has', () => {
    const raw = addCamelCaseAliases(payload()) as any;
    expect(raw.already.camelCase).toBe(true);
    expect(raw.already.camel_case).toBe('the existing key wins');
  });

  it('keeps both names in step when a handler changes one', () => {
    const raw = addCamelCaseAliases(payload()) as any;
    raw.callbackQuery.data = 'sell';
    expect(raw.callback_query.data).toBe('sell');
    raw.callback_query = { id: 'q2' };
    expect(raw.callbackQuery).toEqual({ id: 'q2' });
  });

  it('is idempotent and leaves frozen objects, class instances and primitives alone', () => {
    const raw = addCamelCaseAliases(payload()) as any;
    expect(addCamelCaseAliases(raw)).toBe(raw);
    expect(raw.callbackQuery.message.messageId).toBe(5);

    const frozen = Object.freeze({ frozen_key: { inner_key: 1 } }) as any;
    addCamelCaseAliases(frozen);
    expect(frozen.frozenKey).toBeUndefined();
    expect(frozen.frozen_key.innerKey).toBe(1);

    const date = new Date(0);
    expect(addCamelCaseAliases({ at_time: date }).at_time).toBe(date);
    for (const value of [null, undefined, 1, 'a_b', true]) expect(addCamelCaseAliases(value)).toBe(value);
  });

  it('treats hostile keys as data: __proto__ and constructor stay plain keys, prototypes are not touched', () => {
    const raw = addCamelCaseAliases(JSON.parse('{"__proto__": {"polluted_key": 1}, "constructor_name": "x", "has_own_property": 2}')) as any;
    expect(({} as any).polluted).toBeUndefined();
    expect(({} as any).pollutedKey).toBeUndefined();
    expect(raw.proto.pollutedKey).toBe(1);
    expect(raw.constructorName).toBe('x');
    // 1.x's copy had hasOwnProperty: 2 here; an alias would hide the method every object has.
    expect(raw.has_own_property).toBe(2);
    expect(typeof raw.hasOwnProperty).toBe('function');
    expect(String(addCamelCaseAliases({ to_string: 'x' }))).toBe('[object Object]');
    expect(Object.prototype.hasOwnProperty.call(Object.prototype, 'proto')).toBe(false);
  });

  it('stops at a depth no platform payload reaches, without throwing', () => {
    let deep: any = { leaf_key: 1 };
    for (let i = 0; i < 10_000; i++) deep = { next_level: deep };
    expect(() => addCamelCaseAliases(deep)).not.toThrow();
    expect(deep.nextLevel.nextLevel.next_level).toBe(deep.next_level.next_level.next_level);
  });

  (oneX ? it : it.skip)("every key path of 1.5.5's camel-cased copy reads the same value here", () => {
    const expected = oneX!.camelcaseKeysDeep(payload());
    const raw = addCamelCaseAliases(payload());
    const paths = (value: unknown, at: string[] = []): string[][] =>
      typeof value === 'object' && value !== null
        ? Object.entries(value).flatMap(([key, item]) => paths(item, [...at, key]))
        : [at];
    const read = (value: any, path: string[]) => path.reduce((node, key) => node?.[key], value);
    for (const path of paths(expected)) {
      if (path.join('.') === 'already.camelCase') continue; // 1.x let camel_case overwrite it; here the existing key wins
      expect({ path: path.join('.'), value: read(raw, path) }).toEqual({ path: path.join('.'), value: read(expected, path) });
    }
  });
});
