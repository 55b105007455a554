import type { Language } from '../i18n/text';
import type { LiveSnapshot, QuarterSnapshot } from './report-snapshots';
import { previousQuarter } from './report-service';
import { duration, fixed, label, percent } from './report-texts';

export type MetricFormat = 'index' | 'score' | 'percent' | 'count' | 'minutes';

export interface HeadlineMetric {
  key: string;
  label: { zh: string; en: string };
  value: number | null;
  previous: number | null;
  format: MetricFormat;
  /** Which direction is good news, for the arrow's colour. */
  better: 'higher' | 'lower';
}

/** The quarterly summary the trade asks for, built from two quarter snapshots and the live one. */
export interface QuarterlyReport {
  quarter: string;
  previousQuarter: string;
  scope: 'real' | 'demo';
  computedAt: Date;
  frozen: boolean;
  headline: HeadlineMetric[];
  complaintCategories: Array<{ category: string; count: number }>;
  rootCauses: QuarterSnapshot['complaints']['rootCauses'];
  breaches: QuarterSnapshot['breaches'];
  repeatComplainers: QuarterSnapshot['repeatComplainers'];
  actions: { total: number; list: QuarterSnapshot['complaints']['actions'] };
  atRisk: LiveSnapshot['atRisk'];
}

const rate = (part: number, whole: number): number | null => (whole > 0 ? part / whole : null);

function metrics(q: QuarterSnapshot | undefined): Record<string, number | null> {
  if (!q) return {};
  const settled = (d: { met: number; breached: number }) => rate(d.met, d.met + d.breached);
  return {
    satisfaction: q.satisfaction?.overallIndex ?? null,
    overallScore: q.satisfaction?.overallScore.mean ?? null,
    responseRate: q.satisfaction?.responses.rate ?? null,
    cases: q.cases.total,
    complaints: q.complaints.total,
    acknowledgeMet: settled(q.sla.acknowledge),
    resolveMet: settled(q.sla.resolve),
    firstResponse: q.sla.firstResponseMinutes.median,
    resolution: q.sla.resolutionMinutes.median,
    returnVisit: rate(q.returnVisits.ratingSum, q.returnVisits.rated),
    reopened: q.cases.reopened,
  };
}

const HEADLINE: Array<Omit<HeadlineMetric, 'value' | 'previous'>> = [
  {
    key: 'satisfaction',
    label: { zh: '满意度指数', en: 'Satisfaction index' },
    format: 'index',
    better: 'higher',
  },
  { key: 'overallScore', label: { zh: '总体评分', en: 'Overall score' }, format: 'score', better: 'higher' },
  {
    key: 'responseRate',
    label: { zh: '问卷回复率', en: 'Survey response rate' },
    format: 'percent',
    better: 'higher',
  },
  { key: 'cases', label: { zh: '工单总数', en: 'Cases' }, format: 'count', better: 'lower' },
  { key: 'complaints', label: { zh: '投诉', en: 'Complaints' }, format: 'count', better: 'lower' },
  {
    key: 'acknowledgeMet',
    label: { zh: '响应达标率', en: 'Response within SLA' },
    format: 'percent',
    better: 'higher',
  },
  {
    key: 'resolveMet',
    label: { zh: '处理达标率', en: 'Resolution within SLA' },
    format: 'percent',
    better: 'higher',
  },
  {
    key: 'firstResponse',
    label: { zh: '首次响应中位数', en: 'Median first response' },
    format: 'minutes',
    better: 'lower',
  },
  {
    key: 'resolution',
    label: { zh: '处理时长中位数', en: 'Median resolution time' },
    format: 'minutes',
    better: 'lower',
  },
  {
    key: 'returnVisit',
    label: { zh: '回访平均评分', en: 'Return-visit rating' },
    format: 'score',
    better: 'higher',
  },
  { key: 'reopened', label: { zh: '重开工单', en: 'Reopened cases' }, format: 'count', better: 'lower' },
];

/** Assembles the report; undefined when the quarter was never computed. */
export function buildQuarterlyReport(
  current: QuarterSnapshot | undefined,
  previous: QuarterSnapshot | undefined,
  live: LiveSnapshot | undefined,
): QuarterlyReport | undefined {
  if (!current) return undefined;
  const now = metrics(current);
  const before = metrics(previous);
  return {
    quarter: current.quarter,
    previousQuarter: previousQuarter(current.quarter),
    scope: current.scope,
    computedAt: current.computedAt,
    frozen: current.frozen,
    headline: HEADLINE.map((m) => ({ ...m, value: now[m.key] ?? null, previous: before[m.key] ?? null })),
    complaintCategories: Object.entries(current.complaints.byCategory)
      .map(([category, count]) => ({ category, count }))
      .sort((a, b) => b.count - a.count)
      .slice(0, 5),
    rootCauses: current.complaints.rootCauses,
    breaches: current.breaches,
    repeatComplainers: current.repeatComplainers,
    actions: { total: current.complaints.actionsTotal, list: current.complaints.actions },
    atRisk: live?.atRisk ?? { total: 0, owners: [] },
  };
}

/** A metric's value as shown. */
export function formatMetric(value: number | null, format: MetricFormat, language: Language): string {
  if (format === 'index') return fixed(value, 2);
  if (format === 'score') return fixed(value, 2);
  if (format === 'percent') return percent(value);
  if (format === 'minutes') return duration(value, language);
  return value === null ? '—' : String(value);
}

/** "+0.05", "-3 pts", "" when either side is missing. */
export function formatChange(metric: HeadlineMetric, language: Language): string {
  if (metric.value === null || metric.previous === null) return '';
  const delta = metric.value - metric.previous;
  const sign = delta > 0 ? '+' : delta < 0 ? '−' : '±';
  const size = Math.abs(delta);
  if (metric.format === 'percent')
    return `${sign}${Math.round(size * 100)} ${language === 'zh' ? '个百分点' : 'pts'}`;
  if (metric.format === 'minutes') return `${sign}${duration(size, language)}`;
  if (metric.format === 'count') return `${sign}${Math.round(size)}`;
  return `${sign}${size.toFixed(2)}`;
}

export const REPORT_TEXT = {
  title: { zh: '季度服务报告', en: 'Quarterly service report' },
  demo: { zh: '演示数据：虚构小区，非真实业主', en: 'Demo data: a fictional estate, not real owners' },
  asOf: { zh: '数据截至', en: 'As of' },
  frozen: { zh: '（季度已结束，数据已固定）', en: '(quarter ended, figures frozen)' },
  headline: { zh: '核心指标', en: 'Headline numbers' },
  metric: { zh: '指标', en: 'Metric' },
  change: { zh: '较上季度', en: 'Change vs' },
  topCategories: { zh: '投诉类别（前五）', en: 'Top complaint categories' },
  rootCauses: { zh: '主要原因', en: 'Root causes' },
  breaches: { zh: '超时工单', en: 'Cases that breached SLA' },
  repeat: { zh: '重复投诉业主', en: 'Repeat complainers' },
  actions: { zh: '纠正与预防措施', en: 'Corrective and preventive actions' },
  atRisk: { zh: '需回访的风险业主（退化期）', en: 'At-risk owners (degradation) to visit' },
  none: { zh: '无', en: 'None' },
  shown: { zh: '显示 {shown} / 共 {total}', en: 'showing {shown} of {total}' },
  reference: { zh: '编号', en: 'Reference' },
  category: { zh: '类别', en: 'Category' },
  building: { zh: '楼栋', en: 'Building' },
  unit: { zh: '房号', en: 'Unit' },
  staff: { zh: '负责人', en: 'Staff owner' },
  deadline: { zh: '超时环节', en: 'Missed' },
  status: { zh: '状态', en: 'Status' },
  owner: { zh: '业主', en: 'Owner' },
  count: { zh: '次数', en: 'Count' },
  complaints: { zh: '投诉数', en: 'Complaints' },
  rootCause: { zh: '原因', en: 'Root cause' },
  corrective: { zh: '纠正措施', en: 'Corrective action' },
  preventive: { zh: '预防措施', en: 'Preventive action' },
  reasons: { zh: '原因', en: 'Reasons' },
  tenure: { zh: '入住天数', en: 'Tenure (days)' },
} as const;

const t = (key: keyof typeof REPORT_TEXT, language: Language, values: Record<string, string | number> = {}) =>
  REPORT_TEXT[key][language].replace(/\{(\w+)\}/g, (m, name: string) =>
    name in values ? String(values[name]) : m,
  );

/** Markdown cells: pipes and line breaks would break the table. */
const md = (text: string): string => text.replace(/\|/g, '\\|').replace(/\s*\n\s*/g, ' ');

/** The report as Markdown (for `--format md` and the dashboard's download). */
export function renderReportMarkdown(report: QuarterlyReport, language: Language): string {
  const lines: string[] = [];
  const table = (head: string[], rows: string[][]) => {
    if (rows.length === 0) return lines.push(`_${t('none', language)}_`, '');
    lines.push(`| ${head.join(' | ')} |`, `| ${head.map(() => '---').join(' | ')} |`);
    for (const row of rows) lines.push(`| ${row.map(md).join(' | ')} |`);
    lines.push('');
  };
  const shown = (n: number, total: number) =>
    total > n ? `_${t('shown', language, { shown: n, total })}_\n` : '';
  lines.push(`# ${t('title', language)} · ${report.quarter}`, '');
  if (report.scope === 'demo') lines.push(`> **${t('demo', language)}**`, '');
  lines.push(
    `${t('asOf', language)} ${report.computedAt.toISOString().slice(0, 16).replace('T', ' ')} UTC${report.frozen ? ` ${t('frozen', language)}` : ''}`,
    '',
  );
  lines.push(`## ${t('headline', language)}`, '');
  table(
    [
      t('metric', language),
      report.quarter,
      report.previousQuarter,
      `${t('change', language)} ${report.previousQuarter}`,
    ],
    report.headline.map((m) => [
      m.label[language],
      formatMetric(m.value, m.format, language),
      formatMetric(m.previous, m.format, language),
      formatChange(m, language),
    ]),
  );
  lines.push(`## ${t('topCategories', language)}`, '');
  table(
    [t('category', language), t('count', language)],
    report.complaintCategories.map((c) => [label(c.category, language), String(c.count)]),
  );
  lines.push(`## ${t('rootCauses', language)}`, '');
  table(
    [t('rootCause', language), t('count', language)],
    report.rootCauses.map((c) => [c.text, String(c.count)]),
  );
  lines.push(`## ${t('breaches', language)} (${report.breaches.total})`, '');
  table(
    [
      t('reference', language),
      t('category', language),
      t('building', language),
      t('staff', language),
      t('deadline', language),
      t('status', language),
    ],
    report.breaches.cases.map((c) => [
      c.reference,
      label(c.category, language),
      c.building,
      c.assigneeName || '—',
      c.deadlines.map((d) => label(d, language)).join(', '),
      label(c.status, language),
    ]),
  );
  lines.push(shown(report.breaches.cases.length, report.breaches.total));
  lines.push(`## ${t('repeat', language)} (${report.repeatComplainers.total})`, '');
  table(
    [t('owner', language), t('building', language), t('unit', language), t('complaints', language)],
    report.repeatComplainers.owners.map((o) => [o.name, o.building, o.unit, String(o.complaints)]),
  );
  lines.push(`## ${t('actions', language)} (${report.actions.total})`, '');
  table(
    [
      t('reference', language),
      t('category', language),
      t('rootCause', language),
      t('corrective', language),
      t('preventive', language),
    ],
    report.actions.list.map((a) => [
      a.reference,
      label(a.category, language),
      a.rootCause,
      a.correctiveAction,
      a.preventiveAction,
    ]),
  );
  lines.push(shown(report.actions.list.length, report.actions.total));
  lines.push(`## ${t('atRisk', language)} (${report.atRisk.total})`, '');
  const risky = report.atRisk.owners.slice(0, 50);
  table(
    [
      t('owner', language),
      t('building', language),
      t('unit', language),
      t('reasons', language),
      t('tenure', language),
    ],
    risky.map((o) => [
      o.name,
      o.building,
      o.unit,
      o.reasons.map((r) => label(r, language)).join(', '),
      String(o.tenureDays),
    ]),
  );
  lines.push(shown(risky.length, report.atRisk.total));
  return `${lines
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim()}\n`;
}
