import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Connection } from 'mongoose';
import type { Clock } from '../../services/clock';
import { dashboardTexts } from '../../services/i18n/dashboard';
import { localize, type Language } from '../../services/i18n/text';
import { localDateTime } from '../../services/i18n/time';
import type { Logger } from '../../services/logging/logger';
import { isQuarter, type ReportService } from '../../services/reports/report-service';
import type { LiveSnapshot, QuarterSnapshot } from '../../services/reports/report-snapshots';
import type { SlaPolicy } from '../../services/tickets/sla';
import { escapeHtml, type AdminAccess, type AdminUser } from './admin-access';
import { REPORT_STYLE } from './dashboard-report';
import { otherLanguageHref, pageLanguage, staffPage } from './staff-pages';

export interface DashboardDeps {
  /** Who may use the dashboard (shared with the desk). */
  access: AdminAccess;
  reports: ReportService;
  connection: Connection;
  clock: Clock;
  /** BOT_TIMEZONE: every time and date on the dashboard. */
  timeZone: string;
  slaPolicy?: SlaPolicy;
  logger?: Logger;
  /** STAFF_LANGUAGE: the dashboard's language until managers switch. */
  language?: Language;
}

export const VIEWS = [
  ['', 'satisfaction'],
  ['/cases', 'cases'],
  ['/sla', 'sla'],
  ['/return-visits', 'returnVisits'],
  ['/open', 'open'],
  ['/owners', 'owners'],
  ['/report', 'report'],
  ['/exports', 'exports'],
] as const;
export type ViewKey = (typeof VIEWS)[number][1];

export interface Query {
  lang?: string;
  quarter?: string;
  format?: string;
  error?: string;
  refreshed?: string;
  from?: string;
  to?: string;
  building?: string;
}

/** What a dashboard view needs: its language, the time zone, and links to the case lists. */
export interface ViewContext {
  language: Language;
  timeZone: string;
  policy: SlaPolicy;
  /** A text of the dashboard catalog, filled in (not yet escaped). */
  tr: (key: keyof typeof dashboardTexts, values?: Record<string, string | number>) => string;
  /** "2026-11-22 14:05" on the BOT_TIMEZONE clock. */
  clockTime: (at: Date) => string;
  /** The list of cases behind a figure. */
  listHref: (params: Record<string, string | number | undefined>) => string;
  /** A case by its reference, on the desk. */
  caseHref: (reference: string) => string;
}

export function viewContextOf(deps: DashboardDeps, language: Language, policy: SlaPolicy): ViewContext {
  return {
    language,
    timeZone: deps.timeZone,
    policy,
    tr: (key, values = {}) => localize(dashboardTexts[key], language, values),
    clockTime: (at) => localDateTime(at, deps.timeZone),
    listHref: (params) => {
      const search = new URLSearchParams({ lang: language });
      for (const [key, value] of Object.entries(params))
        if (value !== undefined && value !== '') search.set(key, String(value));
      return `/dashboard/cases/list?${search.toString()}`;
    },
    caseHref: (reference) => `/desk/ref/${encodeURIComponent(reference)}`,
  };
}

export const DASHBOARD_STYLE = `${REPORT_STYLE}
.grid2{display:grid;grid-template-columns:repeat(auto-fit,minmax(min(100%,440px),1fr));gap:12px;align-items:start}
.chart{background:#fff;border:1px solid #e5e7eb;border-radius:10px;margin:0;padding:6px;min-width:0}.chart svg{display:block;width:100%;height:auto}
.chart figcaption{font-size:13px;color:#374151;padding:4px 8px}.tiles{display:flex;gap:10px;flex-wrap:wrap;margin:12px 0}
.tile{background:#fff;border:1px solid #e5e7eb;border-radius:10px;padding:8px 14px;min-width:140px;flex:1}.tile b{display:block;font-size:22px;color:#0f4c5c}
.tick{font-size:12px;fill:#4b5563}.value{font-size:12px;fill:#111827}.legend{font-size:12px;fill:#374151}.grid{stroke:#e5e7eb}
.reference{stroke:#6b7280;stroke-dasharray:4 4}.drill rect{cursor:pointer}.drill:hover rect,.drill:focus rect{opacity:.72;stroke:#111827;stroke-width:1}
circle:hover{r:6}.quarters a{margin-right:8px}.quarters a.on{font-weight:700}.quarters{overflow-wrap:anywhere}
form.export,form.filters{background:#fff;border:1px solid #e5e7eb;border-radius:10px;padding:10px 14px;margin:10px 0}
form.filters{display:flex;flex-wrap:wrap;gap:8px;align-items:end}form.filters label{margin:0}
.demo{background:#fef3c7;color:#92400e;padding:6px 12px;border-radius:8px;font-weight:600}
main table{display:block;max-width:100%;overflow-x:auto}td a{white-space:nowrap}`;

/** The dashboard's page shell: the views' tabs, "as of", refresh, the language switch. */
export function dashboardPage(
  deps: DashboardDeps,
  request: FastifyRequest,
  reply: FastifyReply,
  view: ViewKey | 'list',
  live: LiveSnapshot | undefined,
  body: string,
): string {
  const language = pageLanguage(request, reply, deps.language ?? 'zh');
  const context = viewContextOf(deps, language, deps.slaPolicy as SlaPolicy);
  const query = request.query as Query;
  const path = VIEWS.find(([, key]) => key === view)?.[0] ?? '';
  const csrf = escapeHtml(deps.access.csrfTokenFor(deps.access.userOf(request) as AdminUser));
  const asOf = live ? escapeHtml(context.tr('asOf', { time: context.clockTime(live.computedAt) })) : '';
  const notice = query.refreshed
    ? `<p class="muted">${escapeHtml(context.tr('refreshing'))}</p>`
    : query.error
      ? `<p class="error">${escapeHtml(query.error)}</p>`
      : '';
  const demo = live?.scope === 'demo' ? `<p class="demo">${escapeHtml(context.tr('demo'))}</p>` : '';
  const bar = `<div class="muted">${asOf} <form method="post" action="/dashboard/refresh?back=${encodeURIComponent(path)}" style="display:inline"><input type="hidden" name="csrf" value="${csrf}"><button class="secondary">${escapeHtml(context.tr('refresh'))}</button></form></div>`;
  return staffPage({
    title: `${context.tr(view === 'list' ? 'caseList' : view)} · ${context.tr('title')}`,
    language,
    user: (deps.access.userOf(request) as AdminUser).name,
    switchHref: otherLanguageHref(request, language),
    nav: VIEWS.map(([p, key]) => ({ href: `/dashboard${p}`, label: context.tr(key), on: key === view })),
    style: DASHBOARD_STYLE,
    body: `${bar}${demo}${notice}${body}`,
  });
}

/** The quarter a view shows: the one asked for, else the current one, else the latest. */
export function pickQuarter(
  reports: ReportService,
  query: Query,
  quarters: QuarterSnapshot[],
): QuarterSnapshot | undefined {
  if (query.quarter && isQuarter(query.quarter)) return quarters.find((q) => q.quarter === query.quarter);
  const current = reports.currentQuarter();
  return quarters.find((q) => q.quarter === current) ?? quarters[quarters.length - 1];
}

/** Links to each quarter of a view, the chosen one marked. */
export function quarterLinks(
  path: string,
  context: ViewContext,
  quarters: QuarterSnapshot[],
  chosen?: string,
): string {
  const links = quarters
    .map(
      (q) =>
        `<a href="/dashboard${path}?quarter=${q.quarter}"${q.quarter === chosen ? ' class="on"' : ''}>${q.quarter}</a>`,
    )
    .join('');
  return `<p class="quarters">${escapeHtml(context.tr('quarter'))}: ${links}</p>`;
}
