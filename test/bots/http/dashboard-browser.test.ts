import { systemClock } from '../../../services/clock';
import { writeDemoEstate } from '../../../services/demo/demo-estate';
import { createReportService } from '../../../services/reports/report-service';
import { collectPageErrors, saveScreenshot, useBrowserApp } from '../../support/browser';

const TOKEN = 'dashboard-admin-token-0123456789';

describe('dashboard in headless Chromium with the demo estate', () => {
  const { browser, base } = useBrowserApp({
    label: 'dashboard-browser',
    env: { ADMIN_TOKEN: TOKEN },
    seed: async (connection) => {
      await writeDemoEstate({ connection, now: systemClock.now(), size: { owners: 200, messages: 3000 } });
      await createReportService({ connection, clock: systemClock }).refresh();
    },
    setupTimeoutMs: 120_000,
  });

  it('when a manager visits every view, then every chart is drawn without console errors, and a screenshot is saved', async () => {
    const page = await browser().newPage({
      httpCredentials: { username: 'admin', password: TOKEN },
      viewport: { width: 1100, height: 900 },
    });
    const errors = collectPageErrors(page);
    let overview = 0;

    const expected: Record<string, number> = {
      '': 3,
      '/cases': 4,
      '/sla': 2,
      '/return-visits': 2,
      '/open': 1,
      '/owners': 1,
    };
    for (const [view, charts] of Object.entries(expected)) {
      const response = await page.goto(`${base()}/dashboard${view}?lang=en`);
      expect(response?.status()).toBe(200);
      await page.locator('text=Demo data: Lakeside Garden is a fictional estate').waitFor();
      const drawn = await page.$$eval('figure.chart svg', (svgs) =>
        svgs.map((svg) => ({
          marks: svg.querySelectorAll('rect, path, circle').length,
          width: svg.getBoundingClientRect().width,
        })),
      );
      expect(drawn).toHaveLength(charts);
      for (const chart of drawn) {
        expect(chart.marks).toBeGreaterThan(0);
        expect(chart.width).toBeGreaterThan(200);
      }
      if (view === '') overview = await saveScreenshot(page, 'dashboard.png');
      if (view === '/cases') await saveScreenshot(page, 'dashboard-cases.png');
    }

    // The language toggle keeps the view and switches every label.
    await page.goto(`${base()}/dashboard/owners?lang=en`);
    await page.getByRole('link', { name: '中文' }).click();
    await page.locator('h2', { hasText: '业主关系' }).waitFor();
    expect(await page.locator('text=风险业主（退化期）').count()).toBe(1);

    await page.goto(`${base()}/dashboard/report?lang=en`);
    await page.locator('h2', { hasText: 'Quarterly service report' }).waitFor();
    expect(await page.locator('.report table').count()).toBeGreaterThanOrEqual(5);
    await saveScreenshot(page, 'dashboard-report.png');

    expect(errors).toEqual([]);
    expect(overview).toBeGreaterThan(20_000);
  }, 90_000);

  it('when a manager uses a 390 px phone, then every view fits the screen and a chart bar opens the matching case list', async () => {
    const page = await browser().newPage({
      httpCredentials: { username: 'admin', password: TOKEN },
      viewport: { width: 390, height: 844 },
    });
    const errors = collectPageErrors(page);
    for (const view of ['', '/cases', '/sla', '/return-visits', '/open', '/owners', '/report', '/exports']) {
      await page.goto(`${base()}/dashboard${view}?lang=en`);
      const width = (await page.evaluate('document.documentElement.scrollWidth')) as number;
      expect({ view, width }).toEqual({ view, width: 390 });
    }
    await page.goto(`${base()}/dashboard/cases?lang=en`);
    const bar = page.locator('figure.chart', { hasText: 'By category' }).locator('a.drill').first();
    const title = (await bar.locator('title').textContent()) as string;
    const [name, count] = title.split(': ') as [string, string];
    await bar.click();
    await page.waitForURL(/\/dashboard\/cases\/list\?/);
    await page.locator('h2', { hasText: 'Case list' }).waitFor();
    expect(await page.locator('p', { hasText: `· ${name}` }).count()).toBe(1);
    expect(await page.locator('main table tbody tr').count()).toBe(Math.min(Number(count), 200));
    const categories = await page.locator('main table tbody tr td:nth-child(5)').allTextContents();
    expect(new Set(categories)).toEqual(new Set([name]));
    expect(errors).toEqual([]);
  }, 90_000);
});
