import fs from 'node:fs';
import path from 'node:path';
import pino from 'pino';
import { chromium, type Browser, type Page } from 'playwright-core';
import type { Connection } from 'mongoose';
import { connectDatabase, type Database } from '../../services/database/connect';
import { PROJECT_ROOT, spawnApp, type AppProcess } from './app-process';
import { testDatabaseUri, uniqueDatabaseName } from './database';

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

export interface BrowserApp {
  app(): AppProcess;
  browser(): Browser;
  /** The test's own database, open for the whole file (the app uses the same one). */
  database(): Database;
  /** `http://127.0.0.1:<port>` of the app. */
  base(): string;
}

/**
 * The real app on a fresh database of its own plus a Chromium, for a browser test file:
 * `seed` writes data before the app starts; afterwards the browser closes, the app stops
 * and the database is dropped. Call at the top level of a describe block.
 */
export function useBrowserApp(options: {
  label: string;
  env?: Record<string, string>;
  seed?: (connection: Connection) => Promise<void>;
  setupTimeoutMs?: number;
}): BrowserApp {
  let app: AppProcess | undefined;
  let browser: Browser | undefined;
  let database: Database | undefined;
  beforeAll(async () => {
    const name = uniqueDatabaseName(options.label);
    database = await connectDatabase({
      uri: testDatabaseUri(),
      dbName: name,
      engine: 'ferretdb',
      logger: pino({ level: 'silent' }),
    });
    await options.seed?.(database.connection);
    const uri = new URL(testDatabaseUri());
    uri.pathname = `/${name}`;
    app = await spawnApp({ MONGODB_URI: uri.toString(), ...options.env });
    await app.waitForLog((line) => String(line.msg).includes('is listening'), 60_000);
    browser = await launchChromium();
  }, options.setupTimeoutMs ?? 90_000);

  afterAll(async () => {
    await browser?.close();
    app?.child.kill('SIGTERM');
    await app?.waitForExit(15_000);
    await database?.connection.dropDatabase().catch(() => undefined);
    await database?.close();
  });

  const ready = <T>(value: T | undefined, what: string): T => {
    if (value === undefined) throw new Error(`the ${what} is started in beforeAll`);
    return value;
  };
  return {
    app: () => ready(app, 'app'),
    browser: () => ready(browser, 'browser'),
    database: () => ready(database, 'database'),
    base: () => `http://127.0.0.1:${ready(app, 'app').port}`,
  };
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
export async function openChatSession(
  base: string,
): Promise<{ sessionId: string; say: (text: string, clientMessageId: string) => Promise<Response> }> {
  const response = await fetch(`${base}/chat/session`, { method: 'POST' });
  const { sessionId } = (await response.json()) as { sessionId: string };
  return {
    sessionId,
    say: (text, clientMessageId) =>
      fetch(`${base}/chat/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ sessionId, clientMessageId, text }),
      }),
  };
}
