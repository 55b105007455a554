import type { Locator, Page } from 'playwright-core';
import { spawnApp, type AppProcess } from '../../support/app-process';
import { collectPageErrors, saveScreenshot, useBrowserApp, webSessionReference } from '../../support/browser';
import { testDatabaseUri } from '../../support/database';
import { makePng } from '../../support/photos';
import { seedStaff, STAFF_PASSWORD } from '../../support/staff';

const PHONE = { width: 390, height: 844 };

/** The width an image was drawn at, once it has loaded (0 when the browser could not draw it). */
const widthDrawn = (image: Locator) =>
  image.evaluate((img: { decode(): Promise<void>; naturalWidth: number }) =>
    img.decode().then(
      () => img.naturalWidth,
      () => 0,
    ),
  );

describe('web chat in headless Chromium', () => {
  const { browser, base, app, database } = useBrowserApp({
    label: 'web-browser',
    env: { ADMIN_TOKEN: 'web-browser-admin-token-0123' },
    seed: (connection) => seedStaff(connection, ['Alice']),
  });

  /** Every page's console errors and failed loads, watched from before it opens. */
  const pageErrors = new WeakMap<Page, string[]>();
  const ownerPage = async (): Promise<Page> => {
    const page = await browser().newPage({ locale: 'en-US', viewport: PHONE });
    pageErrors.set(page, collectPageErrors(page));
    await page.goto(`${base()}/`);
    await page.getByText('Hello! Report a repair').waitFor();
    return page;
  };
  const errorsOf = (page: Page): string[] => pageErrors.get(page) ?? [];
  const write = async (page: Page, text: string) => {
    await page.locator('#text').fill(text);
    await page.locator('#text').press('Enter');
  };
  const referenceOf = async (page: Page) =>
    webSessionReference(await page.evaluate<string>("localStorage.getItem('ownerbot.session')"));
  const stored = async (page: Page, text: string) =>
    database()
      .connection.collection('messages')
      .countDocuments({ conversationId: await referenceOf(page), text });

  it('when an owner opens /, sends a message and clicks a button, then the replies show live and a screenshot is saved', async () => {
    const page = await ownerPage();
    const errors = errorsOf(page);
    await write(page, 'The kitchen sink in 5-1203 is blocked, please send a plumber');
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
    expect(errors).toEqual([]);
  }, 60_000);

  it('when the owner reloads, then both sides of the conversation show again in order, with times, once each', async () => {
    const page = await ownerPage();
    await write(page, 'The hallway light on floor 7 of building 2 is broken');
    const reply = page.locator('.msg.bot', { hasText: /case WO-\d{4}-\d{4}/ });
    await reply.waitFor({ timeout: 15_000 });
    await page.locator('.msg.me', { hasText: 'hallway light' }).locator('time').waitFor();

    await page.reload();
    await page.locator('.msg.me', { hasText: 'hallway light' }).waitFor();
    await reply.waitFor();
    const lines = await page.evaluate<Array<{ mine: boolean; text: string; time: string }>>(
      `[...document.querySelectorAll('.msg')].map((n) => ({
        mine: n.classList.contains('me'),
        text: n.textContent ?? '',
        time: n.querySelector('time')?.textContent ?? '',
      }))`,
    );
    const mine = lines.findIndex((l) => l.mine && l.text.includes('hallway light'));
    const answer = lines.findIndex((l) => !l.mine && /case WO-/.test(l.text));
    expect(mine).toBeGreaterThan(0);
    expect(answer).toBeGreaterThan(mine);
    expect(lines[mine]?.time).toMatch(/^\d{2}:\d{2}$/);
    expect(lines[answer]?.time).toMatch(/^\d{2}:\d{2}$/);

    // The live stream continues after the history: a new reply comes, the old one is not repeated.
    const replies = await page.locator('.msg.bot').count();
    await write(page, 'thanks');
    await page.locator('.msg.bot').nth(replies).waitFor({ timeout: 15_000 });
    expect(await reply.count()).toBe(1);
  }, 60_000);

  it('when an owner sends a photo with a repair report, then it shows in the chat and in the case on the desk for signed-in staff', async () => {
    const page = await ownerPage();
    const errors = errorsOf(page);
    await page.locator('#text').fill('Water stain spreading on the ceiling of 5-1203, photo attached');
    await page
      .locator('#file')
      .setInputFiles({ name: 'ceiling.png', mimeType: 'image/png', buffer: makePng() });
    await page.locator('.msg.bot', { hasText: /case WO-\d{4}-\d{4}/ }).waitFor({ timeout: 15_000 });
    const ownPhoto = page.locator('.msg.me', { hasText: 'Water stain' }).locator('img');
    expect(await widthDrawn(ownPhoto)).toBe(64);

    await page.reload(); // the owner's own photo comes back from the server
    expect(await widthDrawn(ownPhoto)).toBe(64);

    const staff = await browser().newPage({
      httpCredentials: { username: 'Alice', password: STAFF_PASSWORD },
    });
    await staff.goto(`${base()}/desk`);
    // The queue card leads to the case, where the owner's photo is part of the thread.
    await staff.locator('.case', { hasText: 'Water stain' }).locator('a.ref').click();
    const shown = staff.locator('.msg.owner', { hasText: 'Water stain' }).locator('img.photo');
    expect(await widthDrawn(shown)).toBe(64);
    const served = await staff.request.get(`${base()}${await shown.getAttribute('src')}`);
    expect(served.headers()).toMatchObject({
      'content-type': 'image/png',
      'x-content-type-options': 'nosniff',
    });
    expect(await saveScreenshot(page, 'web-chat-photo.png')).toBeGreaterThan(3_000);
    const anonymous = await fetch(`${base()}${await shown.getAttribute('src')}`);
    expect(anonymous.status).toBe(401);
    expect(errors).toEqual([]);
  }, 60_000);

  it('when a send is refused or its answer is lost, then the message shows failed with Retry, and the retry keeps the text and stores it once', async () => {
    const page = await ownerPage();
    const text = 'The lift in building 4 makes a grinding noise';
    let attempt = 0;
    await page.route('**/chat/messages', async (route) => {
      attempt += 1;
      if (attempt === 1) {
        // What the server answers an address over its limit.
        return route.fulfill({
          status: 429,
          contentType: 'application/json',
          body: JSON.stringify({
            error: 'rate_limited',
            messages: {
              zh: '您发送得太频繁了',
              en: 'You are sending too fast; please wait a moment and try again.',
            },
          }),
        });
      }
      if (attempt === 2) {
        await route.fetch(); // it reaches the server, but the page never hears back
        return route.abort('connectionreset');
      }
      return route.continue();
    });
    await write(page, text);
    const bubble = page.locator('.msg.me', { hasText: text });
    await bubble.locator('.fail', { hasText: 'You are sending too fast' }).waitFor();
    expect(await saveScreenshot(page, 'web-chat-failed.png')).toBeGreaterThan(3_000);
    await bubble.getByRole('button', { name: 'Retry' }).click();
    await bubble.locator('.fail', { hasText: 'Not sent; check your connection' }).waitFor();
    await bubble.getByRole('button', { name: 'Retry' }).click();
    await page.locator('.msg.me.failed, .msg.me.sending').waitFor({ state: 'detached' });
    expect(attempt).toBe(3);
    await page.locator('.msg.bot', { hasText: /case WO-/ }).waitFor({ timeout: 15_000 });
    expect(await stored(page, text)).toBe(1);
    expect(await page.locator('.msg.bot', { hasText: /case WO-/ }).count()).toBe(1);
  }, 60_000);

  it('when the session the page kept is not valid any more, then it starts a new one and the message still goes through', async () => {
    const page = await browser().newPage({ locale: 'en-US', viewport: PHONE });
    const forged = `${'A'.repeat(22)}${'B'.repeat(22)}`;
    await page.addInitScript(`localStorage.setItem('ownerbot.session', ${JSON.stringify(forged)})`);
    await page.goto(`${base()}/`);
    await page.getByText('Hello! Report a repair').waitFor();
    // The server forgets the new session too, once, as after a key change: the page renews it again.
    let refused = false;
    await page.route('**/chat/messages', (route) => {
      if (refused) return route.continue();
      refused = true;
      return route.fulfill({
        status: 401,
        contentType: 'application/json',
        body: '{"error":"invalid_session"}',
      });
    });
    const text = 'The kitchen tap in 6-602 is leaking, please send a plumber';
    await write(page, text);
    await page.locator('.msg.bot', { hasText: /case WO-/ }).waitFor({ timeout: 15_000 });
    expect(await page.locator('.msg.me.failed').count()).toBe(0);
    expect(await referenceOf(page)).not.toBe(forged.slice(0, 22));
    expect(await stored(page, text)).toBe(1);
  }, 60_000);

  describe('when the app is stopped while the owner sends', () => {
    let restarted: AppProcess | undefined;
    afterAll(async () => {
      restarted?.child.kill('SIGTERM');
      await restarted?.waitForExit(15_000);
    });

    it('then the message shows failed, and Retry sends it once the app is back', async () => {
      const page = await ownerPage();
      await write(page, 'hello');
      await page.locator('.msg.bot').nth(1).waitFor({ timeout: 15_000 });
      const running = app();
      running.child.kill('SIGTERM');
      await running.waitForExit(15_000);

      const text = 'The garage door of building 1 does not close';
      await write(page, text);
      const bubble = page.locator('.msg.me', { hasText: text });
      await bubble.getByRole('button', { name: 'Retry' }).waitFor();
      expect(await page.locator('#text').inputValue()).toBe('');
      expect(await bubble.locator('.body').textContent()).toBe(text); // the text stays on screen

      const uri = new URL(testDatabaseUri());
      uri.pathname = `/${database().connection.name}`;
      restarted = await spawnApp({
        MONGODB_URI: uri.toString(),
        PORT: String(running.port),
        ADMIN_TOKEN: 'web-browser-admin-token-0123',
      });
      await restarted.waitForLog((line) => String(line.msg).includes('is listening'), 60_000);
      const replies = await page.locator('.msg.bot').count();
      await bubble.getByRole('button', { name: 'Retry' }).click();
      await page.locator('.msg.bot').nth(replies).waitFor({ timeout: 20_000 }); // its answer, whatever it says
      expect(await page.locator('.msg.me.failed').count()).toBe(0);
      expect(await stored(page, text)).toBe(1);
    }, 120_000);
  });
});

describe('web chat on a 390 px phone', () => {
  const { browser, base } = useBrowserApp({ label: 'web-phone' });

  it.each(['zh-CN', 'en-US'])(
    'when the page opens in %s, then the placeholder fits the box and nothing scrolls sideways',
    async (locale) => {
      const page = await browser().newPage({ locale, viewport: PHONE });
      await page.goto(`${base()}/`);
      await page.locator('#text[placeholder]').waitFor();
      // The placeholder's width in the box's own font, against the room inside the box.
      const fit = await page.evaluate<{ text: number; room: number }>(`(() => {
        const box = document.getElementById('text');
        const style = getComputedStyle(box);
        const context = document.createElement('canvas').getContext('2d');
        context.font = style.fontSize + ' ' + style.fontFamily;
        const room = box.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
        return { text: context.measureText(box.placeholder).width, room };
      })()`);
      expect(fit.text).toBeLessThanOrEqual(fit.room);
      expect(await page.evaluate<number>('document.documentElement.scrollWidth')).toBeLessThanOrEqual(
        PHONE.width,
      );
      expect(await saveScreenshot(page, `web-chat-390-${locale}.png`)).toBeGreaterThan(3_000);
    },
    30_000,
  );
});
