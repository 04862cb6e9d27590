import { mkdirSync } from 'node:fs';
import path from 'node:path';

import type { Action } from 'bottender';

import { showcaseApp } from './bots';
import { type BrowserSession, describeInBrowser, openBrowser } from './browser';
import { type ConsoleHarness, startHarness } from './harness';
import { ConsolePage } from './page';

/** Answers on each platform with its buttons, so the page's rendering and clicks can be checked. */
const everywhere: Action<any> = async (context) => {
  if (context.platform === 'line') return showcaseApp(context, {});
  if (context.event.isPayload) {
    context.setState({ pressed: context.event.payload });
    await context.sendText(`pressed ${context.event.payload}`);
    return;
  }
  const count = (context.state.count ?? 0) + 1;
  context.setState({ count });
  if (context.platform === 'telegram') {
    await context.sendText(`Count: ${count}`, { reply_markup: { inline_keyboard: [[{ text: 'Add one', callback_data: 'add:1' }, { text: 'Docs', url: 'https://example.com' }]] } });
  } else {
    await context.postMessage({
      text: `Count: ${count}`,
      blocks: [
        { type: 'header', text: { type: 'plain_text', text: 'Counter' } },
        { type: 'section', text: { type: 'mrkdwn', text: `Count is *${count}*` }, fields: [{ type: 'mrkdwn', text: '*Channel*' }, { type: 'mrkdwn', text: 'general' }] },
        { type: 'actions', block_id: 'counter', elements: [{ type: 'button', action_id: 'approve', value: 'yes', style: 'primary', text: { type: 'plain_text', text: 'Approve' } }] },
      ],
    });
  }
};

/** `DEV_CONSOLE_SCREENSHOTS=docs/images npx jest packages/dev-console/test/platforms.browser` refreshes the docs' screenshots. */
const SHOTS = process.env.DEV_CONSOLE_SCREENSHOTS;

describeInBrowser('the dev console with LINE, Telegram and Slack enabled', () => {
  let browser: BrowserSession;
  let harness: ConsoleHarness;
  let ui: ConsolePage;

  beforeAll(async () => {
    browser = await openBrowser();
    harness = await startHarness({
      app: everywhere,
      initialState: { count: 0 },
      expiresIn: 60,
      channels: { line: { enabled: true }, telegram: { enabled: true }, slack: { enabled: true } },
    });
    ui = new ConsolePage(browser.page);
    await ui.open(harness.devConsole.url);
    if (SHOTS) mkdirSync(SHOTS, { recursive: true });
  });
  afterAll(async () => {
    await harness?.close();
    await browser?.close();
  });

  const shot = async (name: string) => {
    if (!SHOTS) return;
    // Let the sessions list catch up (it refreshes shortly after each event).
    await ui.page.waitForTimeout(800);
    await ui.page.screenshot({ path: path.join(SHOTS, `dev-console-${name}.png`) });
  };

  test('LINE: a template, Flex and a sticker rendered as cards; the Flex button sends its postback', async () => {
    await ui.chatAs('group', 'alice', 'team');
    await ui.say('hi');
    await ui.say('menu');
    await ui.say('flex');
    await ui.page.selectOption('[data-testid=input-kind]', 'sticker');
    await ui.page.click('[data-testid=send]');
    await ui.page.locator('[data-testid=transcript] .sticker').first().waitFor();
    await ui.page.locator('[data-testid=transcript] .flex-bubble', { hasText: 'Order #42' }).waitFor();
    await ui.page.click('[data-testid=transcript] .flex-bubble button:has-text("Pay now")');
    await ui.waitForAnswer('postback handled: action=pay&order=42');
    await ui.say('boom');
    await ui.page.locator('[data-testid=event-log] [data-outcome="handler-error"]').waitFor();
    await ui.say('hi', 'send-twice');
    await ui.page.locator('[data-testid=event-log] [data-outcome="duplicate"]').waitFor();
    await ui.waitForState('count', '2');
    await shot('line');
  });

  test('Telegram: an inline keyboard button sends its callback query', async () => {
    await ui.page.selectOption('[data-testid=platform]', 'telegram');
    await ui.chatAs('topic' as never, 'alice', 'team#ideas');
    await ui.say('hi');
    await ui.page.click('[data-testid=transcript] button[data-callback="add:1"]');
    await ui.waitForAnswer('pressed add:1');
    await ui.waitForState('pressed', '"add:1"');
    await ui.page.locator('[data-testid=transcript] a.action', { hasText: 'Docs' }).waitFor();
    await shot('telegram');
  });

  test('Slack: blocks as sections and buttons; a button press is a block action', async () => {
    await ui.page.selectOption('[data-testid=platform]', 'slack');
    await ui.chatAs('channel' as never, 'alice', 'general');
    await ui.say('hi');
    await ui.page.locator('[data-testid=transcript] .slack-section', { hasText: 'Count is 1' }).waitFor();
    await ui.page.click('[data-testid=transcript] button[data-action-id="approve"]');
    await ui.waitForAnswer('pressed yes');
    await ui.waitForState('pressed', '"yes"');
    await shot('slack');
  });

  test('the sessions list: every platform\'s sessions, searchable', async () => {
    await ui.page.fill('[data-testid=session-search]', 'telegram:');
    await ui.page.waitForFunction(() => {
      const items = [...(globalThis as any).document.querySelectorAll('[data-testid=session-list] li')];
      return items.length === 1 && items.every((li: any) => li.title.startsWith('telegram:'));
    });
    await ui.page.fill('[data-testid=session-search]', '');
    await ui.page.waitForFunction(() => (globalThis as any).document.querySelectorAll('[data-testid=session-list] li').length === 3);
    await ui.page.click('[data-testid=session-list] li:has-text("group team")');
    await ui.page.locator('[data-testid=platform]').evaluate((select: any) => select.value).then((value) => expect(value).toBe('line'));
    await ui.waitForState('count', '2');
    await shot('sessions');
  });
});
