import type { Language } from '../../services/i18n/text';
import {
  REPORT_TEXT,
  formatChange,
  formatMetric,
  type HeadlineMetric,
  type QuarterlyReport,
} from '../../services/reports/quarterly-report';
import { label } from '../../services/reports/report-texts';
import { escapeHtml } from './admin-access';

const t = (key: keyof typeof REPORT_TEXT, language: Language, values: Record<string, string | number> = {}) =>
  REPORT_TEXT[key][language].replace(/\{(\w+)\}/g, (m, name: string) =>
    name in values ? String(values[name]) : m,
  );

function table(language: Language, head: string[], rows: string[][]): string {
  if (rows.length === 0) return `<p class="muted">${escapeHtml(t('none', language))}</p>`;
  return `<table><thead><tr>${head.map((h) => `<th>${escapeHtml(h)}</th>`).join('')}</tr></thead><tbody>${rows
    .map((r) => `<tr>${r.map((c) => `<td>${escapeHtml(c)}</td>`).join('')}</tr>`)
    .join('')}</tbody></table>`;
}

function changeClass(metric: HeadlineMetric): string {
  if (metric.value === null || metric.previous === null || metric.value === metric.previous) return 'same';
  const up = metric.value > metric.previous;
  return up === (metric.better === 'higher') ? 'good' : 'bad';
}

const shown = (language: Language, n: number, total: number) =>
  total > n ? `<p class="muted">${escapeHtml(t('shown', language, { shown: n, total }))}</p>` : '';

/** The quarterly report as an HTML fragment; everything from the data is escaped. */
export function renderReportFragment(report: QuarterlyReport, language: Language): string {
  const asOf = `${t('asOf', language)} ${report.computedAt.toISOString().slice(0, 16).replace('T', ' ')} UTC${report.frozen ? ` ${t('frozen', language)}` : ''}`;
  const risky = report.atRisk.owners.slice(0, 50);
  return [
    `<section class="report"><h2>${escapeHtml(t('title', language))} · ${escapeHtml(report.quarter)}</h2>`,
    report.scope === 'demo' ? `<p class="demo">${escapeHtml(t('demo', language))}</p>` : '',
    `<p class="muted">${escapeHtml(asOf)}</p>`,
    `<h3>${escapeHtml(t('headline', language))}</h3>`,
    `<table><thead><tr><th>${escapeHtml(t('metric', language))}</th><th>${escapeHtml(report.quarter)}</th><th>${escapeHtml(report.previousQuarter)}</th><th>${escapeHtml(t('change', language))} ${escapeHtml(report.previousQuarter)}</th></tr></thead><tbody>${report.headline
      .map(
        (m) =>
          `<tr><td>${escapeHtml(m.label[language])}</td><td>${escapeHtml(formatMetric(m.value, m.format, language))}</td><td>${escapeHtml(formatMetric(m.previous, m.format, language))}</td><td class="${changeClass(m)}">${escapeHtml(formatChange(m, language))}</td></tr>`,
      )
      .join('')}</tbody></table>`,
    `<h3>${escapeHtml(t('topCategories', language))}</h3>`,
    table(
      language,
      [t('category', language), t('count', language)],
      report.complaintCategories.map((c) => [label(c.category, language), String(c.count)]),
    ),
    `<h3>${escapeHtml(t('rootCauses', language))}</h3>`,
    table(
      language,
      [t('rootCause', language), t('count', language)],
      report.rootCauses.map((c) => [c.text, String(c.count)]),
    ),
    `<h3>${escapeHtml(t('breaches', language))} (${report.breaches.total})</h3>`,
    table(
      language,
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
    ),
    shown(language, report.breaches.cases.length, report.breaches.total),
    `<h3>${escapeHtml(t('repeat', language))} (${report.repeatComplainers.total})</h3>`,
    table(
      language,
      [t('owner', language), t('building', language), t('unit', language), t('complaints', language)],
      report.repeatComplainers.owners.map((o) => [o.name, o.building, o.unit, String(o.complaints)]),
    ),
    `<h3>${escapeHtml(t('actions', language))} (${report.actions.total})</h3>`,
    table(
      language,
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
    ),
    shown(language, report.actions.list.length, report.actions.total),
    `<h3>${escapeHtml(t('atRisk', language))} (${report.atRisk.total})</h3>`,
    table(
      language,
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
    ),
    shown(language, risky.length, report.atRisk.total),
    '</section>',
  ].join('');
}

export const REPORT_STYLE = `body{font:15px/1.5 -apple-system,"PingFang SC","Microsoft YaHei",sans-serif;color:#1f2937}
table{border-collapse:collapse;margin:8px 0 16px;font-size:14px}th,td{border-bottom:1px solid #e5e7eb;padding:4px 10px;text-align:left;vertical-align:top}
th{background:#f3f4f6}.muted{color:#6b7280;font-size:13px}.good{color:#047857}.bad{color:#b91c1c}.same{color:#6b7280}
.demo{background:#fef3c7;color:#92400e;padding:6px 12px;border-radius:8px;font-weight:600}h2{color:#0f766e}`;

/** The report as a standalone HTML document (`ownerbot report quarterly --format html`). */
export function renderReportHtml(report: QuarterlyReport, language: Language): string {
  return `<!doctype html><html lang="${language === 'zh' ? 'zh-CN' : 'en'}"><head><meta charset="utf-8"><title>${escapeHtml(t('title', language))} ${escapeHtml(report.quarter)}</title><style>${REPORT_STYLE}</style></head><body>${renderReportFragment(report, language)}</body></html>\n`;
}
