import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { type BrowserContext, chromium, type Page } from 'playwright-core';

/** Debian's chromium, which `.ci/run` installs when missing (Playwright's own download does not work here). */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/**
 * Whether browser tests can run. In CI a missing browser is a failure (the tests run and fail
 * with a message saying what to install), never a silent skip.
 */
export const HAS_CHROMIUM = existsSync(CHROMIUM);
export const describeInBrowser: jest.Describe = HAS_CHROMIUM || process.env.CI ? describe : describe.skip;
if (!HAS_CHROMIUM && !process.env.CI) {
  console.warn(`\n*** dev console browser tests SKIPPED: no chromium at ${CHROMIUM} (apt-get install -y chromium) ***\n`);
}

export interface BrowserSession {
  context: BrowserContext;
  page: Page;
  close(): Promise<void>;
}

/** Starts headless chromium with a fresh profile and opens one page. */
export async function openBrowser(): Promise<BrowserSession> {
  if (!HAS_CHROMIUM) throw new Error(`the dev console browser tests need chromium at ${CHROMIUM}: apt-get install -y chromium`);
  const profile = mkdtempSync(path.join(tmpdir(), 'bottender-dev-console-chromium-'));
  // A persistent context is how Playwright takes a fresh --user-data-dir of our own.
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    viewport: { width: 1440, height: 900 },
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  const page = context.pages()[0] ?? (await context.newPage());
  return {
    context,
    page,
    close: async () => {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}
