import { Readable } from 'node:stream';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Language } from '../../services/i18n/text';
import { casesCsv, surveysCsv } from '../../services/reports/csv-export';
import { buildQuarterlyReport } from '../../services/reports/quarterly-report';
import { renderReportMarkdown } from '../../services/reports/report-sections';
import { isQuarter, previousQuarter } from '../../services/reports/report-service';
import { DEFAULT_SLA_POLICY } from '../../services/tickets/sla';
import { escapeHtml, type AdminUser } from './admin-access';
import { dashboardPage, quarterLinks, viewContextOf, type DashboardDeps, type Query } from './dashboard-page';
import { renderReportFragment, renderReportHtml } from './dashboard-report';
import { pageLanguage, sendPage } from './staff-pages';

/** The quarterly report (default: the quarter that ended last), with its previous quarter and the live snapshot. */
async function reportOf(deps: DashboardDeps, query: Query) {
  const quarters = await deps.reports.quarters();
  const chosen =
    query.quarter && isQuarter(query.quarter)
      ? query.quarter
      : previousQuarter(deps.reports.currentQuarter());
  const current = quarters.find((q) => q.quarter === chosen) ?? quarters[quarters.length - 1];
  const previous = current ? quarters.find((q) => q.quarter === previousQuarter(current.quarter)) : undefined;
  return {
    quarters,
    report: buildQuarterlyReport(current, previous, await deps.reports.live(), deps.timeZone),
  };
}

/** GET /dashboard/report: the report in the page, or downloaded as Markdown or HTML. */
export function registerReportRoute(scope: FastifyInstance, deps: DashboardDeps): void {
  scope.get('/dashboard/report', async (request, reply) => {
    const language = pageLanguage(request, reply, deps.language ?? 'zh');
    const context = viewContextOf(deps, language, deps.slaPolicy ?? DEFAULT_SLA_POLICY);
    const query = request.query as Query;
    const { quarters, report } = await reportOf(deps, query);
    if (query.format === 'md' || query.format === 'html') {
      if (!report) return reply.status(404).send({ error: 'no_report' });
      const markdown = query.format === 'md';
      return reply
        .header('content-type', markdown ? 'text/markdown; charset=utf-8' : 'text/html; charset=utf-8')
        .header(
          'content-disposition',
          `attachment; filename="ownerbot-report-${report.quarter}.${markdown ? 'md' : 'html'}"`,
        )
        .send(markdown ? renderReportMarkdown(report, language) : renderReportHtml(report, language));
    }
    const live = await deps.reports.live();
    const links = report
      ? `<p><a href="/dashboard/report?quarter=${report.quarter}&amp;format=md">${escapeHtml(context.tr('downloadMd'))}</a> · <a href="/dashboard/report?quarter=${report.quarter}&amp;format=html">${escapeHtml(context.tr('downloadHtml'))}</a></p>`
      : '';
    const body = report
      ? `${quarterLinks('/report', context, quarters, report.quarter)}${links}${renderReportFragment(report, language, context.caseHref)}`
      : `<p>${escapeHtml(context.tr('notYet'))}</p>`;
    return sendPage(reply, 200, dashboardPage(deps, request, reply, 'report', live, body));
  });
}

/** The export forms and the CSV downloads (phones masked unless an admin types PHONES). */
export function registerExportRoutes(scope: FastifyInstance, deps: DashboardDeps): void {
  scope.get('/dashboard/exports', async (request, reply) => {
    const language = pageLanguage(request, reply, deps.language ?? 'zh');
    const context = viewContextOf(deps, language, deps.slaPolicy ?? DEFAULT_SLA_POLICY);
    const t = (key: Parameters<typeof context.tr>[0]) => escapeHtml(context.tr(key));
    const csrf = escapeHtml(deps.access.csrfTokenFor(deps.access.userOf(request) as AdminUser));
    const quarters = await deps.reports.quarters();
    const options = `<option value="">${t('allQuarters')}</option>${quarters.map((q) => `<option value="${q.quarter}">${q.quarter}</option>`).join('')}`;
    const form = (kind: 'cases' | 'surveys') =>
      `<form class="export" method="post" action="/dashboard/exports/${kind}.csv"><input type="hidden" name="csrf" value="${csrf}"><h3>${t(kind === 'cases' ? 'casesCsv' : 'surveysCsv')}</h3><label>${t('quarter')} <select name="quarter" aria-label="${kind} quarter">${options}</select></label><p class="muted">${t('masked')}</p><label><input type="text" name="confirmPhones" aria-label="${kind} phones" size="8"> ${t('withPhones')}</label><p><button>${t('download')}</button></p></form>`;
    const body = `<h2>${t('exports')}</h2>${form('cases')}${form('surveys')}`;
    return sendPage(
      reply,
      200,
      dashboardPage(deps, request, reply, 'exports', await deps.reports.live(), body),
    );
  });
  for (const kind of ['cases', 'surveys'] as const) {
    scope.get(`/dashboard/exports/${kind}.csv`, (request, reply) =>
      sendCsv(deps, kind, request, reply, { quarter: (request.query as Query).quarter ?? '' }),
    );
    scope.post(`/dashboard/exports/${kind}.csv`, (request, reply) => {
      const form = (request.body ?? {}) as Record<string, string>;
      if (!deps.access.allowsAction(request, deps.access.userOf(request) as AdminUser, form.csrf))
        return deps.access.refuseForgery(reply);
      return sendCsv(deps, kind, request, reply, form);
    });
  }
}

async function sendCsv(
  deps: DashboardDeps,
  kind: 'cases' | 'surveys',
  request: FastifyRequest,
  reply: FastifyReply,
  form: Record<string, string>,
) {
  const user = deps.access.userOf(request) as AdminUser;
  const language: Language = pageLanguage(request, reply, deps.language ?? 'zh');
  const context = viewContextOf(deps, language, deps.slaPolicy ?? DEFAULT_SLA_POLICY);
  const wantsPhones = (form.confirmPhones ?? '').trim() !== '';
  if (wantsPhones && form.confirmPhones?.trim().toUpperCase() !== 'PHONES')
    return reply.redirect(`/dashboard/exports?error=${encodeURIComponent(context.tr('confirmNeeded'))}`, 303);
  const quarter = form.quarter && isQuarter(form.quarter) ? form.quarter : undefined;
  // Who took full phone numbers is worth knowing later; the numbers themselves are never logged.
  if (wantsPhones)
    deps.logger?.warn({ export: kind, user: user.id, quarter }, 'Export with full phone numbers');
  const options = {
    connection: deps.connection,
    clock: deps.clock,
    withPhones: wantsPhones,
    language,
    slaPolicy: deps.slaPolicy ?? DEFAULT_SLA_POLICY,
    timeZone: deps.timeZone,
    ...(quarter ? { quarter } : {}),
  };
  return reply
    .header('content-type', 'text/csv; charset=utf-8')
    .header('cache-control', 'no-store')
    .header(
      'content-disposition',
      `attachment; filename="ownerbot-${kind}${quarter ? `-${quarter}` : ''}.csv"`,
    )
    .send(Readable.from(kind === 'cases' ? casesCsv(options) : surveysCsv(options)));
}
