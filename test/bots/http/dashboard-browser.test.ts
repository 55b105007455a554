import fs from 'node:fs';
import path from 'node:path';
import pino from 'pino';
import { chromium, type Browser } from 'playwright-core';
import { systemClock } from '../../../services/clock';
import { connectDatabase } from '../../../services/database/connect';
import { writeDemoEstate } from '../../../services/demo/demo-estate';
import { createReportService } from '../../../services/reports/report-service';
import { PROJECT_ROOT, spawnApp, type AppProcess } from '../../support/app-process';
import { testDatabaseUri, uniqueDatabaseName } from '../../support/database';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const TOKEN = 'dashboard-admin-token-0123456789';

describe('dashboard in headless Chromium with the demo estate', () => {
  let app: AppProcess;
  let browser: Browser;
  const base = () => `http://127.0.0.1:${app.port}`;

  beforeAll(async () => {
    if (!fs.existsSync(CHROMIUM))
      throw new Error(`Chromium not found at ${CHROMIUM}: install Debian's chromium package (.ci/run does)`);
    const uri = new URL(testDatabaseUri());
    const name = uniqueDatabaseName('dashboard-browser');
    const database = await connectDatabase({
      uri: uri.toString(),
      dbName: name,
      engine: 'ferretdb',
      logger: pino({ level: 'silent' }),
    });
    await writeDemoEstate({
      connection: database.connection,
      now: systemClock.now(),
      size: { owners: 200, messages: 3000 },
    });
    await createReportService({ connection: database.connection, clock: systemClock }).refresh();
    await database.close();
    uri.pathname = `/${name}`;
    app = await spawnApp({ MONGODB_URI: uri.toString(), ADMIN_TOKEN: TOKEN });
    await app.waitForLog((line) => String(line.msg).includes('is listening'), 60_000);
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    app?.child.kill('SIGTERM');
    await app?.waitForExit(15_000);
  });

  it('when a manager visits every view, then every chart is drawn without console errors, and a screenshot is saved', async () => {
    const page = await browser.newPage({
      httpCredentials: { username: 'Manager', password: TOKEN },
      viewport: { width: 1100, height: 900 },
    });
    const errors: string[] = [];
    page.on('console', (message) => {
      if (message.type() === 'error') errors.push(message.text());
    });
    page.on('pageerror', (error) => errors.push(error.message));
    const dir = path.join(PROJECT_ROOT, 'test-output');
    fs.mkdirSync(dir, { recursive: true });

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
      if (view === '') await page.screenshot({ path: path.join(dir, 'dashboard.png'), fullPage: true });
      if (view === '/cases')
        await page.screenshot({ path: path.join(dir, 'dashboard-cases.png'), fullPage: true });
    }

    // The language toggle keeps the view and switches every label.
    await page.goto(`${base()}/dashboard/owners?lang=en`);
    await page.getByRole('link', { name: '中文' }).click();
    await page.locator('h2', { hasText: '业主关系' }).waitFor();
    expect(await page.locator('text=风险业主（退化期）').count()).toBe(1);

    await page.goto(`${base()}/dashboard/report?lang=en`);
    await page.locator('h2', { hasText: 'Quarterly service report' }).waitFor();
    expect(await page.locator('.report table').count()).toBeGreaterThanOrEqual(5);
    await page.screenshot({ path: path.join(dir, 'dashboard-report.png'), fullPage: true });

    expect(errors).toEqual([]);
    expect(fs.statSync(path.join(dir, 'dashboard.png')).size).toBeGreaterThan(20_000);
  }, 90_000);
});
