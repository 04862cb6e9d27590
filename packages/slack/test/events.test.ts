import { SlackEvent } from '@bottender/slack';

import * as fx from './fixtures/events';

/** `context.event`: the shortcuts a handler reads, over every input kind. */
describe('SlackEvent', () => {
  const fromCallback = (event: Record<string, unknown>) => new SlackEvent('event', fx.eventCallback(event) as never);
  const fromPayload = (payload: unknown) => new SlackEvent('interaction', payload as never);
  const fromCommand = (fields: Record<string, string>) => new SlackEvent('command', fields as never);

  it('reads a new message: text, type, kind, ts, user, channel and 1.x channel kinds', () => {
    const event = fromCallback(fx.message('hello', { channel: fx.ALICE_DM }));
    expect(event).toMatchObject({ type: 'message', kind: 'event', isMessage: true, isText: true, text: 'hello', messageKind: 'new', userId: fx.ALICE, channelId: fx.ALICE_DM, teamId: fx.TEAM });
    expect(event.isImMessage).toBe(true);
    expect(event.isChannelsMessage).toBe(false);
    expect(event.message?.ts).toBe(event.ts);
    expect(event.isPayload).toBe(false);
    expect(event.id).toMatch(/^Ev/);
    expect(event.timestamp).toBe(Math.round(Number(event.ts) * 1000));
  });

  it('keeps the whole callback as rawEvent and the event as data', () => {
    const body = fx.eventCallback(fx.message('hello'));
    const event = new SlackEvent('event', body as never);
    expect(event.rawEvent).toBe(body);
    expect(event.data).toBe(body.event);
    const payload = fx.blockActions('go');
    const action = fromPayload(payload);
    expect(action.rawEvent).toBe(payload);
    expect(action.data).toBe(payload);
  });

  it('reads an app mention as text', () => {
    const event = fromCallback(fx.appMention('count'));
    expect(event).toMatchObject({ isAppMention: true, isMessage: false, isText: true, text: `<@${fx.BOT_USER}> count` });
  });

  it('reads a slash command: command, text and trigger', () => {
    const fields = fx.slashCommand('/todo', 'buy milk');
    const event = fromCommand(fields);
    expect(event).toMatchObject({ type: 'slash_command', isCommand: true, command: '/todo', text: 'buy milk', isText: true, triggerId: fields.trigger_id, id: fields.trigger_id, responseUrl: fields.response_url });
  });

  it.each([
    ['a button value', fx.blockActions('plus_one'), 'plus_one'],
    ['a button without a value: its action_id', fx.blockActions(undefined, { actionId: 'refresh' }), 'refresh'],
    ['a select: the selected option', fx.staticSelect('option-b'), 'option-b'],
    ['a legacy attachment button', fx.interactiveMessage('chess'), 'chess'],
    ['a global shortcut: its callback_id', fx.globalShortcut('new_item'), 'new_item'],
    ['a message shortcut: its callback_id', fx.messageAction('remember'), 'remember'],
  ])('gives %s as the payload', (_name, payload, value) => {
    const event = fromPayload(payload);
    expect(event.isPayload).toBe(true);
    expect(event.payload).toBe(value);
    expect(event.isText).toBe(false);
  });

  it('reads a block action: the action, callback and 1.x flags', () => {
    const event = fromPayload(fx.blockActions('go'));
    expect(event).toMatchObject({ isBlockAction: true, isBlockActionOrInteractiveMessage: true, action: { action_id: 'count_button', value: 'go' } });
  });

  it('reads a view submission: the view, callback_id and our metadata unwrapped', () => {
    const event = fromPayload(fx.viewSubmission(fx.metadataFor(fx.GENERAL, 'order-42'), { callbackId: 'new_item' }));
    expect(event).toMatchObject({ isViewSubmission: true, callbackId: 'new_item', privateMetadata: 'order-42', channelId: fx.GENERAL, isPayload: false });
    expect(event.view?.state.values.title_block.title.value).toBe('Buy milk');
  });

  it("gives back private_metadata that is not ours as it is, and flags metadata that is not JSON", () => {
    expect(fromPayload(fx.viewSubmission('{"order":42}')).privateMetadata).toBe('{"order":42}');
    const plain = fromPayload(fx.viewSubmission('order-42'));
    expect(plain.privateMetadata).toBe('order-42');
    expect(plain.hasUnreadableMetadata).toBe(true);
  });

  it('gives a closed view an id of its own (it has no trigger)', () => {
    const payload = fx.viewClosed(fx.metadataFor(fx.GENERAL));
    expect(fromPayload(payload).id).toBe(`view_closed:${payload.view.id}`);
  });

  it('reads an edit and a deletion without text', () => {
    const edited = fromCallback(fx.messageChanged('new', 'old'));
    expect(edited).toMatchObject({ isMessageEdited: true, isMessage: false, text: undefined, edited: { message: { text: 'new' }, previous: { text: 'old' } } });
    const deleted = fromCallback(fx.messageDeleted('old'));
    expect(deleted).toMatchObject({ isMessageDeleted: true, deleted: { previous: { text: 'old' } } });
    expect(deleted.deleted?.ts).toMatch(/^\d+\.\d+$/);
  });

  it("tells bots' messages apart, this app's own included", () => {
    expect(fromCallback(fx.botMessage('x')).isBotMessage).toBe(true);
    expect(fromCallback(fx.appBotUserMessage('x')).isBotMessage).toBe(true);
    expect(fromCallback(fx.messageChanged('a', 'b', { bot: true })).isBotMessage).toBe(true);
    expect(fromCallback(fx.message('x')).isBotMessage).toBe(false);
  });

  it('survives hostile shapes: ids that are not strings, giant ids, missing fields', () => {
    const event = fromPayload({ type: 'block_actions', user: { id: 42 }, channel: { id: 'C'.repeat(1000) }, actions: 'nope', trigger_id: {} });
    expect(event).toMatchObject({ userId: undefined, channelId: undefined, action: undefined, payload: undefined, id: undefined });
    expect(() => event.timestamp).not.toThrow();
  });
});
