import type { Page } from 'playwright-core';

/** Drives the dev console page the way a person does: pick, type, click, and wait to see. */
export class ConsolePage {
  constructor(readonly page: Page) {}

  async open(url: string): Promise<void> {
    await this.page.goto(url);
    await this.page.locator('[data-testid=connection]', { hasText: 'connected' }).waitFor();
    await this.page.locator('[data-testid=state-tree]').waitFor();
  }

  /** Chats as a one-to-one user or in a group/room of that name. */
  async chatAs(kind: 'user' | 'group' | 'room', user: string, conversation?: string): Promise<void> {
    await this.page.selectOption('[data-testid=source-kind]', kind);
    await this.page.fill('[data-testid=user]', user);
    await this.page.press('[data-testid=user]', 'Tab');
    if (conversation !== undefined) {
      await this.page.fill('[data-testid=conversation]', conversation);
      await this.page.press('[data-testid=conversation]', 'Tab');
    }
  }

  /** Sends a text and waits until its event is no longer in flight. */
  async say(text: string, button: 'send' | 'send-twice' | 'send-burst' = 'send'): Promise<void> {
    const before = await this.logCount();
    await this.page.selectOption('[data-testid=input-kind]', 'text');
    await this.page.fill('[data-testid=field-text]', text);
    await this.page.click(`[data-testid=${button}]`);
    await this.page.waitForFunction(
      (n) => {
        // Runs in the page, where `document` exists (the tests are typed without the DOM library).
        const entries: any[] = [...(globalThis as any).document.querySelectorAll('[data-testid=event-log] [data-outcome]')];
        return entries.length > n && entries.every((e) => e.getAttribute('data-outcome') !== 'pending');
      },
      before,
    );
    await this.page.locator('[data-testid=send]:not([disabled])').waitFor();
  }

  /** Waits until the transcript shows `text`. */
  async waitForAnswer(text: string): Promise<void> {
    await this.page.locator('[data-testid=transcript] .from-bot', { hasText: text }).first().waitFor();
  }

  /** Bot messages in the transcript, in order. */
  answers(): Promise<string[]> {
    return this.page.locator('[data-testid=transcript] .from-bot').allInnerTexts();
  }

  logCount(): Promise<number> {
    return this.page.locator('[data-testid=event-log] [data-outcome]').count();
  }

  /** Outcomes of the log, newest first. */
  outcomes(): Promise<string[]> {
    return this.page.locator('[data-testid=event-log] [data-outcome]').evaluateAll((list) => list.map((e) => e.getAttribute('data-outcome') ?? ''));
  }

  /** The leaf value at `path` (dots) of the state tree, as shown (JSON). */
  stateValue(path: string): Promise<string> {
    return this.page.locator(`[data-testid=state-tree] [data-path="${path}"]`).innerText();
  }

  version(): Promise<string> {
    return this.page.locator('[data-testid=version]').innerText();
  }

  /** Waits until the state tree shows `value` (JSON) at `path`. */
  async waitForState(path: string, value: string): Promise<void> {
    const exactly = new RegExp(`^${value.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`);
    await this.page.locator(`[data-testid=state-tree] [data-path="${path}"]`, { hasText: exactly }).waitFor();
  }
}
