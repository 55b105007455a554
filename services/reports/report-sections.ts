import { localize, type Language } from '../i18n/text';
import { localDateTime } from '../i18n/time';
import type { HeadlineMetric, QuarterlyReport } from './quarterly-report';
import { duration, fixed, label } from './report-texts';

/**
 * What the quarterly report says, as plain data: the Markdown and the HTML renderers draw
 * the same sections, rows and labels from here, so a new row or a reworded label shows in
 * both. Cells are plain text; each renderer escapes for its own format.
 */

/** Whether a change is good news (for the colour the HTML gives it). */
export type ReportTone = 'good' | 'bad' | 'same';

/** A table cell: text, or text with a tone (a change) or a link (a case on the desk). */
export type ReportCell = string | { text: string; tone?: ReportTone; href?: string };

export interface ReportSection {
  /** The section's heading, with its total where the list is capped ("Repeat complainers (3)"). */
  title: string;
  head: string[];
  rows: ReportCell[][];
  /** "showing 50 of 60" when the rows are fewer than the total; else undefined. */
  shown?: string;
}

export interface ReportView {
  /** "Quarterly service report". */
  title: string;
  quarter: string;
  /** The banner of a demo report; undefined for real data. */
  demo?: string;
  /** "As of 2026-12-01 10:20 UTC (quarter ended, figures frozen)". */
  asOf: string;
  /** What an empty table says instead ("None"). */
  none: string;
  sections: ReportSection[];
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
  byDimension: { zh: '满意度（按维度）', en: 'Satisfaction by dimension' },
  byBuilding: { zh: '满意度（按楼栋）', en: 'Satisfaction by building' },
  dimension: { zh: '维度', en: 'Dimension' },
  perceived: { zh: '感知均分', en: 'Mean perceived' },
  expectation: { zh: '期望均分', en: 'Mean expectation' },
  index: { zh: '指数', en: 'Index' },
  overall: { zh: '总体评分', en: 'Overall score' },
  answers: { zh: '答卷', en: 'Answers' },
  unknownBuilding: { zh: '未登记楼栋', en: 'No building on file' },
} as const;

/** At-risk owners listed in the report; the dashboard's owner pages list the rest. */
const AT_RISK_SHOWN = 50;

/** A metric's value as shown. */
export function formatMetric(
  value: number | null,
  format: HeadlineMetric['format'],
  language: Language,
): string {
  if (format === 'index') return fixed(value, 2);
  if (format === 'score') return fixed(value, 2);
  // One decimal, so a change computed from the exact values agrees with the two shown.
  if (format === 'percent') return value === null ? '—' : `${(value * 100).toFixed(1)}%`;
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
    return `${sign}${(size * 100).toFixed(1)} ${language === 'zh' ? '个百分点' : 'pts'}`;
  if (metric.format === 'minutes') return `${sign}${duration(size, language)}`;
  if (metric.format === 'count') return `${sign}${Math.round(size)}`;
  return `${sign}${size.toFixed(2)}`;
}

function changeTone(metric: HeadlineMetric): ReportTone {
  if (metric.value === null || metric.previous === null || metric.value === metric.previous) return 'same';
  const up = metric.value > metric.previous;
  return up === (metric.better === 'higher') ? 'good' : 'bad';
}

/** The report's sections in the reader's language, ready for either renderer; `caseHref` links references. */
export function reportSections(
  report: QuarterlyReport,
  language: Language,
  caseHref?: (reference: string) => string,
): ReportView {
  const ref = (reference: string): ReportCell =>
    caseHref ? { text: reference, href: caseHref(reference) } : reference;
  const t = (key: keyof typeof REPORT_TEXT, values?: Record<string, string | number>) =>
    localize(REPORT_TEXT[key], language, values);
  const computedAt = `${localDateTime(report.computedAt, report.timeZone)} (${report.timeZone})`;
  return {
    title: t('title'),
    quarter: report.quarter,
    demo: report.scope === 'demo' ? t('demo') : undefined,
    asOf: `${t('asOf')} ${computedAt}${report.frozen ? ` ${t('frozen')}` : ''}`,
    none: t('none'),
    sections: [
      {
        title: t('headline'),
        head: [
          t('metric'),
          report.quarter,
          report.previousQuarter,
          `${t('change')} ${report.previousQuarter}`,
        ],
        rows: report.headline.map((m) => [
          m.label[language],
          formatMetric(m.value, m.format, language),
          formatMetric(m.previous, m.format, language),
          { text: formatChange(m, language), tone: changeTone(m) },
        ]),
      },
      ...satisfactionSections(report, language),
      {
        title: t('topCategories'),
        head: [t('category'), t('count')],
        rows: report.complaintCategories.map((c) => [label(c.category, language), String(c.count)]),
      },
      {
        title: t('rootCauses'),
        head: [t('rootCause'), t('count')],
        rows: report.rootCauses.map((c) => [c.text, String(c.count)]),
      },
      ...caseListSections(report, language, ref),
    ],
  };
}

/** The lists of the report: breached cases, repeat complainers, actions taken, at-risk owners. */
function caseListSections(
  report: QuarterlyReport,
  language: Language,
  ref: (reference: string) => ReportCell,
): ReportSection[] {
  const t = (key: keyof typeof REPORT_TEXT, values?: Record<string, string | number>) =>
    localize(REPORT_TEXT[key], language, values);
  const shown = (n: number, total: number) => (total > n ? t('shown', { shown: n, total }) : undefined);
  const risky = report.atRisk.owners.slice(0, AT_RISK_SHOWN);
  return [
    {
      title: `${t('breaches')} (${report.breaches.total})`,
      head: [t('reference'), t('category'), t('building'), t('staff'), t('deadline'), t('status')],
      rows: report.breaches.cases.map((c) => [
        ref(c.reference),
        label(c.category, language),
        c.building,
        c.assigneeName || '—',
        c.deadlines.map((d) => label(d, language)).join(', '),
        label(c.status, language),
      ]),
      shown: shown(report.breaches.cases.length, report.breaches.total),
    },
    {
      title: `${t('repeat')} (${report.repeatComplainers.total})`,
      head: [t('owner'), t('building'), t('unit'), t('complaints')],
      rows: report.repeatComplainers.owners.map((o) => [o.name, o.building, o.unit, String(o.complaints)]),
    },
    {
      title: `${t('actions')} (${report.actions.total})`,
      head: [t('reference'), t('category'), t('rootCause'), t('corrective'), t('preventive')],
      rows: report.actions.list.map((a) => [
        ref(a.reference),
        label(a.category, language),
        a.rootCause,
        a.correctiveAction,
        a.preventiveAction,
      ]),
      shown: shown(report.actions.list.length, report.actions.total),
    },
    {
      title: `${t('atRisk')} (${report.atRisk.total})`,
      head: [t('owner'), t('building'), t('unit'), t('reasons'), t('tenure')],
      rows: risky.map((o) => [
        o.name,
        o.building,
        o.unit,
        o.reasons.map((r) => label(r, language)).join(', '),
        String(o.tenureDays),
      ]),
      shown: shown(risky.length, report.atRisk.total),
    },
  ];
}

/** Index changes against last quarter, from the exact values. */
function indexChange(value: number | null, previous: number | null): ReportCell {
  if (value === null || previous === null) return '';
  const delta = value - previous;
  const tone: ReportTone = Math.abs(delta) < 0.005 ? 'same' : delta > 0 ? 'good' : 'bad';
  return { text: `${delta > 0 ? '+' : delta < 0 ? '−' : '±'}${Math.abs(delta).toFixed(2)}`, tone };
}

/** Satisfaction per dimension and per building (the figures `survey status` prints), with the change. */
function satisfactionSections(report: QuarterlyReport, language: Language): ReportSection[] {
  const t = (key: keyof typeof REPORT_TEXT) => localize(REPORT_TEXT[key], language);
  const change = `${t('change')} ${report.previousQuarter}`;
  return [
    {
      title: t('byDimension'),
      head: [t('dimension'), t('perceived'), t('expectation'), t('index'), change],
      rows: report.dimensions.map((d) => [
        label(d.dimension, language),
        fixed(d.perceived),
        fixed(d.expectation),
        fixed(d.index),
        indexChange(d.index, d.previousIndex),
      ]),
    },
    {
      title: t('byBuilding'),
      head: [t('building'), t('index'), t('overall'), t('answers'), change],
      rows: report.buildings.map((b) => [
        b.building === 'unknown' ? t('unknownBuilding') : b.building,
        fixed(b.index),
        fixed(b.overallScore),
        String(b.answers),
        indexChange(b.index, b.previousIndex),
      ]),
    },
  ];
}

const cellText = (cell: ReportCell): string => (typeof cell === 'string' ? cell : cell.text);

/** Markdown cells: pipes and line breaks would break the table. */
const md = (text: string): string => text.replace(/\|/g, '\\|').replace(/\s*\n\s*/g, ' ');

/** The report as Markdown (for `--format md` and the dashboard's download). */
export function renderReportMarkdown(report: QuarterlyReport, language: Language): string {
  const view = reportSections(report, language);
  const lines: string[] = [`# ${view.title} · ${view.quarter}`, ''];
  if (view.demo) lines.push(`> **${view.demo}**`, '');
  lines.push(view.asOf, '');
  for (const section of view.sections) {
    lines.push(`## ${section.title}`, '');
    if (section.rows.length === 0) lines.push(`_${view.none}_`, '');
    else {
      lines.push(`| ${section.head.join(' | ')} |`, `| ${section.head.map(() => '---').join(' | ')} |`);
      for (const row of section.rows) lines.push(`| ${row.map((cell) => md(cellText(cell))).join(' | ')} |`);
      lines.push('');
    }
    if (section.shown) lines.push(`_${section.shown}_`, '');
  }
  return `${lines.join('\n').trim()}\n`;
}
