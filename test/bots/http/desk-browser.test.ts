import fs from 'node:fs';
import path from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { PROJECT_ROOT, spawnApp, type AppProcess } from '../../support/app-process';
import { testDatabaseUri, uniqueDatabaseName } from '../../support/database';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const TOKEN = 'desk-admin-token-0123456789';

describe('web desk in headless Chromium', () => {
  let app: AppProcess;
  let browser: Browser;
  const base = () => `http://127.0.0.1:${app.port}`;

  beforeAll(async () => {
    if (!fs.existsSync(CHROMIUM))
      throw new Error(`Chromium not found at ${CHROMIUM}: install Debian's chromium package (.ci/run does)`);
    const uri = new URL(testDatabaseUri());
    uri.pathname = `/${uniqueDatabaseName('desk-browser')}`;
    app = await spawnApp({ MONGODB_URI: uri.toString(), ADMIN_TOKEN: TOKEN });
    await app.waitForLog((line) => String(line.msg).includes('is listening'), 60_000);
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
  }, 90_000);

  afterAll(async () => {
    await browser?.close();
    app?.child.kill('SIGTERM');
    await app?.waitForExit(15_000);
  });

  it('when staff claim, reply to and resolve a complaint on the desk, then the owner sees each step in the web chat', async () => {
    // An owner complains in the web chat.
    const { sessionId } = (await (await fetch(`${base()}/chat/session`, { method: 'POST' })).json()) as {
      sessionId: string;
    };
    const post = (text: string, id: string) =>
      fetch(`${base()}/chat/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ sessionId, clientMessageId: id, text }),
      });
    await post('Your receptionist was extremely rude to me today, unacceptable', 'c1');

    const page = await browser.newPage({
      httpCredentials: { username: 'Alice', password: TOKEN },
      viewport: { width: 1000, height: 900 },
    });
    const owner = await browser.newPage({ locale: 'en-US' });
    await owner.addInitScript(`localStorage.setItem('ownerbot.session', ${JSON.stringify(sessionId)})`);
    await owner.goto(`${base()}/`);
    await owner
      .locator('.msg.bot', { hasText: /complaint is recorded \(case CP-/ })
      .waitFor({ timeout: 15_000 });

    await page.goto(`${base()}/desk`);
    const card = page.locator('.case', { hasText: 'extremely rude' });
    await card.getByRole('button', { name: /Claim/ }).click();
    await owner.locator('.msg.bot', { hasText: 'is now with Alice' }).waitFor({ timeout: 15_000 });

    await card.getByLabel('reply').fill('Our supervisor will call you at 5pm today.');
    await card.getByRole('button', { name: /Send/ }).click();
    await owner
      .locator('.msg.bot', { hasText: 'Alice: Our supervisor will call you at 5pm today.' })
      .waitFor({ timeout: 15_000 });

    await card.locator('summary').click();
    await card.getByLabel('resolution').fill('Apologised in person');
    await card
      .getByRole('button', { name: /Resolve/ })
      .last()
      .click();
    await page.locator('.error', { hasText: 'root cause' }).waitFor(); // complaints need their summary

    await page.locator('.case', { hasText: 'extremely rude' }).locator('summary').click();
    const again = page.locator('.case', { hasText: 'extremely rude' });
    await again.getByLabel('resolution').fill('Apologised in person');
    await again.getByLabel('root cause').fill('Receptionist overloaded at rush hour');
    await again.getByLabel('corrective action').fill('Supervisor apologised');
    await again.getByLabel('preventive action').fill('Second receptionist at peak hours');
    await again
      .getByRole('button', { name: /Resolve/ })
      .last()
      .click();
    await owner.locator('.msg.bot', { hasText: 'has been resolved' }).waitFor({ timeout: 15_000 });
    await page.goto(`${base()}/desk`);
    await page.locator('.case', { hasText: 'extremely rude' }).getByText('已处理 resolved').waitFor();

    const dir = path.join(PROJECT_ROOT, 'test-output');
    fs.mkdirSync(dir, { recursive: true });
    await page.screenshot({ path: path.join(dir, 'desk.png'), fullPage: true });
    expect(fs.statSync(path.join(dir, 'desk.png')).size).toBeGreaterThan(5_000);
  }, 90_000);
});
