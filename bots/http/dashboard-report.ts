import type { Language } from '../../services/i18n/text';
import type { QuarterlyReport } from '../../services/reports/quarterly-report';
import { REPORT_TEXT, reportSections, type ReportCell } from '../../services/reports/report-sections';
import { escapeHtml } from './admin-access';
import { ICON_LINK } from './icon';

/**
 * An HTML table of plain-text cells, every cell escaped; a toned cell gets its tone as a
 * class, a linked one a link. No rows: the `empty` text instead. The dashboard's views and
 * the report share it.
 */
export function htmlTable(head: string[], rows: ReportCell[][], empty: string): string {
  if (rows.length === 0) return `<p class="muted">${escapeHtml(empty)}</p>`;
  const cell = (c: ReportCell) => {
    if (typeof c === 'string') return `<td>${escapeHtml(c)}</td>`;
    const text = c.href ? `<a href="${escapeHtml(c.href)}">${escapeHtml(c.text)}</a>` : escapeHtml(c.text);
    return c.tone ? `<td class="${c.tone}">${text}</td>` : `<td>${text}</td>`;
  };
  return `<table><thead><tr>${head.map((h) => `<th>${escapeHtml(h)}</th>`).join('')}</tr></thead><tbody>${rows
    .map((row) => `<tr>${row.map(cell).join('')}</tr>`)
    .join('')}</tbody></table>`;
}

/** The quarterly report as an HTML fragment; everything from the data is escaped; `caseHref` links references. */
export function renderReportFragment(
  report: QuarterlyReport,
  language: Language,
  caseHref?: (reference: string) => string,
): string {
  const view = reportSections(report, language, caseHref);
  return [
    `<section class="report"><h2>${escapeHtml(view.title)} · ${escapeHtml(view.quarter)}</h2>`,
    view.demo ? `<p class="demo">${escapeHtml(view.demo)}</p>` : '',
    `<p class="muted">${escapeHtml(view.asOf)}</p>`,
    ...view.sections.map(
      (section) =>
        `<h3>${escapeHtml(section.title)}</h3>${htmlTable(section.head, section.rows, view.none)}${section.shown ? `<p class="muted">${escapeHtml(section.shown)}</p>` : ''}`,
    ),
    '</section>',
  ].join('');
}

export const REPORT_STYLE = `body{font:15px/1.5 -apple-system,"PingFang SC","Microsoft YaHei",sans-serif;color:#1f2937}
table{border-collapse:collapse;margin:8px 0 16px;font-size:14px}th,td{border-bottom:1px solid #e5e7eb;padding:4px 10px;text-align:left;vertical-align:top}
th{background:#f3f4f6}.muted{color:#6b7280;font-size:13px}.good{color:#047857}.bad{color:#b91c1c}.same{color:#6b7280}
.demo{background:#fef3c7;color:#92400e;padding:6px 12px;border-radius:8px;font-weight:600}h2{color:#0f766e}`;

/** The report as a standalone HTML document (`ownerbot report quarterly --format html`). */
export function renderReportHtml(report: QuarterlyReport, language: Language): string {
  return `<!doctype html><html lang="${language === 'zh' ? 'zh-CN' : 'en'}"><head><meta charset="utf-8">${ICON_LINK}<title>${escapeHtml(REPORT_TEXT.title[language])} ${escapeHtml(report.quarter)}</title><style>${REPORT_STYLE}</style></head><body>${renderReportFragment(report, language)}</body></html>\n`;
}
