import { createConnector, TelegramEvent } from '@bottender/telegram';

import * as fx from './fixtures/events';

/** `context.event`: the helpers for text, commands and button data, and 1.x's getters. */
describe('TelegramEvent', () => {
  const event = (update: unknown) => new TelegramEvent(update as any);

  it('reads a text message: text, chat, sender, id, time', () => {
    const update = fx.textMessage('hello', { chat: fx.GROUP, from: fx.BOB });
    const e = event(update);
    expect([e.type, e.isMessage, e.isText, e.text, e.chatId, e.from?.id, e.id, e.updateId]).toEqual([
      'message', true, true, 'hello', fx.GROUP.id, fx.BOB.id, String(update.update_id), update.update_id,
    ]);
    expect(e.timestamp).toBe((update as any).message.date * 1000);
    expect([e.isPayload, e.payload, e.isCommand, e.command]).toEqual([false, undefined, false, undefined]);
  });

  it.each([
    ['/start', { name: 'start', payload: '' }],
    ['/start ref42', { name: 'start', payload: 'ref42' }],
    ['/start@counter_test_bot ref42', { name: 'start', payload: 'ref42', botUsername: 'counter_test_bot' }],
    ['/help   me  please ', { name: 'help', payload: 'me  please' }],
    ['/echo line one\nline two', { name: 'echo', payload: 'line one\nline two' }],
  ])('reads the command %j', (text, command) => {
    const e = event(fx.commandMessage(text));
    expect(e.isCommand).toBe(true);
    expect(e.command).toEqual(command);
    expect(e.text).toBe(text);
  });

  it.each(['hello /start', '/', '/ start', '/naïve', `/${'x'.repeat(33)}`])('reads no command in %j', (text) => {
    expect(event(fx.textMessage(text)).command).toBeUndefined();
  });

  it('reads a button press as the payload, with the message the button is on', () => {
    const e = event(fx.callbackQuery('vote:2', { chat: fx.FORUM, topic: 7 }));
    expect([e.isCallbackQuery, e.isPayload, e.payload, e.chatId, e.threadId]).toEqual([true, true, 'vote:2', fx.FORUM.id, 7]);
    expect(e.callbackQuery?.data).toBe('vote:2');
    expect(e.anyMessage?.text).toBe('Pick one');
    expect([e.isMessage, e.text]).toEqual([false, undefined]);
  });

  it('gives no message for a press on a message too old to be given back', () => {
    const e = event(fx.oldMessageCallbackQuery('x'));
    expect(e.anyMessage).toBeUndefined();
    expect(e.chatId).toBe(fx.SUPERGROUP.id);
  });

  it('has the getters of Bottender 1.x for message contents, undefined for other updates', () => {
    const photo = event(fx.photoMessage());
    expect([photo.isPhoto, photo.photo?.length, photo.isSticker, photo.sticker]).toEqual([true, 2, false, undefined]);
    expect(event(fx.stickerMessage()).sticker?.emoji).toBe('👍');
    expect(event(fx.documentMessage()).document?.file_name).toBe('minutes.pdf');
    expect(event(fx.locationMessage()).location).toEqual({ latitude: 52.52, longitude: 13.405 });
    const edited = event(fx.editedMessage('fixed'));
    expect([edited.isEditedMessage, edited.editedMessage?.text, edited.isMessage, edited.text, edited.anyMessage?.text]).toEqual([
      true, 'fixed', false, undefined, 'fixed',
    ]);
    expect(event(fx.channelPost('news')).channelPost?.text).toBe('news');
    expect(event(fx.inlineQuery('dune')).inlineQuery?.query).toBe('dune');
    expect(event(fx.chosenInlineResult()).chosenInlineResult?.result_id).toBe('book-1');
    expect(event(fx.shippingQuery()).shippingQuery?.invoice_payload).toBe('order-17');
    expect(event(fx.preCheckoutQuery()).preCheckoutQuery?.total_amount).toBe(1450);
    expect(event(fx.poll()).poll?.question).toBe('Next book?');
    expect(event(fx.pollAnswer()).pollAnswer?.option_ids).toEqual([0]);
    const reply = event(fx.textMessage('re', { extra: { reply_to_message: { message_id: 1, date: 1, chat: fx.GROUP } as any } }));
    expect([reply.isReplyToMessage, reply.replyToMessage?.message_id]).toEqual([true, 1]);
  });

  it('narrows with is() and reads one type with get()', () => {
    const e = event(fx.chatJoinRequest());
    expect(e.is('chat_join_request')).toBe(true);
    expect(e.is('message')).toBe(false);
    expect(e.get('chat_join_request')?.bio).toBe('Reads a lot');
    expect(e.get('message')).toBeUndefined();
  });

  it('names both chats of a group upgrade and keys both messages by the supergroup', () => {
    const to = event(fx.migrateToMessage(fx.GROUP, fx.SUPERGROUP));
    const from = event(fx.migrateFromMessage(fx.SUPERGROUP, fx.GROUP));
    expect([to.migrateToChatId, to.chatId, to.chat?.id]).toEqual([fx.SUPERGROUP.id, fx.SUPERGROUP.id, fx.GROUP.id]);
    expect([from.migrateFromChatId, from.chatId]).toEqual([fx.GROUP.id, fx.SUPERGROUP.id]);
  });

  it('keeps an update of a type it does not know, with its object', () => {
    const e = event(fx.futureUpdate());
    expect([e.type, e.isKnownType, e.chatId, e.isMessage, e.text]).toEqual(['story_reaction', false, undefined, false, undefined]);
    expect(e.payloadObject?.story_id).toBe(9);
  });

  it('reads hostile shapes without throwing', () => {
    for (const update of [
      { update_id: 1, message: null },
      { update_id: 1, message: 'text' },
      { update_id: 1, message: { chat: null, text: 5 } },
      { update_id: 1, callback_query: { message: { chat: { id: 1.5 } }, from: { id: 'x' } } },
      { update_id: 1, __proto__: { message: { text: 'inherited' } } },
    ]) {
      const e = event(update);
      expect(() => [e.chatId, e.text, e.command, e.anyMessage, e.threadId, e.payload, e.chat, e.from, e.timestamp]).not.toThrow();
      expect(e.chatId).toBeUndefined();
      expect(e.text).toBeUndefined();
    }
  });

  it('is rebuilt from its stored rawEvent (an update held in the store across a restart)', async () => {
    const connector = createConnector({ accessToken: '7000000001:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw8', polling: true });
    const update = fx.callbackQuery('vote:1', { chat: fx.FORUM, topic: 3 });
    const restored = connector.restoreEvent(JSON.parse(JSON.stringify(update)));
    expect([restored.id, restored.type, restored.payload, restored.chatId, restored.threadId]).toEqual([
      String(update.update_id), 'callback_query', 'vote:1', fx.FORUM.id, 3,
    ]);
    expect(() => connector.restoreEvent({ message: {} })).toThrow('a held Telegram event is not an update');
    await connector.close();
  });
});

