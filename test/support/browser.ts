import fs from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { PROJECT_ROOT, ready, useAppProcess, type AppUnderTest } from './app-process';

/** Debian's chromium package; `.ci/run` installs it when missing. */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Where browser tests leave their screenshots (git-ignored). */
export const SCREENSHOT_DIR = path.join(PROJECT_ROOT, 'test-output');

/**
 * Headless Chromium through playwright-core. A missing executable fails the suite with
 * how to get one rather than skipping it: a skipped browser test would let a page that no
 * longer draws pass unnoticed.
 */
export async function launchChromium(): Promise<Browser> {
  if (!fs.existsSync(CHROMIUM_PATH))
    throw new Error(
      `Chromium not found at ${CHROMIUM_PATH}: install Debian's chromium package (.ci/run does) or set CHROMIUM_PATH`,
    );
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: ['--no-sandbox'] });
}

export interface BrowserApp extends AppUnderTest {
  browser(): Browser;
}

/**
 * The real app on a fresh database of its own (see `useAppProcess`) plus a Chromium, for a
 * browser test file. Call at the top level of a describe block.
 */
export function useBrowserApp(options: Parameters<typeof useAppProcess>[0]): BrowserApp {
  const app = useAppProcess(options);
  let browser: Browser | undefined;
  beforeAll(async () => {
    browser = await launchChromium();
  }, 30_000);
  // Runs after the app stopped (jest runs afterAll hooks in declaration order); no test is
  // using the browser by then.
  afterAll(async () => {
    await browser?.close();
  });
  return { ...app, browser: () => ready(browser, 'browser') };
}

/** Saves a full-page screenshot under test-output/ and returns its size in bytes. */
export async function saveScreenshot(page: Page, file: string): Promise<number> {
  fs.mkdirSync(SCREENSHOT_DIR, { recursive: true });
  const target = path.join(SCREENSHOT_DIR, file);
  await page.screenshot({ path: target, fullPage: true });
  return fs.statSync(target).size;
}

/** Collects a page's console errors and uncaught exceptions; a test expects the list empty. */
export function collectPageErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(message.text());
  });
  page.on('pageerror', (error) => errors.push(error.message));
  return errors;
}

/** Records (and dismisses) every dialog a page opens: a script that ran would leave an alert. */
export function collectDialogs(page: Page): string[] {
  const dialogs: string[] = [];
  page.on('dialog', (dialog) => {
    dialogs.push(dialog.message());
    void dialog.dismiss();
  });
  return dialogs;
}

/** A web chat session opened over HTTP, as the chat page does, and a way to send in it. */
/** The public half of a signed web chat session id: the conversation id inside ownerbot. */
export const webSessionReference = (sessionId: string): string => sessionId.slice(0, 22);

export async function openChatSession(base: string): Promise<{
  sessionId: string;
  /** What ownerbot stores and logs for the session (its identity is `web:<reference>`). */
  reference: string;
  say: (text: string, clientMessageId: string) => Promise<Response>;
}> {
  const response = await fetch(`${base}/chat/session`, { method: 'POST' });
  const { sessionId } = (await response.json()) as { sessionId: string };
  return {
    sessionId,
    reference: webSessionReference(sessionId),
    say: (text, clientMessageId) =>
      fetch(`${base}/chat/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ sessionId, clientMessageId, text }),
      }),
  };
}
