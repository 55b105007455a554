import { renderReportHtml } from '../../../bots/http/dashboard-report';
import { createFakeClock } from '../../../services/clock';
import { runDemoSeed } from '../../../services/demo/demo-seed';
import { messageModel } from '../../../services/messages/message-model';
import { ownerModels } from '../../../services/owners/owner-model';
import { runExport, runQuarterlyReport } from '../../../services/reports/report-commands';
import { surveyModels } from '../../../services/surveys/survey-model';
import { DEFAULT_SLA_POLICY } from '../../../services/tickets/sla';
import { ticketModels } from '../../../services/tickets/ticket-model';
import { useTestDatabase } from '../../support/database';
import { captureOutput } from '../../support/output';

const database = useTestDatabase();
const clock = createFakeClock('2026-11-22T02:00:00Z');

const base = () => ({
  connection: database().connection,
  clock,
  timeZone: 'Asia/Shanghai',
  slaPolicy: DEFAULT_SLA_POLICY,
});

describe('demo seed, quarterly report and export commands', () => {
  it('when the database is empty, then demo seed writes a labelled fictional estate; a second seed is refused', async () => {
    const first = captureOutput();
    const size = { owners: 60, messages: 1500 };
    expect(await runDemoSeed({ ...base(), out: first.out, force: false, size })).toBe(0);
    expect(first.text()).toContain('Lakeside Garden (demo data)');
    const connection = database().connection;
    expect(await ownerModels(connection).owners.countDocuments({ demo: true })).toBe(60);
    expect(await ownerModels(connection).owners.countDocuments({ demo: false })).toBe(0);
    expect(await messageModel(connection).countDocuments()).toBe(1500);
    const cases = await ticketModels(connection).Tickets.countDocuments();
    expect(cases).toBeGreaterThan(100);
    expect(await surveyModels(connection).Answers.countDocuments()).toBeGreaterThan(100);
    const names = (await ownerModels(connection).owners.find({}, { name: 1 }).lean()).map((o) => o.name);
    expect(names.every((name) => name.endsWith('(demo)'))).toBe(true);

    const again = captureOutput();
    expect(await runDemoSeed({ ...base(), out: again.out, force: false, size })).toBe(65);
    expect(again.text()).toContain('already holds the demo estate');
    expect(await ticketModels(connection).Tickets.countDocuments()).toBe(cases);
  });

  it('when the quarterly report is asked for in Markdown and HTML, then it carries the headline numbers, their change and the demo label', async () => {
    const md = captureOutput();
    expect(
      await runQuarterlyReport({
        ...base(),
        out: md.out,
        quarter: '2026Q3',
        format: 'md',
        language: 'en',
        renderHtml: renderReportHtml,
      }),
    ).toBe(0);
    expect(md.text()).toContain('# Quarterly service report · 2026Q3');
    expect(md.text()).toContain('Demo data: a fictional estate');
    expect(md.text()).toMatch(/\| Satisfaction index \| 0\.\d\d \| 0\.\d\d \| [+−±]0\.\d\d \|/);
    expect(md.text()).toContain('## Cases that breached SLA');
    expect(md.text()).toContain('## At-risk owners (degradation) to visit');
    const html = captureOutput();
    await runQuarterlyReport({
      ...base(),
      out: html.out,
      quarter: '2026Q3',
      format: 'html',
      language: 'zh',
      renderHtml: renderReportHtml,
    });
    expect(html.text()).toMatch(/^<!doctype html>/);
    expect(html.text()).toContain('季度服务报告 · 2026Q3');
    const bad = captureOutput();
    expect(
      await runQuarterlyReport({
        ...base(),
        out: bad.out,
        quarter: '2026-3',
        format: 'md',
        language: 'en',
        renderHtml: renderReportHtml,
      }),
    ).toBe(64);
    expect(bad.text()).toContain('--quarter must look like 2026Q4');
  });

  it('when surveys are exported, then phones are masked; with --with-phones they are whole', async () => {
    const masked = captureOutput();
    expect(
      await runExport({
        ...base(),
        out: masked.out,
        kind: 'surveys',
        quarter: '2026Q3',
        withPhones: false,
        language: 'en',
      }),
    ).toBe(0);
    const lines = masked.text().trim().split('\r\n');
    expect(lines.length).toBeGreaterThan(10);
    expect(lines.slice(1).every((line) => line.startsWith('2026Q3,'))).toBe(true);
    expect(masked.text()).toMatch(/,\*{7}\d{4},yes,/);
    expect(masked.text()).not.toMatch(/,199\d{8},/);
    const full = captureOutput();
    await runExport({
      ...base(),
      out: full.out,
      kind: 'surveys',
      quarter: '2026Q3',
      withPhones: true,
      language: 'en',
    });
    expect(full.text()).toMatch(/,199\d{8},yes,/);
    const wrong = captureOutput();
    expect(
      await runExport({
        ...base(),
        out: wrong.out,
        kind: 'owners',
        quarter: undefined,
        withPhones: false,
        language: 'en',
      }),
    ).toBe(64);
  });

  it('when real owners exist, then demo seed refuses without --force and leaves their data alone with it', async () => {
    const connection = database().connection;
    await ownerModels(connection).owners.create({
      householdKey: '9/101/13800009999',
      name: 'Real Owner',
      building: '9',
      unit: '101',
      room: '101',
      phone: '13800009999',
      phoneLast4: '9999',
      language: 'zh',
      source: 'import',
      createdAt: clock.now(),
      updatedAt: clock.now(),
    });
    const refused = captureOutput();
    expect(
      await runDemoSeed({ ...base(), out: refused.out, force: false, size: { owners: 10, messages: 50 } }),
    ).toBe(65);
    expect(refused.text()).toContain('refused, this database has 1 real owners');
    const forced = captureOutput();
    expect(
      await runDemoSeed({ ...base(), out: forced.out, force: true, size: { owners: 10, messages: 50 } }),
    ).toBe(0);
    expect(forced.text()).toContain('Removed the previous demo estate (60 owners)');
    expect(await ownerModels(connection).owners.countDocuments({ demo: true })).toBe(10);
    expect(await ownerModels(connection).owners.countDocuments({ name: 'Real Owner' })).toBe(1);
    expect(await messageModel(connection).countDocuments()).toBe(50);
  });
});
