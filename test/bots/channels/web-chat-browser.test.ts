import fs from 'node:fs';
import path from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { PROJECT_ROOT, spawnApp, type AppProcess } from '../../support/app-process';
import { testDatabaseUri, uniqueDatabaseName } from '../../support/database';

/** Debian's chromium package; `.ci/run` installs it when missing. */
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const SCREENSHOT_DIR = path.join(PROJECT_ROOT, 'test-output');

describe('web chat in headless Chromium', () => {
  let app: AppProcess;
  let browser: Browser;

  beforeAll(async () => {
    if (!fs.existsSync(CHROMIUM)) {
      throw new Error(
        `Chromium not found at ${CHROMIUM}: install Debian's chromium package (.ci/run does) or set CHROMIUM_PATH`,
      );
    }
    const uri = new URL(testDatabaseUri());
    uri.pathname = `/${uniqueDatabaseName('web-browser')}`;
    app = await spawnApp({ MONGODB_URI: uri.toString() });
    await app.waitForLog((line) => String(line.msg).includes('is listening'), 60_000);
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
  }, 90_000);

  afterAll(async () => {
    await browser?.close();
    app?.child.kill('SIGTERM');
    await app?.waitForExit(15_000);
  });

  it('when an owner opens /, sends a message and clicks a button, then the replies show live and a screenshot is saved', async () => {
    const page = await browser.newPage({ locale: 'en-US', viewport: { width: 420, height: 760 } });
    await page.goto(`http://127.0.0.1:${app.port}/`);
    await page.getByText('Hello! Report a repair').waitFor();

    await page.locator('#text').fill('The kitchen sink in 5-1203 is blocked, please send a plumber');
    await page.locator('#text').press('Enter');
    await page
      .locator('.msg.bot', { hasText: /repair request \(case WO-\d{4}-\d{4}\)/ })
      .waitFor({ timeout: 15_000 });

    await page.locator('#text').fill('menu');
    await page.locator('#send').click();
    const myCases = page.locator('.choices button', { hasText: 'My cases' });
    await myCases.waitFor({ timeout: 15_000 });
    await myCases.click();
    await page.locator('.msg.bot', { hasText: 'Your open cases:' }).waitFor({ timeout: 15_000 });

    fs.mkdirSync(SCREENSHOT_DIR, { recursive: true });
    const file = path.join(SCREENSHOT_DIR, 'web-chat.png');
    await page.screenshot({ path: file, fullPage: true });
    expect(fs.statSync(file).size).toBeGreaterThan(5_000);
  }, 60_000);
});
