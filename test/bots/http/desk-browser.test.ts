import type { Browser, Page } from 'playwright-core';
import { systemClock } from '../../../services/clock';
import { createOwnerService } from '../../../services/owners/owner-service';
import { collectPageErrors, openChatSession, saveScreenshot, useBrowserApp } from '../../support/browser';
import { seedStaff, STAFF_PASSWORD } from '../../support/staff';

const TOKEN = 'desk-admin-token-0123456789';
const PHONE = { width: 390, height: 844 };
const DESKTOP = { width: 1200, height: 900 };

/** A staff member's page, signed in with their own account. */
function staffPage(browser: Browser, name: string, viewport = DESKTOP): Promise<Page> {
  return browser.newPage({ httpCredentials: { username: name, password: STAFF_PASSWORD }, viewport });
}

/** An owner in the web chat: what they say, and the page on which they read the replies. */
async function webOwner(browser: Browser, base: string) {
  const session = await openChatSession(base);
  const page = await browser.newPage({ locale: 'zh-CN' });
  await page.addInitScript(`localStorage.setItem('ownerbot.session', ${JSON.stringify(session.sessionId)})`);
  let n = 0;
  return {
    ...session,
    page,
    async say(text: string) {
      expect((await session.say(text, `m${++n}-${Date.now()}`)).status).toBe(202);
    },
    async open() {
      await page.goto(`${base}/`);
    },
  };
}

/** How wide the page's content is (more than the screen: it scrolls sideways). */
const noSideScroll = (page: Page) => page.evaluate('document.documentElement.scrollWidth') as Promise<number>;

/**
 * Posts a form of the page as the browser would, from the page itself (its credentials and
 * origin): `times` at once, to `path` instead of the form's own action when given.
 */
function postForm(
  page: Page,
  selector: string,
  options: { times?: number; path?: string; set?: Record<string, string> } = {},
) {
  return page.evaluate(`(async () => {
    const form = document.querySelector(${JSON.stringify(selector)});
    const body = new URLSearchParams(new FormData(form));
    for (const [key, value] of Object.entries(${JSON.stringify(options.set ?? {})})) body.set(key, value);
    const target = ${JSON.stringify(options.path ?? '')} || form.getAttribute('action');
    const send = () => fetch(target, { method: 'POST', body, redirect: 'manual' })
      .then(async (r) => ({ status: r.status, html: r.type === 'opaqueredirect' ? '' : await r.text() }));
    return Promise.all(Array.from({ length: ${options.times ?? 1} }, send));
  })()`) as Promise<Array<{ status: number; html: string }>>;
}

describe('web desk in headless Chromium', () => {
  const { browser, base, database } = useBrowserApp({
    label: 'desk-browser',
    env: { ADMIN_TOKEN: TOKEN, STAFF_LANGUAGE: 'zh', WEB_CHAT_LIMITS: 'off' },
    seed: async (connection) => {
      await seedStaff(connection, ['Alice', 'Bob']);
      await createOwnerService({ connection, clock: systemClock }).importCsv(
        'name,building,unit,phone,language\n张三,3,1502,13800008000,zh\n李四,3,1503,13900009000,zh\n',
      );
    },
  });
  const tickets = () => database().connection.collection('tickets');
  it.each([
    ['desktop', DESKTOP],
    ['390 px phone', PHONE],
  ])(
    'when an emergency comes in while the desk is open (%s), then it appears within 5 s with its countdown, and the page fits the screen',
    async (_name, viewport) => {
      const desk = await staffPage(browser(), 'Alice', viewport);
      const errors = collectPageErrors(desk);
      await desk.goto(`${base()}/desk`);
      await desk.locator('#live', { hasText: '实时更新' }).waitFor();
      const owner = await webOwner(browser(), base());
      const words = `燃气泄漏了，厨房里全是煤气味 ${viewport.width}`;
      const sentAt = Date.now();
      await owner.say(words);
      const card = desk.locator('.case', { hasText: words });
      await card.waitFor({ timeout: 5_000 });
      expect(Date.now() - sentAt).toBeLessThan(5_000);
      await expect(card.locator('.sla').textContent()).resolves.toMatch(/剩 \d+:\d\d/);
      expect(await card.locator('.badge').allTextContents()).toEqual(
        expect.arrayContaining(['燃气泄漏', '新']),
      );
      expect(await desk.title()).toMatch(/^\(1\) 🔔/);
      expect(await noSideScroll(desk)).toBeLessThanOrEqual(viewport.width);
      expect(errors).toEqual([]);
    },
    60_000,
  );

  it.each([
    ['desktop', DESKTOP, '张三', '1502', '8000'],
    ['390 px phone', PHONE, '李四', '1503', '9000'],
  ])(
    'when a verified owner reports a fault (%s), then the case view shows the owner panel and what the bot told them',
    async (name, viewport, ownerName, unit, digits) => {
      const owner = await webOwner(browser(), base());
      for (const text of ['绑定', `3栋${unit}`, digits]) await owner.say(text);
      const words = `3栋${unit} 卫生间水龙头一直滴水，麻烦来修一下 ${name}`;
      await owner.say(words);
      const desk = await staffPage(browser(), 'Alice', viewport);
      await desk.goto(`${base()}/desk`);
      await desk.locator('.case', { hasText: words }).getByRole('link', { name: '打开' }).click();
      const panel = desk.locator('.owner-panel');
      await panel.waitFor();
      for (const value of [ownerName, unit, `*******${digits}`, '中文', '网页聊天', '已验证']) {
        await panel.getByText(value, { exact: true }).first().waitFor();
      }
      await desk.locator('.msg.bot', { hasText: '已收到您的报修' }).waitFor();
      const stored = await tickets().findOne({ title: words });
      expect(stored).toMatchObject({ building: '3', unit, verified: true });
      expect(await noSideScroll(desk)).toBeLessThanOrEqual(viewport.width);
    },
    60_000,
  );

  it('when a work order is resolved without a result or a complaint without its cause, then the form says so inline and keeps what was typed', async () => {
    const owner = await webOwner(browser(), base());
    await owner.say('你们前台态度太差了，我非常不满意，必须给个说法');
    // Another owner: one owner's second message within half an hour joins their open case.
    await (await webOwner(browser(), base())).say('小区大门口的路灯坏了，晚上很黑，请尽快维修');
    const desk = await staffPage(browser(), 'Alice');
    await desk.goto(`${base()}/desk`);

    await desk.locator('.case', { hasText: '路灯坏了' }).getByRole('link', { name: '打开' }).click();
    await desk.getByRole('button', { name: '办结' }).click();
    await desk.locator('.field-error', { hasText: '请填写处理结果，业主会收到这段话。' }).waitFor();
    expect(await desk.locator('textarea[name="result"]').getAttribute('aria-invalid')).toBe('true');

    await desk.goto(`${base()}/desk`);
    await desk.locator('.case', { hasText: '前台态度太差' }).getByRole('link', { name: '打开' }).click();
    await desk.getByLabel('处理结果（业主会收到）').fill('主管已上门当面致歉');
    await desk.getByLabel('纠正措施').fill('前台主管当面致歉');
    await desk.getByRole('button', { name: '办结' }).click();
    await desk.locator('.field-error', { hasText: '投诉需要填写原因。' }).waitFor();
    await desk.locator('.field-error', { hasText: '投诉需要填写预防措施。' }).waitFor();
    expect(await desk.getByLabel('处理结果（业主会收到）').inputValue()).toBe('主管已上门当面致歉');
    expect(await desk.getByLabel('纠正措施').inputValue()).toBe('前台主管当面致歉');
    expect(await tickets().countDocuments({ status: 'resolved' })).toBe(0);

    await desk.getByLabel('原因').fill('高峰时段前台人手不足');
    await desk.getByLabel('预防措施').fill('高峰时段增派一名前台');
    await desk.getByRole('button', { name: '办结' }).click();
    await desk.locator('.badge.status', { hasText: '已处理' }).waitFor();
    await owner.open();
    await owner.page
      .locator('.msg.bot', { hasText: '已处理完成：主管已上门当面致歉' })
      .waitFor({ timeout: 15_000 });
  }, 60_000);

  it('when a reply is submitted twice, then the owner gets it once; when someone who does not hold the case replies, then it is refused', async () => {
    const owner = await webOwner(browser(), base());
    await owner.say('电梯按钮失灵了，按了没反应，请安排维修');
    const alice = await staffPage(browser(), 'Alice');
    await alice.goto(`${base()}/desk`);
    const card = alice.locator('.case', { hasText: '电梯按钮失灵' });
    await card.getByRole('button', { name: '认领' }).click();
    await alice.locator('.case', { hasText: '电梯按钮失灵' }).getByRole('link', { name: '打开' }).click();
    await alice.getByLabel('回复业主').fill('师傅下午两点上门检查电梯按钮');
    // The same form sent twice, as a double click or a browser retry would.
    const twice = await postForm(alice, 'form.reply', { times: 2 });
    expect(twice.map((r) => r.status)).toEqual([0, 0]); // each a 303, which fetch sees as an opaque redirect
    await owner.open();
    const reply = owner.page.locator('.msg.bot', { hasText: '师傅下午两点上门检查电梯按钮' });
    await reply.first().waitFor({ timeout: 15_000 });
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(await reply.count()).toBe(1);

    const caseUrl = alice.url();
    const bob = await staffPage(browser(), 'Bob');
    await bob.goto(caseUrl);
    expect(await bob.locator('form.reply').count()).toBe(0); // no reply form for a case Alice holds
    // Bob sends a reply anyway, with his own valid form token and a fresh one-time id.
    const caseId = caseUrl.split('/').pop() as string;
    const [refused] = await postForm(bob, 'form.note', {
      path: `/desk/cases/${caseId}/reply`,
      set: { text: 'Bob 抢答' },
    });
    expect(refused?.status).toBe(422);
    expect(refused?.html).toContain('由 Alice 负责（首问负责制）');
    const stored = await tickets().findOne({ title: { $regex: '电梯按钮失灵' } });
    expect(stored?.messages.filter((m: { from: string }) => m.from === 'staff')).toHaveLength(1);
    await saveScreenshot(alice, 'desk-case.png');
  }, 60_000);
});
