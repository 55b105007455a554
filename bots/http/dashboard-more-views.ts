import { label } from '../../services/i18n/labels';
import { AGE_BUCKETS } from '../../services/reports/case-facts';
import type { ListedCase } from '../../services/reports/case-list';
import { RELATIONSHIP_STAGES, STAGE_RULE } from '../../services/reports/relationship-stage';
import { escapeHtml } from './admin-access';
import { columnChart, lineChart, TONES } from './dashboard-charts';
import { quarterLinks, type ViewContext } from './dashboard-page';
import { table, type ViewData } from './dashboard-views';

const h = (text: string) => escapeHtml(text);
/** Cases the list shows at most; the total says how many matched. */
const LIST_SHOWN = 200;

/** Return-visit ratings of a quarter, the mean per quarter, and the low ratings to follow up. */
export function returnVisitsView(c: ViewContext, { quarters, quarter: q }: ViewData): string {
  const trend = lineChart({
    title: c.tr('ratingTrend'),
    labels: quarters.map((s) => s.quarter),
    series: [
      {
        label: c.tr('rating'),
        values: quarters.map((s) =>
          s.returnVisits.rated ? s.returnVisits.ratingSum / s.returnVisits.rated : null,
        ),
      },
    ],
    min: 1,
    max: 5,
    format: (n) => n.toFixed(1),
  });
  if (!q) return trend;
  const ratings = columnChart({
    title: `${c.tr('ratings')} · ${q.quarter}`,
    count: true,
    items: ['1', '2', '3', '4', '5'].map((r, i) => ({
      label: `${r}★`,
      value: q.returnVisits.byRating[r] ?? 0,
      color: TONES.ratings[i] as string,
      href: c.listHref({ quarter: q.quarter, rating: r }),
    })),
  });
  const low = table(
    [c.tr('reference'), c.tr('building'), c.tr('rating'), c.tr('comment')],
    q.returnVisits.low.map((l) => [
      { text: l.reference, href: c.caseHref(l.reference) },
      l.building,
      String(l.rating),
      l.comment,
    ]),
  );
  return `<h2>${h(c.tr('returnVisits'))} · ${q.quarter}</h2>${quarterLinks('/return-visits', c, quarters, q.quarter)}<p class="muted">${h(c.tr('rated', { rated: q.returnVisits.rated, resolved: q.returnVisits.resolved }))}</p><div class="grid2">${ratings}${trend}</div><h3>${h(c.tr('lowRatings'))}</h3>${low}`;
}

/** Open cases by age, each bar opening its cases, and the oldest twenty. */
export function openView(c: ViewContext, { live }: ViewData): string {
  if (!live) return `<p>${h(c.tr('notYet'))}</p>`;
  const ages = columnChart({
    title: c.tr('openByAge'),
    count: true,
    items: AGE_BUCKETS.map((b, i) => ({
      label: label(b.key, c.language),
      value: live.openCases.byAge[b.key] ?? 0,
      color: TONES.ages[i] as string,
      href: c.listHref({ open: 1, age: b.key }),
    })),
  });
  const oldest = table(
    [c.tr('reference'), c.tr('kind'), c.tr('building'), c.tr('staff'), c.tr('status'), c.tr('opened')],
    live.openCases.oldest.map((o) => [
      { text: o.reference, href: c.caseHref(o.reference) },
      label(o.kind, c.language),
      o.building,
      o.assigneeName || '—',
      label(o.status, c.language),
      c.clockTime(new Date(o.createdAt)),
    ]),
  );
  return `<h2>${h(c.tr('open'))} (${live.openCases.total})</h2><div class="grid2">${ages}</div><h3>${h(c.tr('oldest'))}</h3>${oldest}`;
}

/** Owners per relationship stage, the rule, and the at-risk owners with their reasons. */
export function ownersView(c: ViewContext, { live }: ViewData): string {
  if (!live) return `<p>${h(c.tr('notYet'))}</p>`;
  const shown = live.atRisk.owners.length;
  const stages = columnChart({
    title: c.tr('stages'),
    count: true,
    items: RELATIONSHIP_STAGES.map((s, i) => ({
      label: label(s, c.language),
      value: live.stages[s] ?? 0,
      color: TONES.stages[i] as string,
      ...(s === 'degradation' ? { href: '#at-risk' } : {}),
    })),
  });
  const rule = c.tr('rule', {
    drop: STAGE_RULE.dropPoints,
    low: STAGE_RULE.lowScore,
    frequent: STAGE_RULE.frequentComplaints,
    investigation: STAGE_RULE.investigationDays,
    stability: STAGE_RULE.stabilityDays,
    stable: STAGE_RULE.stableScore,
  });
  const atRisk = table(
    [
      c.tr('owner'),
      c.tr('building'),
      c.tr('unit'),
      c.tr('reasons'),
      c.tr('scores'),
      c.tr('complaints90'),
      c.tr('tenure'),
    ],
    live.atRisk.owners.map((o) => [
      o.name,
      o.building,
      o.unit,
      o.reasons.map((r) => label(r, c.language)).join(', '),
      `${o.latestScore ?? '—'} / ${o.previousScore ?? '—'}`,
      String(o.complaints90d),
      String(o.tenureDays),
    ]),
  );
  const more =
    shown < live.atRisk.total
      ? `<p class="muted">${h(c.tr('showing', { shown, total: live.atRisk.total }))}</p>`
      : '';
  return `<h2>${h(c.tr('owners'))}</h2><div class="grid2">${stages}</div><p class="muted">${h(rule)}</p><h3 id="at-risk">${h(c.tr('atRisk'))} (${live.atRisk.total})</h3>${atRisk}${more}`;
}

/** The cases behind a figure: newest first, each opening on the desk. */
export function caseListView(c: ViewContext, cases: ListedCase[], describe: string): string {
  const rows = cases
    .slice(0, LIST_SHOWN)
    .map(({ row, facts }) => [
      { text: row.reference, href: c.caseHref(row.reference) },
      c.clockTime(row.createdAt),
      label(row.kind, c.language),
      label(row.intent, c.language),
      label(row.category, c.language),
      row.building === '' ? '—' : row.building,
      label(row.status, c.language),
      `${label(facts.acknowledge, c.language)} / ${label(facts.resolve, c.language)}`,
      row.title.slice(0, 80),
    ]);
  const head = [
    c.tr('reference'),
    c.tr('created'),
    c.tr('kind'),
    c.tr('intent'),
    c.tr('category'),
    c.tr('building'),
    c.tr('status'),
    c.tr('sla'),
    c.tr('title2'),
  ];
  const count =
    cases.length === 0
      ? ''
      : `<p class="muted">${h(c.tr('listShowing', { total: cases.length, shown: rows.length }))}</p>`;
  return `<h2>${h(c.tr('caseList'))}</h2><p>${h(describe)}</p>${count}${cases.length === 0 ? `<p>${h(c.tr('noCases'))}</p>` : table(head, rows)}`;
}
