import { renderReportFragment } from '../../../bots/http/dashboard-report';
import type { HeadlineMetric, QuarterlyReport } from '../../../services/reports/quarterly-report';
import { renderReportMarkdown, reportSections } from '../../../services/reports/report-sections';

const metric = (
  key: string,
  value: number | null,
  previous: number | null,
  format: HeadlineMetric['format'],
  better: HeadlineMetric['better'],
): HeadlineMetric => ({
  key,
  label: { zh: `指标${key}`, en: `Metric ${key}` },
  value,
  previous,
  format,
  better,
});

const report: QuarterlyReport = {
  quarter: '2026Q4',
  previousQuarter: '2026Q3',
  scope: 'demo',
  computedAt: new Date('2026-12-01T10:20:30Z'),
  frozen: true,
  headline: [
    metric('index', 0.93, 0.9, 'index', 'higher'),
    metric('cases', 7, 5, 'count', 'lower'),
    // 87.4% and 89.5% round to 87% and 90%; one decimal keeps the change (2.1) in line with both.
    metric('rate', 0.874, 0.895, 'percent', 'higher'),
  ],
  complaintCategories: [{ category: 'equipment', count: 4 }],
  rootCauses: [{ text: 'pipe | burst\n<b>again</b>', count: 2 }],
  breaches: { total: 0, cases: [] },
  repeatComplainers: { total: 0, owners: [] },
  actions: { total: 0, list: [] },
  atRisk: {
    total: 60,
    owners: Array.from({ length: 55 }, (_, i) => ({
      ownerId: `o${i}`,
      name: `Owner ${i}`,
      building: '3',
      unit: `${100 + i}`,
      reasons: ['low_satisfaction' as const],
      tenureDays: i,
      latestScore: null,
      previousScore: null,
      complaints90d: 0,
      reopened180d: 0,
    })),
  },
  dimensions: [
    { dimension: 'security', perceived: 4.2, expectation: 4.5, index: 0.9333, previousIndex: 0.9 },
    { dimension: 'cleaning', perceived: 3.9, expectation: null, index: null, previousIndex: 0.8 },
  ],
  buildings: [
    { building: '3', index: 0.95, overallScore: 4.1, answers: 12, previousIndex: 0.97 },
    { building: 'unknown', index: null, overallScore: 3, answers: 1, previousIndex: null },
  ],
  timeZone: 'Asia/Shanghai',
};

describe('quarterly report sections', () => {
  it('when the report is drawn, then Markdown and HTML carry the same sections, rows and change tones', () => {
    const view = reportSections(report, 'en');
    expect(view.sections.map((s) => s.title)).toEqual([
      'Headline numbers',
      'Satisfaction by dimension',
      'Satisfaction by building',
      'Top complaint categories',
      'Root causes',
      'Cases that breached SLA (0)',
      'Repeat complainers (0)',
      'Corrective and preventive actions (0)',
      'At-risk owners (degradation) to visit (60)',
    ]);
    expect(view.sections[0]?.rows).toEqual([
      ['Metric index', '0.93', '0.90', { text: '+0.03', tone: 'good' }],
      ['Metric cases', '7', '5', { text: '+2', tone: 'bad' }],
      ['Metric rate', '87.4%', '89.5%', { text: '−2.1 pts', tone: 'bad' }],
    ]);
    expect(view.sections[1]?.rows).toEqual([
      ['Security', '4.20', '4.50', '0.93', { text: '+0.03', tone: 'good' }],
      ['Cleaning', '3.90', '—', '—', ''],
    ]);
    expect(view.sections[2]?.rows).toEqual([
      ['3', '0.95', '4.10', '12', { text: '−0.02', tone: 'bad' }],
      ['No building on file', '—', '3.00', '1', ''],
    ]);
    const atRisk = view.sections[8];
    expect(atRisk?.rows).toHaveLength(50);
    expect(atRisk?.shown).toBe('showing 50 of 60');

    const md = renderReportMarkdown(report, 'en');
    const html = renderReportFragment(report, 'en');
    for (const section of view.sections) {
      expect(md).toContain(`## ${section.title}\n`);
      expect(html).toContain(`<h3>${section.title}</h3>`);
    }
    expect(md).toContain('| Metric cases | 7 | 5 | +2 |');
    expect(html).toContain('<td>Metric cases</td><td>7</td><td>5</td><td class="bad">+2</td>');
    expect(md).toContain('_showing 50 of 60_');
    expect(html).toContain('<p class="muted">showing 50 of 60</p>');
    expect(md).toContain('## Repeat complainers (0)\n\n_None_\n');
    expect(html).toContain('<h3>Repeat complainers (0)</h3><p class="muted">None</p>');
  });

  it('when a cell holds pipes, line breaks or markup, then each format escapes it its own way', () => {
    expect(renderReportMarkdown(report, 'en')).toContain('| pipe \\| burst <b>again</b> | 2 |');
    const html = renderReportFragment(report, 'en');
    expect(html).toContain('<td>pipe | burst\n&lt;b&gt;again&lt;/b&gt;</td>');
    expect(html).not.toContain('<b>again');
  });

  it('when the reader is Chinese, then titles, labels and the demo banner are Chinese in both formats', () => {
    const md = renderReportMarkdown(report, 'zh');
    const html = renderReportFragment(report, 'zh');
    expect(md).toMatch(
      /^# 季度服务报告 · 2026Q4\n\n> \*\*演示数据：虚构小区，非真实业主\*\*\n\n数据截至 2026-12-01 18:20 \(Asia\/Shanghai\) （季度已结束，数据已固定）\n/,
    );
    expect(html).toContain('<p class="demo">演示数据：虚构小区，非真实业主</p>');
    expect(md).toContain('| 设备设施 | 4 |');
    expect(html).toContain('<td>设备设施</td><td>4</td>');
    expect(md).toContain('_显示 50 / 共 60_');
  });
});
