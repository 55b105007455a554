import { openChatSession, saveScreenshot, useBrowserApp } from '../../support/browser';
import { seedStaff, STAFF_PASSWORD } from '../../support/staff';

const TOKEN = 'desk-admin-token-0123456789';

describe('web desk in headless Chromium', () => {
  const { browser, base } = useBrowserApp({
    label: 'desk-browser',
    env: { ADMIN_TOKEN: TOKEN },
    seed: (connection) => seedStaff(connection, ['Alice']),
  });

  it('when staff claim, reply to and resolve a complaint on the desk, then the owner sees each step in the web chat', async () => {
    // An owner complains in the web chat.
    const { sessionId, say } = await openChatSession(base());
    await say('Your receptionist was extremely rude to me today, unacceptable', 'c1');

    const page = await browser().newPage({
      httpCredentials: { username: 'Alice', password: STAFF_PASSWORD },
      viewport: { width: 1000, height: 900 },
    });
    const owner = await browser().newPage({ locale: 'en-US' });
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

    expect(await saveScreenshot(page, 'desk.png')).toBeGreaterThan(5_000);
  }, 90_000);
});
