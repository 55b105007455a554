import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { collectDialogs, openChatSession, useBrowserApp } from '../support/browser';
import { seedStaff, STAFF_PASSWORD } from '../support/staff';

const TOKEN = 'inert-admin-token-0123456789';
const HOSTILE = `<img src=x onerror="window.__pwned='img';alert(1)"><script>window.__pwned='script'</script>"><svg onload=alert(2)> The kitchen tap in my flat is leaking, please send a plumber to repair it`;

describe('owner text with HTML and script, shown in Chromium', () => {
  const { browser, database, base } = useBrowserApp({
    label: 'inert-html',
    env: { ADMIN_TOKEN: TOKEN },
    seed: (connection) => seedStaff(connection, ['Alice', 'Eve']),
  });

  it('when an owner writes HTML and script in the web chat, then the chat and the desk show it literally and nothing runs', async () => {
    const owner = await browser().newPage({ locale: 'en-US' });
    const ownerDialogs = collectDialogs(owner);
    await owner.goto(`${base()}/`);
    await owner.locator('#text').fill(HOSTILE);
    await owner.locator('#send').click();
    await owner.locator('.msg.me', { hasText: '<script>' }).waitFor({ timeout: 15_000 });
    await owner
      .locator('.msg.bot', { hasText: /case [A-Z]{2}-\d{4}-\d{4}/ })
      .waitFor({ timeout: 20_000 })
      .catch(async (error: Error) => {
        throw new Error(
          `${error.message}\nbot said: ${(await owner.locator('.msg.bot').allTextContents()).join(' | ')}`,
        );
      });
    expect(await owner.locator('.msg.me .body').first().textContent()).toBe(HOSTILE);
    expect(await owner.locator('.msg img, .msg script, .msg svg').count()).toBe(0);

    // Staff claim it on the desk (account names cannot hold markup; `staff add` refuses it).
    const staffName = 'Eve';
    const desk = await browser().newPage({
      httpCredentials: { username: staffName, password: STAFF_PASSWORD },
    });
    const deskDialogs = collectDialogs(desk);
    await desk.goto(`${base()}/desk?lang=en&q=${encodeURIComponent('<script>')}`);
    const card = desk.locator('.case', { hasText: 'kitchen tap' });
    await card.waitFor();
    expect(await card.textContent()).toContain(HOSTILE);
    expect(await desk.locator('input[name="q"]').inputValue()).toBe('<script>');
    expect(await desk.locator('.case img, .case script, .case svg').count()).toBe(0);
    await card.getByRole('button', { name: /Claim/ }).click();
    await desk.locator('.case', { hasText: 'kitchen tap' }).getByText(`With ${staffName}`).waitFor();
    await desk.locator('.case', { hasText: 'kitchen tap' }).getByRole('link', { name: 'Open' }).click();
    await desk.locator('.msg.owner', { hasText: 'kitchen tap' }).waitFor();
    expect(await desk.locator('.msg.owner .text').first().textContent()).toBe(HOSTILE);
    expect(await desk.locator('.thread img, .thread script, .thread svg').count()).toBe(0);
    await owner.locator('.msg.bot', { hasText: `is now with ${staffName}` }).waitFor({ timeout: 15_000 });
    await desk
      .locator('.case b')
      .count()
      .then((n) => expect(n).toBe(0));

    expect(ownerDialogs).toEqual([]);
    expect(deskDialogs).toEqual([]);
    expect(
      await owner.evaluate(() => (globalThis as unknown as { __pwned?: string }).__pwned),
    ).toBeUndefined();
    expect(
      await desk.evaluate(() => (globalThis as unknown as { __pwned?: string }).__pwned),
    ).toBeUndefined();
    await owner.close();
    await desk.close();
  }, 90_000);

  it('when another site makes a logged-in staff browser post a desk form, then the case is unchanged', async () => {
    const { reference, say } = await openChatSession(base());
    await say('The water heater in my flat leaks, please repair it', 'm1');
    const tickets = database().connection.collection('tickets');
    const deadline = Date.now() + 20_000;
    let ticket = await tickets.findOne({ identityKey: `web:${reference}` });
    while (!ticket && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 200));
      ticket = await tickets.findOne({ identityKey: `web:${reference}` });
    }
    const id = String(ticket?._id);

    // The attacker's page (another site on loopback) auto-submits a desk form, top level.
    const evil = http.createServer((request, response) => {
      const form =
        request.url === '/reply'
          ? `<form method="post" action="${base()}/desk/cases/${id}/reply"><input name="text" value="pwned"></form>`
          : `<form method="post" action="${base()}/desk/cases/${id}/claim"></form>`;
      response.writeHead(200, { 'content-type': 'text/html' });
      response.end(`<!doctype html><body>${form}<script>document.forms[0].submit()</script></body>`);
    });
    await new Promise<void>((resolve) => evil.listen(0, '127.0.0.1', resolve));
    const evilPort = (evil.address() as AddressInfo).port;
    // Staff are logged in: the browser answers the desk's Basic challenge by itself.
    const context = await browser().newContext({
      httpCredentials: { username: 'Alice', password: STAFF_PASSWORD },
    });
    const staff = await context.newPage();
    await staff.goto(`${base()}/desk`);
    const statuses: number[] = [];
    staff.on('response', (response) => {
      if (response.url().includes('/desk/cases/') && response.request().method() === 'POST')
        statuses.push(response.status());
    });
    // localhost vs 127.0.0.1: a different site, as an attacker's domain would be.
    for (const path of ['/claim', '/reply']) {
      const before = statuses.filter((s) => s === 403).length;
      await staff.goto(`http://localhost:${evilPort}${path}`);
      const until = Date.now() + 10_000;
      while (statuses.filter((s) => s === 403).length === before && Date.now() < until)
        await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(statuses.filter((s) => s !== 401)).toEqual([403, 403]);
    expect(await staff.locator('body').textContent()).toContain('must be sent from the ownerbot page');
    const after = await tickets.findOne({ _id: ticket?._id });
    expect(after?.status).toBe('new');
    expect(after?.assignee).toBe('');
    expect(after?.messages.some((m: { text: string }) => m.text === 'pwned')).toBe(false);

    // The desk's own form, in the same browser, still works.
    await staff.goto(`${base()}/desk?lang=en`);
    await staff.locator('.case', { hasText: 'water heater' }).getByRole('button', { name: /Claim/ }).click();
    await staff
      .locator('.case', { hasText: 'water heater' })
      .getByText('Claimed', { exact: true })
      .waitFor()
      .catch(async (error: Error) => {
        throw new Error(
          `${error.message}\n${staff.url()}\n${(await staff.locator('main').textContent()) ?? ''}`,
        );
      });
    expect((await tickets.findOne({ _id: ticket?._id }))?.assignee).toBe('desk:Alice');
    await context.close();
    await new Promise<void>((resolve) => evil.close(() => resolve()));
  }, 90_000);
});
