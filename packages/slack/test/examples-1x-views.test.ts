import type { SlackChannelOptions } from '@bottender/slack';

import * as fx from './fixtures/events';
import { SIGNING_SECRET, type SlackBotHarness, startSlackBot, WEBHOOK_PATH, BOT_TOKEN } from './harness';

/* eslint-disable @typescript-eslint/no-require-imports */
const homeTab = require('./fixtures/one-x-examples/home-tab.js');
const modalForm = require('./fixtures/one-x-examples/modal-form.js');
const modalOnHome = require('./fixtures/one-x-examples/modal-on-home.js');
const modalPush = require('./fixtures/one-x-examples/modal-push.js');
const modalUpdate = require('./fixtures/one-x-examples/modal-update.js');
/* eslint-enable @typescript-eslint/no-require-imports */

/**
 * Bottender 1.x's Slack examples with views (examples/slack-home-tab, slack-modal-form,
 * slack-modal-on-home, slack-modal-push, slack-modal-update), each rewritten as a CommonJS bot in
 * fixtures/one-x-examples with the same 1.x calls, run unchanged against the fake Slack API:
 * `slack.event(type)` routes, `context.views.*` with camelCase arguments, the `triggerId` and
 * `view` read from `rawEvent`, and form values read in 1.x's camelCase.
 */

const ONE_X_CONFIG: Partial<SlackChannelOptions> = { enabled: true, path: WEBHOOK_PATH, accessToken: BOT_TOKEN, signingSecret: SIGNING_SECRET, appToken: undefined };

/** Starts `app` with a 1.x example's config; `callsAtCommit` has the number of Web API calls made when each commit started. */
async function startExample(app: unknown) {
  const h = await startSlackBot({ app: app as never, connector: ONE_X_CONFIG });
  const callsAtCommit: number[] = [];
  const write = h.store.write.bind(h.store);
  h.store.write = (record, options) => {
    callsAtCommit.push(h.api.calls.length);
    return write(record, options);
  };
  return { h, callsAtCommit };
}

const stateOf = async (h: SlackBotHarness, channel: string) => (await h.store.inner.read(`slack:${channel}`))?.state;
/** The texts of a view's section blocks. */
const sectionTexts = (view: any): string[] => view.blocks.filter((block: any) => block.type === 'section').map((block: any) => block.text.text);

/** Every key of every object in `value`. */
const keysOf = (value: unknown): string[] =>
  typeof value !== 'object' || value === null ? [] : Object.entries(value).flatMap(([key, item]) => [...(Array.isArray(value) ? [] : [key]), ...keysOf(item)]);

/** A button with `value` in the modal `views.open` (or `views.push`) sent: the payload carries the view's private_metadata back. */
function clickInModal(h: SlackBotHarness, opened: { args: Record<string, any> }, value: string) {
  const click = fx.blockActionsInModal(opened.args.view.private_metadata, { triggerId: h.api.issueTrigger() });
  click.actions[0].value = value;
  return click;
}

describe('1.x example slack-home-tab', () => {
  let h: SlackBotHarness;
  let callsAtCommit: number[];
  beforeEach(async () => ({ h, callsAtCommit } = await startExample(homeTab)));
  afterEach(() => h.close());

  it("slack.event('app_home_opened') takes the event; views.publish({ userId: context.session.user.id, view }) publishes the home after the commit", async () => {
    expect((await h.postEvent(fx.eventCallback(fx.appHomeOpened()))).status).toBe(200);
    expect(h.errors).toEqual([]);
    const [publish] = h.api.callsOf('views.publish');
    expect(publish.args.user_id).toBe(fx.ALICE);
    expect(publish.args.view.type).toBe('home');
    expect(sectionTexts(publish.args.view)).toEqual(['Clicks so far: 0']);
    expect(publish.answer.ok).toBe(true);
    expect(callsAtCommit).toEqual([0]);
  });

  it("slack.event('block_actions') takes the home's button; event.action.value, the returned action, and the state the home and its button share", async () => {
    await h.postEvent(fx.eventCallback(fx.appHomeOpened()));
    expect((await h.postPayload(fx.homeBlockActions('click me'))).status).toBe(200);
    expect((await h.postPayload(fx.homeBlockActions('click me'))).status).toBe(200);
    expect(h.errors).toEqual([]);
    const publishes = h.api.callsOf('views.publish');
    expect(publishes.map((call) => call.args.user_id)).toEqual([fx.ALICE, fx.ALICE, fx.ALICE]);
    expect(publishes.map((call) => sectionTexts(call.args.view)[0])).toEqual(['Clicks so far: 0', 'Clicks so far: 1', 'Clicks so far: 2']);
    // A home names no channel: its clicks are the session of the user's DM with the app, as app_home_opened is.
    expect(await stateOf(h, fx.ALICE_DM)).toEqual({ clicks: 2 });
    expect(h.api.callsOf('conversations.open')).toHaveLength(1);
  });

  it("route('*') takes a message: sendText answers", async () => {
    await h.postEvent(fx.eventCallback(fx.message('hello', { channel: fx.ALICE_DM })));
    expect(h.api.textsIn(fx.ALICE_DM)).toEqual(['Open my Home tab']);
  });
});

describe('1.x example slack-modal-form', () => {
  let h: SlackBotHarness;
  beforeEach(async () => ({ h } = await startExample(modalForm)));
  afterEach(() => h.close());

  /** The message with the button, the click, and the modal it opened (as views.open sent it). */
  async function openForm() {
    await h.postEvent(fx.eventCallback(fx.message('hungry', { channel: fx.RANDOM })));
    const trigger = h.api.issueTrigger();
    await h.postPayload(fx.blockActions('book', { channel: fx.RANDOM, triggerId: trigger }));
    const [opened] = h.api.callsOf('views.open');
    return { trigger, opened };
  }

  /** The modal, filled in, as Slack sends it back in view_submission and view_closed. */
  function filledIn(payload: ReturnType<typeof fx.viewSubmission> | ReturnType<typeof fx.viewClosed>) {
    (payload.view.state as any).values = {
      day: { field: { type: 'datepicker', selected_date: '2024-05-03' } },
      hour: { field: { type: 'plain_text_input', value: '20:00' } },
      extras: { field: { type: 'checkboxes', selected_options: [{ text: { type: 'plain_text', text: 'a' }, value: 'a' }, { text: { type: 'plain_text', text: 'c' }, value: 'c' }] } },
      size: { field: { type: 'radio_buttons', selected_option: { text: { type: 'plain_text', text: 'm' }, value: 'm' } } },
    };
    return payload;
  }

  it("route('*') offers the button: chat.postMessage({ blocks }) without text", async () => {
    await h.postEvent(fx.eventCallback(fx.message('hungry', { channel: fx.RANDOM })));
    const [post] = h.api.callsOf('chat.postMessage');
    expect(post.args).toMatchObject({ channel: fx.RANDOM, blocks: [{ type: 'section' }, { type: 'actions' }] });
    expect(post.args.text).toBeUndefined();
  });

  it("the click's rawEvent.triggerId opens the modal at once; its camelCase keys (notifyOnClose, blockId, actionId, initialDate, initialValue) go as Slack's", async () => {
    const { trigger, opened } = await openForm();
    expect(h.errors).toEqual([]);
    expect(opened.args.trigger_id).toBe(trigger);
    expect(opened.answer.ok).toBe(true);
    const view = opened.args.view;
    expect(view).toMatchObject({ type: 'modal', notify_on_close: true, title: { text: 'Booking' }, submit: { text: 'Book' }, close: { text: 'Never mind' } });
    expect(view.blocks.map((block: any) => [block.block_id, block.element.action_id, block.element.type])).toEqual([
      ['day', 'field', 'datepicker'],
      ['hour', 'field', 'plain_text_input'],
      ['extras', 'field', 'checkboxes'],
      ['size', 'field', 'radio_buttons'],
    ]);
    expect(view.blocks[0].element.initial_date).toBe('2024-05-01');
    expect(view.blocks[1].element.initial_value).toBe('09:30');
    expect(keysOf(view).filter((key) => /[A-Z]/.test(key))).toEqual([]);
    // The modal keeps the channel it was opened from, for its submission (1.x's { channelId, original }).
    expect(JSON.parse(view.private_metadata)).toEqual({ channelId: fx.RANDOM });
  });

  it("slack.event('view_submission'): rawEvent.view.state.values read in camelCase (selectedDate, selectedOptions, selectedOption); chat.postMessage answers in the modal's channel", async () => {
    const { opened } = await openForm();
    expect((await h.postPayload(filledIn(fx.viewSubmission(opened.args.view.private_metadata)))).status).toBe(200);
    expect(h.errors).toEqual([]);
    // The first message is the button (blocks, no text).
    expect(h.api.textsIn(fx.RANDOM)).toEqual(['', 'Booked: day 2024-05-03, hour 20:00, extras a,c, size m']);
  });

  it("slack.event('view_closed') (notifyOnClose): the same reads, and chat.postMessage in the modal's channel", async () => {
    const { opened } = await openForm();
    expect((await h.postPayload(filledIn(fx.viewClosed(opened.args.view.private_metadata)))).status).toBe(200);
    expect(h.errors).toEqual([]);
    expect(h.api.textsIn(fx.RANDOM).at(-1)).toBe('Not booked: day 2024-05-03, hour 20:00, extras a,c, size m');
  });
});

describe('1.x example slack-modal-on-home', () => {
  let h: SlackBotHarness;
  let callsAtCommit: number[];
  beforeEach(async () => ({ h, callsAtCommit } = await startExample(modalOnHome)));
  afterEach(() => h.close());

  it('a button in the home (no channel) opens the modal with its rawEvent.triggerId; the modal keeps the user\'s DM as its channel', async () => {
    const trigger = h.api.issueTrigger();
    expect((await h.postPayload(fx.homeBlockActions('rename', { triggerId: trigger }))).status).toBe(200);
    expect(h.errors).toEqual([]);
    const [opened] = h.api.callsOf('views.open');
    expect(opened.args.trigger_id).toBe(trigger);
    expect(opened.args.view.blocks[0]).toMatchObject({ block_id: 'who', element: { action_id: 'field', type: 'plain_text_input' } });
    expect(JSON.parse(opened.args.view.private_metadata)).toEqual({ channelId: fx.ALICE_DM });
  });

  it('the submission reads rawEvent.view.state.values, sets the state of the DM session, and the returned action publishes the home for session.user', async () => {
    await h.postEvent(fx.eventCallback(fx.appHomeOpened()));
    await h.postPayload(fx.homeBlockActions('rename', { triggerId: h.api.issueTrigger() }));
    const [opened] = h.api.callsOf('views.open');
    const submission = fx.viewSubmission(opened.args.view.private_metadata);
    (submission.view.state as any).values = { who: { field: { type: 'plain_text_input', value: 'Ada' } } };
    const commitsBefore = callsAtCommit.length;
    const answer = await h.postPayload(submission);
    expect(answer.status).toBe(200);
    // No response_action in the answer: the modal closes.
    expect(answer.json?.response_action).toBeUndefined();
    expect(h.errors).toEqual([]);
    expect(await stateOf(h, fx.ALICE_DM)).toEqual({ name: 'Ada' });
    const publishes = h.api.callsOf('views.publish');
    expect(publishes.map((call) => [call.args.user_id, sectionTexts(call.args.view)[0]])).toEqual([
      [fx.ALICE, 'Welcome, *stranger*.'],
      [fx.ALICE, 'Welcome, *Ada*.'],
    ]);
    // The publish went out after the submission's commit.
    expect(h.api.calls.indexOf(publishes[1])).toBeGreaterThanOrEqual(callsAtCommit[commitsBefore]);
  });
});

describe('1.x example slack-modal-push', () => {
  let h: SlackBotHarness;
  beforeEach(async () => {
    modalPush.closed.length = 0;
    ({ h } = await startExample(modalPush));
  });
  afterEach(() => h.close());

  async function openFirst() {
    await h.postEvent(fx.eventCallback(fx.message('go')));
    await h.postPayload(fx.blockActions('start', { triggerId: h.api.issueTrigger() }));
    return h.api.callsOf('views.open')[0];
  }

  it("a button in the modal pushes the next one with the click's rawEvent.triggerId; clearOnClose and notifyOnClose go as Slack's", async () => {
    const opened = await openFirst();
    expect(opened.args.view).toMatchObject({ type: 'modal', title: { text: 'Layer 1' }, clear_on_close: true, notify_on_close: true });
    const click = clickInModal(h, opened, 'deeper');
    expect((await h.postPayload(click)).status).toBe(200);
    expect(h.errors).toEqual([]);
    const [pushed] = h.api.callsOf('views.push');
    expect(pushed.args.trigger_id).toBe(click.trigger_id);
    expect(pushed.args.view).toMatchObject({ type: 'modal', title: { text: 'Layer 2' }, clear_on_close: true, notify_on_close: true });
    expect(pushed.answer.ok).toBe(true);
    // The click in the modal is the session of the channel the first modal was opened from.
    expect(await stateOf(h, fx.GENERAL)).toEqual({ depth: 2 });
    expect(JSON.parse(pushed.args.view.private_metadata)).toEqual({ channelId: fx.GENERAL });
  });

  it("slack.event('view_closed') gets the closing; rawEvent is what Slack sent", async () => {
    const opened = await openFirst();
    const closing = fx.viewClosed(opened.args.view.private_metadata);
    expect((await h.postPayload(closing)).status).toBe(200);
    expect(modalPush.closed).toHaveLength(1);
    expect(JSON.parse(JSON.stringify(modalPush.closed[0]))).toEqual(closing);
    expect(modalPush.closed[0].view.id).toBe(closing.view.id);
  });
});

describe('1.x example slack-modal-update', () => {
  let h: SlackBotHarness;
  let callsAtCommit: number[];
  beforeEach(async () => ({ h, callsAtCommit } = await startExample(modalUpdate)));
  afterEach(() => h.close());

  it('views.update({ viewId: rawEvent.view.id, view }) replaces the modal the button is in, after the commit', async () => {
    await h.postEvent(fx.eventCallback(fx.message('status?')));
    await h.postPayload(fx.blockActions('open', { triggerId: h.api.issueTrigger() }));
    const [opened] = h.api.callsOf('views.open');
    const click = clickInModal(h, opened, 'refresh');
    const commitsBefore = callsAtCommit.length;
    expect((await h.postPayload(click)).status).toBe(200);
    expect(h.errors).toEqual([]);
    const [update] = h.api.callsOf('views.update');
    expect(update.args.view_id).toBe(click.view.id);
    expect(update.args.view).toMatchObject({ type: 'modal', title: { text: 'Status' } });
    expect(sectionTexts(update.args.view)).toEqual(['Refreshed']);
    expect(update.answer.ok).toBe(true);
    expect(h.api.calls.indexOf(update)).toBeGreaterThanOrEqual(callsAtCommit[commitsBefore]);
    // The replaced modal still carries its channel.
    expect(JSON.parse(update.args.view.private_metadata)).toEqual({ channelId: fx.GENERAL });
  });
});
