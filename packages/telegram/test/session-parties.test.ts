import { existsSync } from 'node:fs';
import { join } from 'node:path';

import type { Update } from 'node-telegram-bot-api';

import type { TelegramContext } from '@bottender/telegram';

import * as fx from './fixtures/events';
import { startTelegramBot, type TelegramBotHarness } from './harness';

/** The parties one event's session names: ids only, absent ones left out. */
type Parties = { user?: number; group?: number; channel?: number };

const BENCH = join(__dirname, '../../../bench/bottender-1.5.5/node_modules');
const oneX = existsSync(join(BENCH, 'bottender/dist/telegram/TelegramConnector.js'))
  ? {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      Connector: require(join(BENCH, 'bottender/dist/telegram/TelegramConnector.js')).default,
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      camelcaseKeysDeep: require(join(BENCH, 'messaging-api-common')).camelcaseKeysDeep,
    }
  : undefined;

/** Who and where each update kind is from, by Bottender 1.x's session fields. */
function expectations(): [string, Update, Parties | null][] {
  const byType = new Map(fx.everyUpdateType().map((c) => [c.type, c.update]));
  const u = (type: string) => byType.get(type)!;
  return [
    ['message in a supergroup', u('message'), { user: fx.BOB.id, group: fx.SUPERGROUP.id }],
    ['message in a private chat', fx.textMessage('hi', { from: fx.CAROL }), { user: fx.CAROL.id }],
    ['edited_message in a group', u('edited_message'), { user: fx.ALICE.id, group: fx.GROUP.id }],
    ['channel_post', u('channel_post'), { channel: fx.CHANNEL.id }],
    ['edited_channel_post', u('edited_channel_post'), { channel: fx.CHANNEL.id }],
    ['business_connection', u('business_connection'), { user: fx.CAROL.id }],
    ['business_message', u('business_message'), { user: fx.ALICE.id }],
    ['edited_business_message', u('edited_business_message'), { user: fx.ALICE.id }],
    ['deleted_business_messages', u('deleted_business_messages'), {}],
    ['message_reaction', u('message_reaction'), { user: fx.BOB.id, group: fx.SUPERGROUP.id }],
    ['message_reaction_count', u('message_reaction_count'), { channel: fx.CHANNEL.id }],
    ['inline_query', u('inline_query'), { user: fx.ALICE.id }],
    ['chosen_inline_result', u('chosen_inline_result'), { user: fx.ALICE.id }],
    ['callback_query in a group', u('callback_query'), { user: fx.ALICE.id, group: fx.GROUP.id }],
    ['callback_query on an inline message', fx.inlineCallbackQuery('like'), { user: fx.BOB.id }],
    ['shipping_query', u('shipping_query'), { user: fx.ALICE.id }],
    ['pre_checkout_query', u('pre_checkout_query'), { user: fx.ALICE.id }],
    ['purchased_paid_media', u('purchased_paid_media'), { user: fx.BOB.id }],
    ['poll (no session, as in 1.x)', u('poll'), null],
    ['poll_answer', u('poll_answer'), { user: fx.BOB.id }],
    ["an anonymous admin's poll_answer", fx.pollAnswer({ voterChat: fx.SUPERGROUP }), { group: fx.SUPERGROUP.id }],
    ['my_chat_member in a group', u('my_chat_member'), { user: fx.ALICE.id, group: fx.GROUP.id }],
    ['my_chat_member in a channel', fx.myChatMember({ chat: fx.CHANNEL }), { user: fx.ALICE.id, channel: fx.CHANNEL.id }],
    ['chat_member', u('chat_member'), { user: fx.CAROL.id, group: fx.SUPERGROUP.id }],
    ['chat_join_request', u('chat_join_request'), { user: fx.CAROL.id, group: fx.SUPERGROUP.id }],
    ['chat_boost', u('chat_boost'), { channel: fx.CHANNEL.id }],
    ['removed_chat_boost', u('removed_chat_boost'), { channel: fx.CHANNEL.id }],
    ['guest_message', u('guest_message'), { user: fx.BOB.id, group: fx.SUPERGROUP.id }],
    ['managed_bot', u('managed_bot'), { user: fx.CAROL.id }],
    ['subscription', u('subscription'), { user: fx.ALICE.id }],
    ['stopped_message_generation', u('stopped_message_generation'), {}],
    ["the old group's upgrade message (runs in the supergroup)", fx.migrateToMessage(fx.GROUP, fx.SUPERGROUP), { user: fx.ALICE.id, group: fx.SUPERGROUP.id }],
    ['an update type this package does not know (no session, as in 1.x)', fx.futureUpdate(), null],
  ];
}

/**
 * `context.session.user`, `.group` and `.channel` name who and where the update came from, with
 * Telegram's numeric ids, as Bottender 1.x's session did.
 */
describe('session.user / session.group / session.channel', () => {
  let h: TelegramBotHarness;
  let seen: { session: any; parties: Parties | null }[];

  beforeAll(async () => {
    h = await startTelegramBot({
      app: async (context: TelegramContext) => {
        const session = context.session;
        seen.push({
          session,
          parties:
            session === null
              ? null
              : Object.fromEntries((['user', 'group', 'channel'] as const).filter((k) => session[k] !== undefined).map((k) => [k, session[k]!.id])),
        });
      },
    });
  });
  afterAll(() => h.close());
  beforeEach(() => {
    seen = [];
  });

  it.each(expectations())('%s', async (_kind, update, parties) => {
    await h.post(update);
    expect(seen).toHaveLength(1);
    expect(seen[0].parties).toEqual(parties);
  });

  it('gives each party its id and when it was seen, frozen, and keeps the session id and flags', async () => {
    const before = Date.now();
    await h.post(fx.callbackQuery('ok', { chat: fx.GROUP, from: fx.BOB }));
    const { session } = seen[0];
    expect(session.id).toBe(`telegram:${fx.GROUP.id}`);
    expect(typeof session.isNew).toBe('boolean');
    expect(session.user).toEqual({ id: fx.BOB.id, _updatedAt: expect.any(String) });
    expect(Date.parse(session.user._updatedAt)).toBeGreaterThanOrEqual(before - 1000);
    expect(session.group).toEqual({ id: fx.GROUP.id, _updatedAt: session.user._updatedAt });
    expect(Object.isFrozen(session.user)).toBe(true);
    expect(Object.isFrozen(session)).toBe(true);
  });

  it('does not store the parties with the state', async () => {
    await h.post(fx.textMessage('hi', { chat: fx.GROUP, from: fx.ALICE }));
    const record = await h.store.inner.read(`telegram:${fx.GROUP.id}`);
    expect(JSON.stringify(record)).not.toContain('_updatedAt');
  });

  /** What Bottender 1.5.5's TelegramConnector.updateSession put in a session for the same body. */
  async function oneXParties(update: Update): Promise<Parties> {
    const connector = new oneX!.Connector({ accessToken: '1:a' });
    const session: Record<string, { id: number } | undefined> = {};
    await connector.updateSession(session, oneX!.camelcaseKeysDeep(JSON.parse(JSON.stringify(update))));
    return Object.fromEntries((['user', 'group', 'channel'] as const).filter((k) => session[k] !== undefined).map((k) => [k, session[k]!.id]));
  }

  // The update kinds 1.x knew, in the chats where 1.x named them (1.x named `group` chats only).
  const oneXKinds: [string, Update][] = [
    ['message in a group', fx.textMessage('hi', { chat: fx.GROUP, from: fx.BOB })],
    ['message in a private chat', fx.textMessage('hi', { from: fx.CAROL })],
    ['edited_message in a group', fx.editedMessage('hi!', { chat: fx.GROUP })],
    ['channel_post', fx.channelPost('news')],
    ['edited_channel_post', fx.editedChannelPost('news!')],
    ['inline_query', fx.inlineQuery('dune')],
    ['chosen_inline_result', fx.chosenInlineResult()],
    ['callback_query in a group', fx.callbackQuery('x', { chat: fx.GROUP })],
    ['callback_query in a private chat', fx.callbackQuery('x')],
    ['callback_query on an inline message', fx.inlineCallbackQuery('x')],
    ['shipping_query', fx.shippingQuery()],
    ['pre_checkout_query', fx.preCheckoutQuery()],
  ];
  (oneX ? it.each(oneXKinds) : it.skip.each(oneXKinds))('%s: names the same parties as Bottender 1.5.5', async (_kind, update) => {
    await h.post(update);
    expect(seen[0].parties).toEqual(await oneXParties(update));
  });
});
