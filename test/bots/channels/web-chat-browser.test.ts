import { saveScreenshot, useBrowserApp } from '../../support/browser';

describe('web chat in headless Chromium', () => {
  const { browser, base } = useBrowserApp({ label: 'web-browser' });

  it('when an owner opens /, sends a message and clicks a button, then the replies show live and a screenshot is saved', async () => {
    const page = await browser().newPage({ locale: 'en-US', viewport: { width: 420, height: 760 } });
    await page.goto(`${base()}/`);
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
    await page.locator('.msg.bot', { hasText: 'Where your cases stand:' }).waitFor({ timeout: 15_000 });

    expect(await saveScreenshot(page, 'web-chat.png')).toBeGreaterThan(5_000);
  }, 60_000);
});
