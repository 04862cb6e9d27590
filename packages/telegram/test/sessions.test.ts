import { UPDATE_TYPES } from 'node-telegram-bot-api';

import { isKnownUpdateType, type TelegramContext } from '@bottender/telegram';

import * as fx from './fixtures/events';
import { startTelegramBot, type TelegramBotHarness } from './harness';

/**
 * Every update type of the Bot API reaches the handler in the session of its chat (the table in
 * docs/platforms/telegram.md); a poll belongs to no session; an update type this package does not
 * know still reaches the handler, as a raw event, without a session.
 */
describe('Telegram sessions: one per chat, for every update type', () => {
  let h: TelegramBotHarness;
  let seen: { type: string; session: string | null; isNew: boolean | undefined; raw: unknown }[];

  beforeEach(async () => {
    seen = [];
    h = await startTelegramBot({
      app: async (context: TelegramContext) => {
        seen.push({ type: context.event.type, session: context.session?.id ?? null, isNew: context.session?.isNew, raw: context.event.rawEvent });
        if (context.session) context.setState({ last: context.event.type });
      },
    });
  });
  afterEach(() => h.close());

  it.each(fx.everyUpdateType().map((c) => [c.type, c] as const))('%s is keyed by its chat', async (_type, c) => {
    const answer = await h.post(c.update);
    expect(answer.status).toBe(200);
    expect(seen).toHaveLength(1);
    expect(seen[0].type).toBe(c.type);
    expect(seen[0].session).toBe(c.key === undefined ? null : `telegram:${c.key}`);
    if (c.key !== undefined) {
      const record = await h.store.inner.read(`telegram:${c.key}`);
      expect(record?.state).toEqual({ last: c.type });
      expect(record?.eventIds).toEqual([String(c.update.update_id)]);
    } else {
      expect(h.store.reads).toBe(0);
      expect(h.store.writes).toBe(0);
    }
  });

  it('has a fixture and a session rule for every update type of the Bot API the SDK knows', () => {
    expect(fx.everyUpdateType().map((c) => c.type).sort()).toEqual([...UPDATE_TYPES].sort());
    expect(UPDATE_TYPES.every((type) => isKnownUpdateType(type))).toBe(true);
  });

  it('keys a button press on an inline message (no message) by the user who pressed', async () => {
    await h.post(fx.inlineCallbackQuery('like'));
    expect(seen[0].session).toBe(`telegram:${fx.BOB.id}`);
  });

  it('keys a button press on a message too old to be given back by that message\'s chat', async () => {
    await h.post(fx.oldMessageCallbackQuery('again', { chat: fx.SUPERGROUP }));
    expect(seen[0].session).toBe(`telegram:${fx.SUPERGROUP.id}`);
  });

  it('keys an anonymous admin\'s poll answer (voter_chat) by that chat', async () => {
    await h.post(fx.pollAnswer({ voterChat: fx.SUPERGROUP }));
    expect(seen[0].session).toBe(`telegram:${fx.SUPERGROUP.id}`);
  });

  it('gives every member of a group one shared session, and each private chat its own', async () => {
    await h.post(fx.textMessage('a', { chat: fx.GROUP, from: fx.ALICE }));
    await h.post(fx.textMessage('b', { chat: fx.GROUP, from: fx.BOB }));
    await h.post(fx.textMessage('c', { from: fx.ALICE }));
    await h.post(fx.textMessage('d', { from: fx.BOB }));
    expect(seen.map((s) => [s.session, s.isNew])).toEqual([
      [`telegram:${fx.GROUP.id}`, true],
      [`telegram:${fx.GROUP.id}`, false],
      [`telegram:${fx.ALICE.id}`, true],
      [`telegram:${fx.BOB.id}`, true],
    ]);
  });

  it('runs the handler for an update type it does not know, with the raw update and no session', async () => {
    const update = fx.futureUpdate();
    const answer = await h.post(update);
    expect(answer.status).toBe(200);
    expect(seen).toEqual([{ type: 'story_reaction', session: null, isNew: undefined, raw: update }]);
    expect(h.store.reads).toBe(0);
  });

  it('runs the handler without a session for an update with no type at all', async () => {
    const answer = await h.post({ update_id: 77 });
    expect(answer.status).toBe(200);
    expect(seen).toEqual([{ type: 'unknown', session: null, isNew: undefined, raw: { update_id: 77 } }]);
  });

  it('treats an id that is not a safe integer as no chat rather than a key', async () => {
    const update = fx.textMessage('x');
    (update as any).message.chat.id = '__proto__';
    await h.post(update);
    expect(seen[0].session).toBeNull();
  });
});
