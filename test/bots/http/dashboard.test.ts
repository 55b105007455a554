import Fastify from 'fastify';
import { createAdminAccess } from '../../../bots/http/admin-access';
import { registerDashboard } from '../../../bots/http/dashboard';
import { createFakeClock } from '../../../services/clock';
import { ownerModels } from '../../../services/owners/owner-model';
import { createReportService } from '../../../services/reports/report-service';
import { useTestDatabase } from '../../support/database';
import { alice, ticketSetup } from '../../services/tickets/ticket-fixtures';

const database = useTestDatabase();
const token = 'a-long-admin-token-123';
const basic = (password: string) => `Basic ${Buffer.from(`admin:${password}`).toString('base64')}`;
const clock = createFakeClock('2026-11-22T02:00:00Z');

function server() {
  const connection = database().connection;
  const app = Fastify();
  const reports = createReportService({ connection, clock });
  registerDashboard(app, {
    access: createAdminAccess({ adminToken: token, openOnLoopback: false, clock }),
    reports,
    connection,
    clock,
    timeZone: 'Asia/Shanghai',
  });
  return { app, reports };
}

describe('/dashboard', () => {
  beforeAll(async () => {
    const connection = database().connection;
    const owner = await ownerModels(connection).owners.create({
      householdKey: '7/2-301/13900005678',
      name: '<script>alert(1)</script>',
      building: '7',
      unit: '2-301',
      entrance: '2',
      room: '301',
      phone: '13900005678',
      phoneLast4: '5678',
      language: 'en',
      verified: true,
      source: 'import',
      createdAt: new Date('2025-01-01T00:00:00Z'),
      updatedAt: new Date('2025-01-01T00:00:00Z'),
    });
    const { tickets, open } = ticketSetup(connection, { clock });
    for (const cause of ['<img src=x onerror=alert(2)>', 'Lift parts']) {
      const { ticket } = await open({
        kind: 'complaint',
        intent: 'dissatisfaction',
        category: 'service_attitude',
        ownerId: String(owner._id),
        building: '7',
      });
      await tickets.claim(String(ticket._id), alice);
      await tickets.resolve(String(ticket._id), alice, 'done', {
        summary: { rootCause: cause, correctiveAction: 'Apology', preventiveAction: 'Training' },
      });
    }
  });

  it('when the token is missing or wrong, then every view, report and export answers 401', async () => {
    const { app } = server();
    for (const url of [
      '/dashboard',
      '/dashboard/cases',
      '/dashboard/report?format=md',
      '/dashboard/exports/cases.csv',
    ]) {
      expect((await app.inject({ url })).statusCode).toBe(401);
      expect((await app.inject({ url, headers: { authorization: basic('wrong') } })).statusCode).toBe(401);
    }
    expect((await app.inject({ method: 'POST', url: '/dashboard/exports/cases.csv' })).statusCode).toBe(401);
    expect((await app.inject({ method: 'POST', url: '/dashboard/refresh' })).statusCode).toBe(401);
  });

  it('when no refresh has run yet, then the page says so and the first refresh starts', async () => {
    const { app, reports } = server();
    const response = await app.inject({
      url: '/dashboard?lang=en',
      headers: { authorization: basic(token) },
    });
    expect(response.statusCode).toBe(200);
    expect(response.body).toContain('No report computed yet');
    await reports.refresh();
    expect(await reports.live()).toBeDefined();
  });

  it('when a manager opens each view, then it is drawn with SVG charts in the chosen language and owner-written text is escaped', async () => {
    const { app, reports } = server();
    await reports.refresh();
    const headers = { authorization: basic(token) };
    for (const view of ['', '/cases', '/sla', '/return-visits', '/open', '/owners']) {
      const en = await app.inject({ url: `/dashboard${view}?lang=en`, headers });
      expect(en.statusCode).toBe(200);
      expect(en.body).toContain('<svg');
      expect(en.body).toContain('Management dashboard');
      expect(en.body).toContain('As of 2026-11-22 10:00');
      expect(en.body).not.toMatch(/<script>|<img src=x/);
      const zh = await app.inject({ url: `/dashboard${view}`, headers });
      expect(zh.body).toContain('管理看板');
    }
    const owners = await app.inject({ url: '/dashboard/owners?lang=en', headers });
    expect(owners.body).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(owners.body).toContain('Frequent complaints (90 days)');
    const report = await app.inject({ url: '/dashboard/report?lang=en&quarter=2026Q4', headers });
    expect(report.body).toContain('Quarterly service report · 2026Q4');
    expect(report.body).toContain('&lt;img src=x onerror=alert(2)&gt;');
    expect(report.body).not.toMatch(/<script>|<img src=x/);
    const md = await app.inject({ url: '/dashboard/report?lang=en&quarter=2026Q4&format=md', headers });
    expect(md.headers['content-type']).toContain('text/markdown');
    expect(md.body).toContain('| Complaints | 2 |');
  });

  it('when a manager exports cases, then phones are masked unless PHONES is typed in the form', async () => {
    const { app } = server();
    const headers = { authorization: basic(token) };
    const masked = await app.inject({ url: '/dashboard/exports/cases.csv', headers });
    expect(masked.statusCode).toBe(200);
    expect(masked.headers['content-type']).toContain('text/csv');
    expect(masked.body).toContain('*******5678');
    expect(masked.body).not.toContain('13900005678');
    expect(masked.body.trim().split('\r\n')).toHaveLength(3);

    const exportsPage = await app.inject({ url: '/dashboard/exports?lang=en', headers });
    const csrf = /name="csrf" value="([^"]+)"/.exec(exportsPage.body)?.[1] as string;
    const form = (body: string) =>
      app.inject({
        method: 'POST',
        url: '/dashboard/exports/cases.csv?lang=en',
        headers: { ...headers, 'content-type': 'application/x-www-form-urlencoded' },
        payload: `${body}&csrf=${csrf}`,
      });
    // Without the page's token (another site posting the form), nothing is exported.
    const forged = await app.inject({
      method: 'POST',
      url: '/dashboard/exports/cases.csv?lang=en',
      headers: {
        ...headers,
        'content-type': 'application/x-www-form-urlencoded',
        'sec-fetch-site': 'cross-site',
      },
      payload: `quarter=2026Q4&confirmPhones=PHONES&csrf=${csrf}`,
    });
    expect(forged.statusCode).toBe(403);
    expect(forged.body).not.toContain('13900005678');
    const unconfirmed = await form('quarter=2026Q4&confirmPhones=yes');
    expect(unconfirmed.statusCode).toBe(303);
    expect(unconfirmed.headers.location).toContain('Type%20PHONES');
    const full = await form('quarter=2026Q4&confirmPhones=PHONES');
    expect(full.statusCode).toBe(200);
    expect(full.body).toContain('13900005678');
    const none = await form('quarter=2025Q1&confirmPhones=');
    expect(none.body.trim().split('\r\n')).toHaveLength(1);
  });

  it('when a bar of the cases view is followed, then the list shows exactly those cases, each opening on the desk', async () => {
    const { app, reports } = server();
    await reports.refresh();
    const headers = { authorization: basic(token) };
    const view = await app.inject({ url: '/dashboard/cases?lang=en&quarter=2026Q4', headers });
    const href = /<a href="(\/dashboard\/cases\/list\?[^"]*category=service_attitude[^"]*)"/.exec(
      view.body,
    )?.[1];
    expect(href).toBeDefined();
    const list = await app.inject({ url: (href as string).replace(/&amp;/g, '&'), headers });
    expect(list.statusCode).toBe(200);
    const rows = list.body.match(/<a href="\/desk\/ref\/CP-\d{4}-\d{4}">/g) ?? [];
    expect(rows).toHaveLength(2);
    expect(list.body).toContain('Cases · 2026Q4 · Service attitude');
    const none = await app.inject({
      url: '/dashboard/cases/list?lang=en&quarter=2026Q4&category=fees',
      headers,
    });
    expect(none.body).toContain('No cases match.');
  });

  it('when dates and a building narrow the cases view, then its figures are counted from those cases', async () => {
    const { app, reports } = server();
    await reports.refresh();
    const headers = { authorization: basic(token) };
    const inside = await app.inject({
      url: '/dashboard/cases?lang=en&from=2026-11-01&to=2026-11-30&building=7',
      headers,
    });
    expect(inside.body).toContain('Counted now from the cases of the chosen dates and building (2)');
    const outside = await app.inject({
      url: '/dashboard/cases?lang=en&from=2026-10-01&to=2026-10-31',
      headers,
    });
    expect(outside.body).toContain('(0)');
    const elsewhere = await app.inject({ url: '/dashboard/cases?lang=en&building=8', headers });
    expect(elsewhere.body).toContain('(0)');
  });
});
