import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { label } from '../../services/i18n/labels';
import {
  caseListFilterOf,
  listCases,
  tallyCases,
  type CaseListFilter,
} from '../../services/reports/case-list';
import type { QuarterSnapshot } from '../../services/reports/report-snapshots';
import { DEFAULT_SLA_POLICY } from '../../services/tickets/sla';
import { escapeHtml, type AdminUser } from './admin-access';
import { registerExportRoutes, registerReportRoute } from './dashboard-exports';
import { caseListView, openView, ownersView, returnVisitsView } from './dashboard-more-views';
import {
  dashboardPage,
  pickQuarter,
  quarterLinks,
  viewContextOf,
  VIEWS,
  type DashboardDeps,
  type Query,
  type ViewContext,
  type ViewKey,
} from './dashboard-page';
import { casesFilter, casesView, satisfactionView, slaView, type ViewData } from './dashboard-views';
import { pageLanguage, sendPage } from './staff-pages';

export type { DashboardDeps } from './dashboard-page';

type SnapshotView = Exclude<ViewKey, 'exports' | 'report' | 'cases'>;
const SNAPSHOT_VIEWS: Record<SnapshotView, (c: ViewContext, data: ViewData) => string> = {
  satisfaction: satisfactionView,
  sla: slaView,
  returnVisits: returnVisitsView,
  open: openView,
  owners: ownersView,
};

/**
 * The managers' dashboard at /dashboard: one page per view, each drawn from the report
 * snapshots (a dozen small documents), so a view answers in milliseconds whatever the size of
 * the estate; every chart bar and case number opens the cases behind it; dates and a building
 * narrow the cases view (counted from those cases). The quarterly report and CSV exports
 * (phones masked unless an admin confirms). Same sign-in as the desk; STAFF_LANGUAGE or `?lang=`.
 */
export function registerDashboard(server: FastifyInstance, deps: DashboardDeps): void {
  const policy = deps.slaPolicy ?? DEFAULT_SLA_POLICY;
  const contextOf = (request: FastifyRequest, reply: FastifyReply) =>
    viewContextOf(deps, pageLanguage(request, reply, deps.language ?? 'zh'), policy);

  /** The snapshots a view reads; the first visit on a fresh database starts the first refresh. */
  async function snapshots(query: Query): Promise<ViewData> {
    const [live, quarters] = await Promise.all([deps.reports.live(), deps.reports.quarters()]);
    if (!live && !deps.reports.refreshing) startRefresh(deps);
    const quarter = pickQuarter(deps.reports, query, quarters);
    return { ...(live ? { live } : {}), quarters, ...(quarter ? { quarter } : {}) };
  }

  server.register(async (scope) => {
    scope.addContentTypeParser(
      'application/x-www-form-urlencoded',
      { parseAs: 'string' },
      (_request, body, done) => done(null, Object.fromEntries(new URLSearchParams(body as string))),
    );
    scope.addHook('preHandler', deps.access.requireSignIn('Dashboard · 管理看板', 'ownerbot dashboard'));

    for (const [path, key] of VIEWS) {
      if (!(key in SNAPSHOT_VIEWS)) continue;
      scope.get(`/dashboard${path}`, async (request, reply) => {
        const context = contextOf(request, reply);
        const data = await snapshots(request.query as Query);
        const body =
          data.live || data.quarters.length
            ? SNAPSHOT_VIEWS[key as SnapshotView](context, data)
            : `<p>${escapeHtml(context.tr('notYet'))}</p>`;
        return sendPage(reply, 200, dashboardPage(deps, request, reply, key, data.live, body));
      });
    }
    scope.get('/dashboard/cases', async (request, reply) => {
      const body = await casesPage(
        deps,
        contextOf(request, reply),
        request.query as Query,
        await snapshots(request.query as Query),
      );
      return sendPage(
        reply,
        200,
        dashboardPage(deps, request, reply, 'cases', await deps.reports.live(), body),
      );
    });
    scope.get('/dashboard/cases/list', async (request, reply) => {
      const context = contextOf(request, reply);
      const filter = caseListFilterOf(request.query as Record<string, unknown>);
      const cases = await listCases({ ...deps, slaPolicy: policy }, filter);
      const body = caseListView(context, cases, describeFilter(context, filter));
      return sendPage(
        reply,
        200,
        dashboardPage(deps, request, reply, 'list', await deps.reports.live(), body),
      );
    });
    registerReportRoute(scope, deps);
    registerExportRoutes(scope, deps);
    scope.post('/dashboard/refresh', async (request, reply) => {
      const form = (request.body ?? {}) as Record<string, string>;
      if (!deps.access.allowsAction(request, deps.access.userOf(request) as AdminUser, form.csrf))
        return deps.access.refuseForgery(reply);
      const back = (request.query as { back?: string }).back ?? '';
      startRefresh(deps);
      return reply.redirect(`/dashboard${VIEWS.some(([p]) => p === back) ? back : ''}?refreshed=1`, 303);
    });
  });
}

function startRefresh(deps: DashboardDeps): void {
  deps.reports
    .refresh()
    .catch((error: unknown) => deps.logger?.error({ err: error }, 'Report refresh failed'));
}

/**
 * The cases view: a quarter's figures from its snapshot, or, when dates or a building are
 * chosen, counted now from the cases they span (one indexed read per quarter).
 */
async function casesPage(deps: DashboardDeps, c: ViewContext, query: Query, data: ViewData): Promise<string> {
  const q = data.quarter;
  const buildings = [
    ...new Set(data.quarters.flatMap((s: QuarterSnapshot) => Object.keys(s.cases.byBuilding))),
  ].sort((a, b) => a.localeCompare(b, 'en', { numeric: true }));
  const filter = caseListFilterOf(query as Record<string, unknown>);
  const narrowed = filter.from || filter.to || filter.building;
  const picker = casesFilter(c, query, buildings);
  if (narrowed) {
    const scope: CaseListFilter = { from: filter.from, to: filter.to, building: filter.building };
    const cases = await listCases({ ...deps, slaPolicy: c.policy }, scope);
    const tallies = { ...tallyCases(cases), total: cases.length };
    const hrefScope = { from: filter.from, to: filter.to, building: filter.building };
    return `${picker}<p class="muted">${escapeHtml(c.tr('filtered', { count: cases.length }))}</p>${casesView(c, data, tallies, hrefScope, describeFilter(c, scope))}`;
  }
  if (!q) return `${picker}<p>${escapeHtml(c.tr('noQuarter'))}</p>`;
  const months: Record<string, number> = {};
  for (const s of data.quarters)
    for (const [m, n] of Object.entries(s.cases.byMonth)) months[m] = (months[m] ?? 0) + n;
  const tallies = { ...q.cases, byMonth: months };
  // Months span every quarter: their bars open the month alone.
  const view = casesView(c, data, tallies, { quarter: q.quarter }, `${c.tr('cases')} · ${q.quarter}`, {});
  return `${picker}${quarterLinks('/cases', c, data.quarters, q.quarter)}${view}`;
}

/** What a list is of, in words: "Cases · 2026Q4 · Building 3 · Equipment". */
function describeFilter(c: ViewContext, filter: CaseListFilter): string {
  const parts = [c.tr('cases')];
  if (filter.quarter) parts.push(filter.quarter);
  if (filter.month) parts.push(filter.month);
  if (filter.from || filter.to) parts.push(`${filter.from ?? '…'} – ${filter.to ?? '…'}`);
  if (filter.building)
    parts.push(filter.building === 'unknown' ? c.tr('noBuilding') : `${c.tr('building')} ${filter.building}`);
  for (const value of [filter.kind, filter.intent, filter.category, filter.age])
    if (value) parts.push(label(value, c.language));
  if (filter.open) parts.push(c.tr('listOpen'));
  if (filter.deadline && filter.outcome)
    parts.push(`${label(filter.deadline, c.language)}: ${label(filter.outcome, c.language)}`);
  if (filter.rating) parts.push(`${filter.rating}★`);
  return parts.join(' · ');
}
