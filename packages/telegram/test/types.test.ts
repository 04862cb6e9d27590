import type { CallbackQuery, Message } from 'node-telegram-bot-api';

import {
  createConnector,
  type PayloadOf,
  type TelegramContext,
  TelegramEvent,
  type TelegramUpdate,
  type UpdateOf,
} from '@bottender/telegram';

import * as fx from './fixtures/events';

/**
 * What the public types promise, checked by the type checker (`npm run typecheck` covers test
 * files): `@ts-expect-error` lines must fail to compile, the others must compile. The runtime
 * assertions keep Jest honest that the same code runs.
 */
type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
const assertType = <T extends true>(_value?: T) => undefined;

describe('@bottender/telegram types', () => {
  it('narrows the raw update with event.is()', () => {
    const event = new TelegramEvent(fx.callbackQuery('ok'));
    // @ts-expect-error not every update has a callback_query
    void event.rawEvent.callback_query;
    if (event.is('callback_query')) {
      const query: CallbackQuery = event.rawEvent.callback_query;
      expect(query.data).toBe('ok');
    } else {
      throw new Error('is() should have narrowed');
    }
  });

  it('types get() by update type, and refuses a type the Bot API does not have', () => {
    const event = new TelegramEvent(fx.textMessage('hi'));
    const message: Message | undefined = event.get('message');
    assertType<Equal<ReturnType<typeof event.get<'poll_answer'>>, PayloadOf<'poll_answer'> | undefined>>();
    // @ts-expect-error 'mesage' is not an update type
    event.get('mesage');
    expect(message?.text).toBe('hi');
  });

  it('gives UpdateOf and PayloadOf for each update type', () => {
    assertType<Equal<PayloadOf<'message'>, Message>>();
    assertType<Equal<PayloadOf<'callback_query'>, CallbackQuery>>();
    const update: UpdateOf<'message'> = fx.textMessage('x') as UpdateOf<'message'>;
    // @ts-expect-error a message update has no callback_query
    void update.callback_query;
    const any: TelegramUpdate = update;
    expect(any.update_id).toBe(update.update_id);
  });

  it("types the context's state and methods", () => {
    const app = async (context: TelegramContext<{ count: number }>) => {
      const count: number = context.state.count + 1;
      context.setState({ count });
      // @ts-expect-error state is { count: number }
      context.setState({ count: 'one' });
      await context.sendText(`Count: ${count}`, { parse_mode: 'HTML', reply_markup: { inline_keyboard: [[{ text: 'A', callback_data: 'a' }]] } });
      // @ts-expect-error chat_id is the context's to choose
      await context.sendText('x', { chat_id: 1 });
      await context.sendPhoto('https://example.com/a.jpg', { caption: 'a' });
      // @ts-expect-error the file comes first
      await context.sendPhoto({ caption: 'a' });
      await context.editMessageText(1, 'edited');
      await context.answerCallbackQuery({ text: 'ok' });
      const command = context.event.command;
      const name: string | undefined = command?.name;
      return name;
    };
    expect(typeof app).toBe('function');
  });

  it("leaves rawEvent's 1.x camelCase names untyped: Telegram's names are the typed ones", () => {
    const event = new TelegramEvent(fx.callbackQuery('ok'));
    if (!event.is('callback_query')) throw new Error('is() should have narrowed');
    const id: number = event.rawEvent.callback_query.message!.message_id;
    // @ts-expect-error 1.x's camelCase names are there at runtime, not in the type
    void event.rawEvent.callbackQuery;
    expect((event.rawEvent as any).callbackQuery.message.messageId).toBe(id);
  });

  it("types sendPoll's answer and context.client's 1.x signatures", () => {
    const app = async (context: TelegramContext) => {
      const sent: Message = await context.sendPoll('Q?', ['a', { text: 'b' }], { is_anonymous: false });
      const pollId: string | undefined = sent.poll?.id;
      const message: Message = await context.client.sendMessage(sent.chat.id, `poll ${pollId}`);
      const count: number = await context.client.getChatMembersCount(message.chat.id);
      await context.client.editMessageText('edited', { chat_id: message.chat.id, message_id: message.message_id });
      // @ts-expect-error 1.x's client takes the chat first
      await context.client.sendMessage('hello');
      // @ts-expect-error an edit must say which message
      await context.client.editMessageText('edited');
      return count;
    };
    expect(typeof app).toBe('function');
  });

  it('checks channels.telegram at the type level too', () => {
    const make = () => {
      createConnector({ accessToken: '1:a', secretToken: 's', polling: true, allowedUpdates: ['message'] });
      // @ts-expect-error accessToken is required
      createConnector({ secretToken: 's' });
      // @ts-expect-error polling is a boolean
      createConnector({ accessToken: '1:a', polling: 'yes' });
    };
    expect(typeof make).toBe('function');
  });
});
