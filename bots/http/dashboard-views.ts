import { label } from '../../services/i18n/labels';
import type { LiveSnapshot, QuarterSnapshot, Tally } from '../../services/reports/report-snapshots';
import { duration, fixed, percent } from '../../services/reports/report-texts';
import { SURVEY_DIMENSIONS } from '../../services/surveys/survey-model';
import { SLA_CLASSES } from '../../services/tickets/sla';
import { escapeHtml } from './admin-access';
import { barChart, columnChart, lineChart, PALETTE, stackedChart, TONES } from './dashboard-charts';
import { quarterLinks, type Query, type ViewContext } from './dashboard-page';
import type { ReportCell } from '../../services/reports/report-sections';
import { htmlTable } from './dashboard-report';

/** What every view reads: the live snapshot and every quarter's. */
export interface ViewData {
  live?: LiveSnapshot;
  quarters: QuarterSnapshot[];
  /** The quarter the view shows (asked for, else the current one). */
  quarter?: QuarterSnapshot;
}

export const table = (head: string[], rows: ReportCell[][]) => htmlTable(head, rows, '—');
const h = (text: string) => escapeHtml(text);

/** Satisfaction per dimension and overall, the response rate, and the latest quarter's table. */
export function satisfactionView(c: ViewContext, { quarters }: ViewData): string {
  const surveyed = quarters.filter((q) => (q.satisfaction?.responses.sent ?? 0) > 0);
  const labels = surveyed.map((q) => q.quarter);
  const latest = surveyed[surveyed.length - 1];
  const before = surveyed[surveyed.length - 2];
  const tile = (name: string, value: string, was?: string) =>
    `<div class="tile">${h(name)}<b>${h(value)}</b>${was ? `<span class="muted">${h(was)}</span>` : ''}</div>`;
  const tiles = latest
    ? `<div class="tiles">${tile(`${c.tr('overallIndex')} ${latest.quarter}`, fixed(latest.satisfaction.overallIndex), before ? `${before.quarter}: ${fixed(before.satisfaction.overallIndex)}` : '')}${tile(`${c.tr('overallScore')} ${latest.quarter}`, fixed(latest.satisfaction.overallScore.mean), before ? `${before.quarter}: ${fixed(before.satisfaction.overallScore.mean)}` : '')}${tile(`${c.tr('responseRate')} ${latest.quarter}`, percent(latest.satisfaction.responses.rate), `${latest.satisfaction.responses.completed} / ${latest.satisfaction.responses.sent}`)}</div>`
    : '';
  const indexes = lineChart({
    title: c.tr('indexTrend'),
    labels,
    series: [
      ...SURVEY_DIMENSIONS.map((d, i) => ({
        label: label(d, c.language),
        values: surveyed.map((q) => q.satisfaction.dimensions[d]?.index ?? null),
        color: PALETTE[i % PALETTE.length] as string,
      })),
      {
        label: c.tr('overallIndex'),
        values: surveyed.map((q) => q.satisfaction.overallIndex),
        color: '#111827',
      },
    ],
    min: 0.4,
    max: 1.4,
    format: (n) => n.toFixed(2),
    reference: { value: 1, label: c.tr('expectationMet') },
  });
  const overall = lineChart({
    title: c.tr('overallTrend'),
    labels,
    series: [{ label: c.tr('overallScore'), values: surveyed.map((q) => q.satisfaction.overallScore.mean) }],
    min: 1,
    max: 5,
    format: (n) => n.toFixed(1),
  });
  const rate = columnChart({
    title: c.tr('responseRate'),
    items: surveyed.map((q) => ({ label: q.quarter, value: q.satisfaction.responses.rate ?? 0 })),
    format: (n) => `${Math.round(n * 100)}%`,
  });
  const rows = latest
    ? SURVEY_DIMENSIONS.map((d) => {
        const s = latest.satisfaction.dimensions[d];
        const m = (p: { sum: number; count: number }) => (p.count ? fixed(p.sum / p.count) : '—');
        return [
          label(d, c.language),
          m(s.perceived),
          m(s.expectation),
          fixed(s.index),
          String(s.perceived.count),
        ];
      })
    : [];
  const head = [c.tr('dimension'), c.tr('perceived'), c.tr('expectation'), c.tr('index'), c.tr('answers')];
  return `<h2>${h(c.tr('satisfaction'))}</h2>${tiles}<div class="grid2">${indexes}${overall}${rate}</div>${latest ? `<h3>${h(latest.quarter)}</h3>` : ''}${table(head, rows)}`;
}

/** A tally as chart items, largest first, each bar opening its cases. */
function tallyItems(c: ViewContext, tally: Tally, key: string, scope: Record<string, string | undefined>) {
  return Object.entries(tally).map(([value, count]) => ({
    label: key === 'building' && value === 'unknown' ? c.tr('noBuilding') : label(value, c.language),
    value: count,
    href: c.listHref({ ...scope, [key]: value }),
  }));
}

/** The date range and building filter of the cases view. */
export function casesFilter(c: ViewContext, query: Query, buildings: string[]): string {
  const options = [`<option value="">${h(c.tr('allBuildings'))}</option>`]
    .concat(
      buildings.map(
        (b) =>
          `<option value="${h(b)}"${b === query.building ? ' selected' : ''}>${h(b === 'unknown' ? c.tr('noBuilding') : b)}</option>`,
      ),
    )
    .join('');
  const date = (name: 'from' | 'to') =>
    `<label>${h(c.tr(name))} <input type="date" name="${name}" value="${h(query[name] ?? '')}" aria-label="${h(c.tr(name))}"></label>`;
  return `<form method="get" action="/dashboard/cases" class="filters">${date('from')}${date('to')}<label>${h(c.tr('building'))} <select name="building" aria-label="${h(c.tr('building'))}">${options}</select></label><button>${h(c.tr('apply'))}</button> <a href="/dashboard/cases">${h(c.tr('clear'))}</a></form>`;
}

/** Cases of a quarter, or of the filtered dates and building, by intent, category, building and month. */
export function casesView(
  c: ViewContext,
  data: ViewData,
  tallies: { byIntent: Tally; byCategory: Tally; byBuilding: Tally; byMonth: Tally; total: number },
  scope: Record<string, string | undefined>,
  heading: string,
  monthScope: Record<string, string | undefined> = scope,
): string {
  const chart = (title: string, tally: Tally, key: string) =>
    barChart({ title, items: tallyItems(c, tally, key, scope), color: PALETTE[key === 'intent' ? 0 : 2] });
  const buildings = Object.entries(tallies.byBuilding)
    .sort((a, b) => a[0].localeCompare(b[0], 'en', { numeric: true }))
    .map(([b, n]) => ({
      label: b === 'unknown' ? c.tr('noBuilding') : `${c.tr('building')} ${b}`,
      value: n,
      color: PALETTE[4],
      href: c.listHref({ ...scope, building: b }),
    }));
  const months = Object.entries(tallies.byMonth)
    .sort((a, b) => a[0].localeCompare(b[0]))
    .slice(-12)
    .map(([m, n]) => ({
      label: m,
      value: n,
      color: PALETTE[1],
      href: c.listHref({ ...monthScope, month: m }),
    }));
  return `<h2>${h(heading)} (${tallies.total})</h2><div class="grid2">${chart(c.tr('byIntent'), tallies.byIntent, 'intent')}${chart(c.tr('byCategory'), tallies.byCategory, 'category')}${columnChart({ title: c.tr('byBuilding'), items: buildings, count: true })}${columnChart({ title: c.tr('byMonth'), items: months, count: true })}</div>`;
}

/** First response and resolution against the SLA per quarter, times, breaches per class. */
export function slaView(c: ViewContext, { quarters, quarter: q }: ViewData): string {
  const share = (deadline: 'acknowledge' | 'resolve', title: string) =>
    stackedChart({
      title,
      labels: quarters.map((s) => s.quarter),
      share: true,
      stacks: (['met', 'breached', 'pending'] as const).map((outcome) => ({
        label: label(outcome, c.language),
        values: quarters.map((s) => s.sla[deadline][outcome]),
        color: TONES[outcome],
      })),
      href: (column, stack) =>
        c.listHref({
          quarter: quarters[column]?.quarter,
          deadline,
          outcome: (['met', 'breached', 'pending'] as const)[stack],
        }),
    });
  const charts = `<div class="grid2">${share('acknowledge', c.tr('ackShare'))}${share('resolve', c.tr('resolveShare'))}</div>`;
  if (!q) return charts;
  const spreadRow = (name: string, s: { median: number | null; p90: number | null; count: number }) => [
    name,
    duration(s.median, c.language),
    duration(s.p90, c.language),
    String(s.count),
  ];
  const times = table(
    ['', c.tr('median'), c.tr('p90'), c.tr('total')],
    [
      spreadRow(c.tr('firstResponse'), q.sla.firstResponseMinutes),
      spreadRow(c.tr('resolution'), q.sla.resolutionMinutes),
    ],
  );
  const classes = table(
    [
      c.tr('slaClass'),
      `${c.tr('target')} (${c.tr('firstResponse')})`,
      `${c.tr('target')} (${c.tr('resolution')})`,
      `${c.tr('breachedCount')} (${c.tr('firstResponse')})`,
      `${c.tr('breachedCount')} (${c.tr('resolution')})`,
      c.tr('total'),
    ],
    SLA_CLASSES.filter((k) => q.sla.byClass[k]).map((k) => {
      const s = q.sla.byClass[k] as { acknowledgeBreached: number; resolveBreached: number; total: number };
      return [
        label(k, c.language),
        duration(c.policy.acknowledgeMinutes[k], c.language),
        duration(c.policy.resolveMinutes[k], c.language),
        String(s.acknowledgeBreached),
        String(s.resolveBreached),
        String(s.total),
      ];
    }),
  );
  return `<h2>${h(c.tr('sla'))}</h2>${charts}<h3>${h(c.tr('timesTitle'))} · ${q.quarter}</h3>${quarterLinks('/sla', c, quarters, q.quarter)}${times}${classes}`;
}
