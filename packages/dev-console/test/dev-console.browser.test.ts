import { request } from 'node:http';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { showcaseApp } from './bots';
import { type BrowserSession, describeInBrowser, openBrowser } from './browser';
import { type ConsoleHarness, startHarness } from './harness';
import { ConsolePage } from './page';

describeInBrowser('the dev console in a real browser (LINE)', () => {
  let browser: BrowserSession;
  let harness: ConsoleHarness;
  let ui: ConsolePage;

  beforeAll(async () => {
    browser = await openBrowser();
  });
  afterAll(async () => {
    await browser?.close();
  });
  beforeEach(async () => {
    harness = await startHarness({ app: showcaseApp, initialState: { count: 0 } });
    ui = new ConsolePage(await browser.context.newPage());
    await ui.open(harness.devConsole.url);
  });
  afterEach(async () => {
    await ui?.page.close();
    await harness?.close();
  });

  test('a LINE user and a LINE group are two sessions: their counts differ', async () => {
    await ui.chatAs('user', 'alice');
    await ui.say('hi');
    await ui.say('hi');
    await ui.waitForAnswer('Count: 2');
    await ui.waitForState('count', '2');

    await ui.chatAs('group', 'alice', 'team');
    await ui.say('hi');
    await ui.waitForAnswer('Count: 1');
    await ui.waitForState('count', '1');
    expect(await ui.answers()).toEqual(['Count: 1\nagain']);

    await ui.chatAs('user', 'alice');
    await ui.waitForState('count', '2');
    expect(await ui.answers()).toEqual(['Count: 1\nagain', 'Count: 2\nagain']);
  });

  test('pressing a button of a template sends its postback, which the handler handles', async () => {
    await ui.say('menu');
    const button = ui.page.locator('[data-testid=transcript] button', { hasText: 'Buy a latte' });
    await button.waitFor();
    await button.click();
    await ui.waitForAnswer('postback handled: action=buy&item=latte');
    await ui.waitForState('lastPostback', '"action=buy&item=latte"');
    expect((await ui.outcomes())[0]).toBe('handled');
    await expect(ui.page.locator('[data-testid=event-log] .summary').first().innerText()).resolves.toBe('postback action=buy&item=latte');
  });

  test('a message kind the page does not render is shown as its JSON, not dropped', async () => {
    await ui.say('coupon');
    const unknown = ui.page.locator('[data-testid=transcript] .msg.unknown');
    await unknown.waitFor();
    await expect(unknown.innerText()).resolves.toMatch(/coupon \(shown as JSON\)[\s\S]*"couponId": "COUPON-2026"/);
    await expect(ui.page.locator('[data-testid=transcript] .from-bot').getAttribute('data-via')).resolves.toBe('push');
  });

  test('a value edited in the state tree is what the next event sees', async () => {
    await ui.say('hi');
    await ui.waitForState('count', '1');
    await ui.page.click('[data-testid=state-tree] [data-path="count"]');
    await ui.page.fill('[data-testid=edit-count]', '41');
    await ui.page.press('[data-testid=edit-count]', 'Enter');
    await ui.waitForState('count', '41');
    expect(await ui.version()).toBe('2');
    await ui.say('hi');
    await ui.waitForAnswer('Count: 42');
  });

  test('"send twice" delivers the event and its redelivery: one answer, one duplicate', async () => {
    await ui.say('hi', 'send-twice');
    await ui.waitForAnswer('Count: 1');
    expect((await ui.outcomes()).sort()).toEqual(['duplicate', 'handled']);
    expect(await ui.answers()).toEqual(['Count: 1\nagain']);
    await ui.waitForState('count', '1');
    expect(await ui.version()).toBe('1');
  });

  test('"send N at once": every event handled once, none lost', async () => {
    await ui.page.fill('[data-testid=burst-count]', '12');
    await ui.say('hi', 'send-burst');
    await ui.waitForState('count', '12');
    expect(await ui.outcomes()).toEqual(Array(12).fill('handled'));
    const answers = await ui.answers();
    expect(answers.map((a) => a.split('\n')[0]).sort()).toEqual(Array.from({ length: 12 }, (_, i) => `Count: ${i + 1}`).sort());
  });

  test('a handler that throws: its error and stack on the page, the state unchanged', async () => {
    await ui.say('hi');
    await ui.waitForState('count', '1');
    await ui.say('boom');
    const entry = ui.page.locator('[data-testid=event-log] [data-outcome="handler-error"]');
    await entry.waitFor();
    await expect(entry.locator('summary.error').innerText()).resolves.toBe('Error: boom: the handler failed on purpose');
    await expect(entry.locator('pre').first().innerText()).resolves.toMatch(/bots\.ts/);
    await ui.page.locator('[data-testid=transcript] .note', { hasText: 'rolled back' }).waitFor();
    expect(await ui.stateValue('count')).toBe('1');
    expect(await ui.version()).toBe('1');
  });

  test('the token: the page and its API answer only under the URL with the token, and only to 127.0.0.1', async () => {
    const { port, token, url } = harness.devConsole;
    expect(url).toBe(`http://127.0.0.1:${port}/${token}/`);
    expect(token.length).toBeGreaterThanOrEqual(32);
    const get = (p: string, host = `127.0.0.1:${port}`) =>
      new Promise<number>((resolve, reject) => {
        request({ host: '127.0.0.1', port, path: p, headers: { host } }, (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        })
          .on('error', reject)
          .end();
      });
    expect(await get('/')).toBe(403);
    expect(await get('/api/info')).toBe(403);
    expect(await get(`/${token.slice(0, -1)}x/api/info`)).toBe(403);
    expect(await get(`/${token}/api/info`)).toBe(200);
    expect(await get(`/${token}/api/info`, `evil.example:${port}`)).toBe(421);
    const page = await browser.context.newPage();
    try {
      const response = await page.goto(`http://127.0.0.1:${port}/`);
      expect(response?.status()).toBe(403);
      await expect(page.locator('body').innerText()).resolves.toMatch(/needs the token/);
    } finally {
      await page.close();
    }
    // Nothing listens on other interfaces.
    expect(harness.devConsole.url.startsWith('http://127.0.0.1:')).toBe(true);
  });
});

describeInBrowser('the dev console across a reload of the bot', () => {
  test('the page stays, reconnects, says the bot reloaded, and the state is kept', async () => {
    const browser = await openBrowser();
    const snapshotFile = path.join(mkdtempSync(path.join(tmpdir(), 'dev-console-reload-')), 'snapshot.json');
    let harness = await startHarness({ app: showcaseApp, initialState: { count: 0 }, snapshotFile });
    const { port, token } = harness.devConsole;
    try {
      const ui = new ConsolePage(browser.page);
      await ui.open(harness.devConsole.url);
      await ui.say('hi');
      await ui.say('hi');
      await ui.waitForState('count', '2');
      // What `bottender dev` does on a change: the bot process ends, a new one starts on the same address.
      await harness.close();
      await ui.page.locator('[data-testid=connection]', { hasText: 'reconnecting' }).waitFor();
      harness = await startHarness({ app: showcaseApp, initialState: { count: 0 }, snapshotFile, port, token });
      await ui.page.locator('[data-testid=reloaded]').waitFor();
      await ui.page.locator('[data-testid=connection]', { hasText: 'connected' }).waitFor();
      await ui.waitForState('count', '2');
      expect(await ui.answers()).toEqual(['Count: 1\nagain', 'Count: 2\nagain']);
      await ui.say('hi');
      await ui.waitForAnswer('Count: 3');
    } finally {
      await harness.close();
      await browser.close();
    }
  });
});
