import fs from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { systemClock } from '../../../services/clock';
import { writeDemoEstate } from '../../../services/demo/demo-estate';
import { createReportService } from '../../../services/reports/report-service';
import { PROJECT_ROOT } from '../../support/app-process';
import { collectPageErrors, openChatSession, SCREENSHOT_DIR, useBrowserApp } from '../../support/browser';
import { seedStaff, STAFF_PASSWORD } from '../../support/staff';

/**
 * The desk queue, a case and the dashboard in both languages, on a desk screen and a 390 px
 * phone, over the demo estate. `OWNERBOT_SCREENSHOTS=docs` writes them to docs/images (the
 * README shows them); otherwise to test-output/.
 */
const TARGET =
  process.env.OWNERBOT_SCREENSHOTS === 'docs' ? path.join(PROJECT_ROOT, 'docs/images') : SCREENSHOT_DIR;
const SCREENS = [
  ['desktop', { width: 1200, height: 820 }],
  ['phone', { width: 390, height: 844 }],
] as const;

describe('screenshots of the desk and the dashboard', () => {
  const { browser, base } = useBrowserApp({
    label: 'screenshots',
    env: { ADMIN_TOKEN: 'screenshots-admin-token-0123' },
    seed: async (connection) => {
      await writeDemoEstate({ connection, now: systemClock.now(), size: { owners: 200, messages: 3000 } });
      await createReportService({ connection, clock: systemClock }).refresh();
      await seedStaff(connection, ['王芳', 'Bob']);
    },
    setupTimeoutMs: 150_000,
  });

  async function shoot(page: Page, name: string): Promise<void> {
    fs.mkdirSync(TARGET, { recursive: true });
    const file = path.join(TARGET, `${name}.png`);
    await page.screenshot({ path: file });
    expect(fs.statSync(file).size).toBeGreaterThan(5_000);
  }

  it('when the desk and the dashboard are drawn in Chinese and English on both screens, then each is saved without page errors', async () => {
    const owner = await openChatSession(base());
    await owner.say('燃气泄漏了，厨房里全是煤气味，快来人！', 's1');
    const staff = await browser().newPage({
      httpCredentials: { username: '王芳', password: STAFF_PASSWORD },
    });
    await staff.goto(`${base()}/desk?lang=zh`);
    const card = staff.locator('.case', { hasText: '燃气泄漏了' });
    await card.getByRole('button', { name: '认领' }).click();
    await staff.locator('.case', { hasText: '燃气泄漏了' }).getByRole('link', { name: '打开' }).click();
    await staff.getByLabel('回复业主').fill('维修师傅5分钟内到，请先打开窗户并离开厨房。');
    await staff.getByRole('button', { name: '发送' }).click();
    await staff.getByLabel('内部备注').fill('已通知燃气公司抢修');
    await staff.getByRole('button', { name: '保存备注' }).click();
    const caseUrl = staff.url().replace(/\?.*$/, '');
    await staff.close();

    for (const [screen, viewport] of SCREENS) {
      for (const language of ['zh', 'en'] as const) {
        const page = await browser().newPage({
          httpCredentials: { username: '王芳', password: STAFF_PASSWORD },
          viewport,
        });
        const errors = collectPageErrors(page);
        await page.goto(`${base()}/desk?lang=${language}`);
        await page.locator('.case').first().waitFor();
        await shoot(page, `desk-queue-${language}-${screen}`);
        await page.goto(`${caseUrl}?lang=${language}`);
        await page.locator('.owner-panel').waitFor();
        await shoot(page, `desk-case-${language}-${screen}`);
        await page.goto(`${base()}/dashboard/cases?lang=${language}`);
        await page.locator('figure.chart').first().waitFor();
        await shoot(page, `dashboard-${language}-${screen}`);
        expect(errors).toEqual([]);
        await page.close();
      }
    }
  }, 150_000);
});
