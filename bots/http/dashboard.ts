import { Readable } from 'node:stream';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Connection } from 'mongoose';
import type { Clock } from '../../services/clock';
import type { Language, LocalizedText } from '../../services/i18n/text';
import type { Logger } from '../../services/logging/logger';
import { AGE_BUCKETS } from '../../services/reports/case-facts';
import { casesCsv, surveysCsv } from '../../services/reports/csv-export';
import { buildQuarterlyReport } from '../../services/reports/quarterly-report';
import { renderReportMarkdown } from '../../services/reports/report-sections';
import { RELATIONSHIP_STAGES, STAGE_RULE } from '../../services/reports/relationship-stage';
import { isQuarter, previousQuarter, type ReportService } from '../../services/reports/report-service';
import type { LiveSnapshot, QuarterSnapshot, Tally } from '../../services/reports/report-snapshots';
import { duration, fixed, label, percent } from '../../services/reports/report-texts';
import { SURVEY_DIMENSIONS } from '../../services/surveys/survey-model';
import { DEFAULT_SLA_POLICY, SLA_CLASSES, type SlaPolicy } from '../../services/tickets/sla';
import { escapeHtml, type AdminAccess, type AdminUser } from './admin-access';
import { barChart, columnChart, lineChart, stackedChart } from './dashboard-charts';
import { REPORT_STYLE, htmlTable, renderReportFragment, renderReportHtml } from './dashboard-report';

export interface DashboardDeps {
  /** Who may use the dashboard (shared with the desk). */
  access: AdminAccess;
  reports: ReportService;
  connection: Connection;
  clock: Clock;
  timeZone: string;
  slaPolicy?: SlaPolicy;
  logger?: Logger;
}

const T = {
  title: { zh: '管理看板', en: 'Management dashboard' },
  satisfaction: { zh: '满意度', en: 'Satisfaction' },
  cases: { zh: '工单', en: 'Cases' },
  sla: { zh: '时效', en: 'SLA' },
  returnVisits: { zh: '回访', en: 'Return visits' },
  open: { zh: '未结工单', en: 'Open cases' },
  owners: { zh: '业主关系', en: 'Owner relationships' },
  report: { zh: '季度报告', en: 'Quarterly report' },
  exports: { zh: '导出', en: 'Exports' },
  asOf: { zh: '数据截至 {time}', en: 'As of {time}' },
  refresh: { zh: '立即刷新', en: 'Refresh now' },
  refreshing: { zh: '正在刷新，稍后重新载入本页。', en: 'Refreshing; reload this page in a moment.' },
  notYet: {
    zh: '报表尚未生成：已开始计算，请稍后刷新本页。',
    en: 'No report computed yet: the first refresh has started, reload in a moment.',
  },
  demo: {
    zh: '演示数据：湖畔花园是虚构小区，业主均为虚构（npx ownerbot demo seed）。',
    en: 'Demo data: Lakeside Garden is a fictional estate and every owner in it is fictional (npx ownerbot demo seed).',
  },
  quarter: { zh: '季度', en: 'Quarter' },
  indexTrend: {
    zh: '各维度满意度指数（感知 ÷ 期望）',
    en: 'Satisfaction index per dimension (perceived ÷ expectation)',
  },
  expectationMet: { zh: '1.0 = 达到期望', en: '1.0 = expectation met' },
  overallTrend: { zh: '总体评分（1–5）与综合指数', en: 'Overall score (1–5) and overall index' },
  overallScore: { zh: '总体评分', en: 'Overall score' },
  overallIndex: { zh: '综合指数', en: 'Overall index' },
  responseRate: { zh: '问卷回复率', en: 'Survey response rate' },
  dimension: { zh: '维度', en: 'Dimension' },
  perceived: { zh: '感知均分', en: 'Mean perceived' },
  expectation: { zh: '期望均分', en: 'Mean expectation' },
  index: { zh: '指数', en: 'Index' },
  answers: { zh: '答卷', en: 'Answers' },
  byIntent: { zh: '按意图', en: 'By intent' },
  byCategory: { zh: '按类别', en: 'By category' },
  byBuilding: { zh: '按楼栋', en: 'By building' },
  byMonth: { zh: '按月份（全部季度）', en: 'By month (every quarter)' },
  building: { zh: '楼栋', en: 'Building' },
  ackShare: { zh: '首次响应是否达标（按季度）', en: 'First response against SLA, per quarter' },
  resolveShare: { zh: '处理时长是否达标（按季度）', en: 'Resolution against SLA, per quarter' },
  timesTitle: { zh: '响应与处理时长', en: 'Response and resolution times' },
  median: { zh: '中位数', en: 'Median' },
  p90: { zh: '90分位', en: '90th percentile' },
  firstResponse: { zh: '首次响应', en: 'First response' },
  resolution: { zh: '处理时长', en: 'Resolution' },
  slaClass: { zh: '时限类别', en: 'SLA class' },
  target: { zh: '目标', en: 'Target' },
  breachedCount: { zh: '超时数', en: 'Breached' },
  total: { zh: '合计', en: 'Total' },
  ratings: { zh: '回访评分分布', en: 'Return-visit ratings' },
  ratingTrend: { zh: '回访平均评分（按季度）', en: 'Mean return-visit rating per quarter' },
  rated: { zh: '已评分 {rated} / 已办结 {resolved}', en: '{rated} rated of {resolved} resolved' },
  lowRatings: { zh: '低分回访（1–2 分）', en: 'Low return-visit ratings (1–2)' },
  rating: { zh: '评分', en: 'Rating' },
  comment: { zh: '意见', en: 'Comment' },
  reference: { zh: '编号', en: 'Reference' },
  openByAge: { zh: '未结工单账龄', en: 'Open cases by age' },
  oldest: { zh: '最久未结', en: 'Oldest open cases' },
  opened: { zh: '创建', en: 'Opened' },
  staff: { zh: '负责人', en: 'Staff owner' },
  status: { zh: '状态', en: 'Status' },
  kind: { zh: '类型', en: 'Kind' },
  stages: { zh: '业主关系阶段', en: 'Owner relationship stages' },
  atRisk: { zh: '风险业主（退化期），请安排上门回访', en: 'At-risk owners (degradation): visit them' },
  owner: { zh: '业主', en: 'Owner' },
  unit: { zh: '房号', en: 'Unit' },
  reasons: { zh: '原因', en: 'Reasons' },
  scores: { zh: '最近/上次评分', en: 'Latest / previous score' },
  complaints90: { zh: '90天投诉', en: 'Complaints (90 d)' },
  tenure: { zh: '天数', en: 'Days' },
  rule: {
    zh: '规则：出现任一风险原因即为退化期（上次到最近总体评分下降 ≥{drop} 分；最近评分 ≤{low}；90 天内投诉 ≥{frequent} 次；180 天内有工单被重开）；否则登记不足 {investigation} 天为考察期；满 {stability} 天、180 天内无投诉且最近评分 ≥{stable}（或未评）为稳定期；其余为形成期。',
    en: 'Rule: degradation when any risk reason holds (overall score fell by {drop}+ between the last two answered surveys; latest score {low} or less; {frequent}+ complaints in 90 days; a case reopened in 180 days); otherwise investigation under {investigation} days; stability after {stability} days with no complaint in 180 days and a latest score of {stable}+ (or none); formation in between.',
  },
  showing: { zh: '显示 {shown} / 共 {total}', en: 'showing {shown} of {total}' },
  downloadMd: { zh: '下载 Markdown', en: 'Download Markdown' },
  downloadHtml: { zh: '下载 HTML', en: 'Download HTML' },
  noQuarter: { zh: '该季度没有数据。', en: 'No figures for this quarter.' },
  casesCsv: { zh: '工单 CSV（每个工单一行）', en: 'Cases CSV (one row per case)' },
  surveysCsv: { zh: '问卷 CSV（每道已答题一行）', en: 'Survey CSV (one row per answered question)' },
  allQuarters: { zh: '全部季度', en: 'every quarter' },
  masked: { zh: '电话号码已脱敏（只显示后四位）。', en: 'Phone numbers are masked (last four digits only).' },
  withPhones: {
    zh: '导出完整电话号码（仅限管理员，会记录日志）：请输入 PHONES 确认',
    en: 'Export full phone numbers (admins only, logged): type PHONES to confirm',
  },
  download: { zh: '下载', en: 'Download' },
  confirmNeeded: {
    zh: '请输入 PHONES 以确认导出完整电话号码。',
    en: 'Type PHONES to confirm exporting full phone numbers.',
  },
} satisfies Record<string, LocalizedText>;

const STYLE = `${REPORT_STYLE}
body{margin:0;background:#f8fafc}header{background:#0f766e;color:#fff;padding:12px 24px}header h1{margin:0;font-size:20px;color:#fff}
header a{color:#ccfbf1}nav{display:flex;flex-wrap:wrap;gap:4px;margin-top:8px}nav a{padding:4px 10px;border-radius:6px;text-decoration:none;color:#fff;background:#115e59}
nav a.on{background:#fff;color:#0f766e;font-weight:600}.bar{display:flex;gap:16px;align-items:center;flex-wrap:wrap;font-size:13px;margin-top:6px}
main{max-width:1080px;margin:16px auto;padding:0 16px}.grid2{display:grid;grid-template-columns:repeat(auto-fit,minmax(460px,1fr));gap:16px}
.chart{background:#fff;border:1px solid #e5e7eb;border-radius:10px;margin:0;padding:8px}.chart figcaption{font-size:13px;color:#374151;padding:4px 8px}
.tiles{display:flex;gap:12px;flex-wrap:wrap;margin:12px 0}.tile{background:#fff;border:1px solid #e5e7eb;border-radius:10px;padding:10px 16px;min-width:150px}
.tile b{display:block;font-size:24px;color:#0f766e}.tick{font-size:11px;fill:#6b7280}.value{font-size:11px;fill:#111827}.legend{font-size:12px;fill:#374151}
.grid{stroke:#e5e7eb}.reference{stroke:#9ca3af;stroke-dasharray:4 4}.quarters a{margin-right:8px}.quarters a.on{font-weight:700}
button{font:inherit;background:#0f766e;color:#fff;border:0;border-radius:6px;padding:4px 12px;cursor:pointer}header button{background:#fff;color:#0f766e}
form.export{background:#fff;border:1px solid #e5e7eb;border-radius:10px;padding:12px 16px;margin:12px 0}input,select{font:inherit}
.error{background:#fee2e2;color:#991b1b;padding:8px 12px;border-radius:8px}`;

const VIEWS = [
  ['', 'satisfaction'],
  ['/cases', 'cases'],
  ['/sla', 'sla'],
  ['/return-visits', 'returnVisits'],
  ['/open', 'open'],
  ['/owners', 'owners'],
  ['/report', 'report'],
  ['/exports', 'exports'],
] as const;
type ViewKey = (typeof VIEWS)[number][1];

interface Query {
  lang?: string;
  quarter?: string;
  format?: string;
  error?: string;
  refreshed?: string;
}

/**
 * The managers' dashboard at /dashboard: one page per view, each drawn from the report
 * snapshots alone (a dozen small documents), so a view answers in milliseconds whatever the
 * size of the estate; the quarterly report; CSV exports (phones masked unless an admin
 * confirms). Behind ADMIN_TOKEN like the desk. Bilingual: `?lang=en` or `?lang=zh`.
 */
export function registerDashboard(server: FastifyInstance, deps: DashboardDeps): void {
  const { access } = deps;
  const policy = deps.slaPolicy ?? DEFAULT_SLA_POLICY;
  const languageOf = (request: FastifyRequest): Language =>
    (request.query as Query).lang === 'en' ? 'en' : 'zh';
  const tr = (key: keyof typeof T, language: Language, values: Record<string, string | number> = {}) =>
    T[key][language].replace(/\{(\w+)\}/g, (m, name: string) => (name in values ? String(values[name]) : m));
  const clockTime = (at: Date) =>
    new Intl.DateTimeFormat('sv-SE', {
      timeZone: deps.timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
    }).format(at);

  /** The hidden field every dashboard form posts, so another site cannot post them. */
  const csrfField = (request: FastifyRequest) =>
    `<input type="hidden" name="csrf" value="${escapeHtml(access.csrfTokenFor(access.userOf(request) as AdminUser))}">`;

  function page(
    request: FastifyRequest,
    reply: FastifyReply,
    view: ViewKey,
    language: Language,
    live: LiveSnapshot | undefined,
    body: string,
    query: Query,
  ) {
    const path = VIEWS.find(([, key]) => key === view)?.[0] ?? '';
    const other: Language = language === 'zh' ? 'en' : 'zh';
    const keep = query.quarter && isQuarter(query.quarter) ? `&quarter=${query.quarter}` : '';
    const nav = VIEWS.map(
      ([p, key]) =>
        `<a href="/dashboard${p}?lang=${language}"${key === view ? ' class="on"' : ''}>${escapeHtml(tr(key, language))}</a>`,
    ).join('');
    const asOf = live
      ? `<span>${escapeHtml(tr('asOf', language, { time: clockTime(live.computedAt) }))}</span>`
      : '';
    const notice = query.refreshed
      ? `<p class="muted">${escapeHtml(tr('refreshing', language))}</p>`
      : query.error
        ? `<p class="error">${escapeHtml(query.error)}</p>`
        : '';
    const demo = live?.scope === 'demo' ? `<p class="demo">${escapeHtml(tr('demo', language))}</p>` : '';
    return reply
      .status(200)
      .header('content-type', 'text/html; charset=utf-8')
      .header('cache-control', 'no-store')
      .send(
        `<!doctype html><html lang="${language === 'zh' ? 'zh-CN' : 'en'}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><link rel="icon" href="data:,"><title>${escapeHtml(tr(view, language))} · ${escapeHtml(tr('title', language))}</title><style>${STYLE}</style></head><body>` +
          `<header><h1>${escapeHtml(tr('title', language))}</h1><div class="bar">${asOf}<form method="post" action="/dashboard/refresh?lang=${language}&amp;back=${encodeURIComponent(path)}">${csrfField(request)}<button>${escapeHtml(tr('refresh', language))}</button></form><a href="/dashboard${path}?lang=${other}${keep}">${other === 'en' ? 'English' : '中文'}</a></div><nav>${nav}</nav></header>` +
          `<main>${demo}${notice}${body}</main></body></html>`,
      );
  }

  /** The snapshots a view reads; the first visit on a fresh database starts the first refresh. */
  async function snapshots(): Promise<{ live: LiveSnapshot | undefined; quarters: QuarterSnapshot[] }> {
    const [live, quarters] = await Promise.all([deps.reports.live(), deps.reports.quarters()]);
    if (!live && !deps.reports.refreshing) startRefresh();
    return { live, quarters };
  }

  function startRefresh(): void {
    deps.reports
      .refresh()
      .catch((error: unknown) => deps.logger?.error({ err: error }, 'Report refresh failed'));
  }

  const pickQuarter = (query: Query, quarters: QuarterSnapshot[]): QuarterSnapshot | undefined => {
    if (query.quarter && isQuarter(query.quarter)) return quarters.find((q) => q.quarter === query.quarter);
    const current = deps.reports.currentQuarter();
    return quarters.find((q) => q.quarter === current) ?? quarters[quarters.length - 1];
  };

  const quarterLinks = (path: string, language: Language, quarters: QuarterSnapshot[], chosen?: string) =>
    `<p class="quarters">${escapeHtml(tr('quarter', language))}: ${quarters
      .map(
        (q) =>
          `<a href="/dashboard${path}?lang=${language}&amp;quarter=${q.quarter}"${q.quarter === chosen ? ' class="on"' : ''}>${q.quarter}</a>`,
      )
      .join('')}</p>`;

  const tallyItems = (tally: Tally, language: Language) =>
    Object.entries(tally).map(([key, value]) => ({ label: label(key, language), value }));

  const table = (head: string[], rows: string[][]) => htmlTable(head, rows, '—');

  const views: Record<
    Exclude<ViewKey, 'exports' | 'report'>,
    (language: Language, data: { live?: LiveSnapshot; quarters: QuarterSnapshot[] }, query: Query) => string
  > = {
    satisfaction(language, { quarters }) {
      const surveyed = quarters.filter((q) => (q.satisfaction?.responses.sent ?? 0) > 0);
      const labels = surveyed.map((q) => q.quarter);
      const latest = surveyed[surveyed.length - 1];
      const before = surveyed[surveyed.length - 2];
      const tile = (name: string, value: string, was?: string) =>
        `<div class="tile">${escapeHtml(name)}<b>${escapeHtml(value)}</b>${was ? `<span class="muted">${escapeHtml(was)}</span>` : ''}</div>`;
      const tiles = latest
        ? `<div class="tiles">${tile(`${tr('overallIndex', language)} ${latest.quarter}`, fixed(latest.satisfaction.overallIndex), before ? `${before.quarter}: ${fixed(before.satisfaction.overallIndex)}` : '')}${tile(`${tr('overallScore', language)} ${latest.quarter}`, fixed(latest.satisfaction.overallScore.mean), before ? `${before.quarter}: ${fixed(before.satisfaction.overallScore.mean)}` : '')}${tile(`${tr('responseRate', language)} ${latest.quarter}`, percent(latest.satisfaction.responses.rate), `${latest.satisfaction.responses.completed} / ${latest.satisfaction.responses.sent}`)}</div>`
        : '';
      const charts = `<div class="grid2">${lineChart({
        title: tr('indexTrend', language),
        labels,
        series: SURVEY_DIMENSIONS.map((d) => ({
          label: label(d, language),
          values: surveyed.map((q) => q.satisfaction.dimensions[d]?.index ?? null),
        })),
        min: 0.4,
        max: 1.4,
        format: (n) => n.toFixed(2),
        reference: { value: 1, label: tr('expectationMet', language) },
      })}${lineChart({
        title: tr('overallTrend', language),
        labels,
        series: [
          {
            label: tr('overallScore', language),
            values: surveyed.map((q) => q.satisfaction.overallScore.mean),
          },
          {
            label: `${tr('overallIndex', language)} ×5`,
            values: surveyed.map((q) =>
              q.satisfaction.overallIndex === null ? null : q.satisfaction.overallIndex * 5,
            ),
          },
        ],
        min: 1,
        max: 5,
        format: (n) => n.toFixed(1),
      })}${columnChart({
        title: tr('responseRate', language),
        items: surveyed.map((q) => ({ label: q.quarter, value: q.satisfaction.responses.rate ?? 0 })),
        format: (n) => `${Math.round(n * 100)}%`,
      })}</div>`;
      const rows = latest
        ? SURVEY_DIMENSIONS.map((d) => {
            const s = latest.satisfaction.dimensions[d];
            const m = (p: { sum: number; count: number }) => (p.count ? fixed(p.sum / p.count) : '—');
            return [
              label(d, language),
              m(s.perceived),
              m(s.expectation),
              fixed(s.index),
              String(s.perceived.count),
            ];
          })
        : [];
      return `<h2>${escapeHtml(tr('satisfaction', language))}</h2>${tiles}${charts}${latest ? `<h3>${escapeHtml(latest.quarter)}</h3>` : ''}${table(
        [
          tr('dimension', language),
          tr('perceived', language),
          tr('expectation', language),
          tr('index', language),
          tr('answers', language),
        ],
        rows,
      )}`;
    },

    cases(language, { quarters }, query) {
      const q = pickQuarter(query, quarters);
      const months = new Map<string, number>();
      for (const s of quarters)
        for (const [m, n] of Object.entries(s.cases.byMonth)) months.set(m, (months.get(m) ?? 0) + n);
      const monthItems = [...months]
        .sort((a, b) => a[0].localeCompare(b[0]))
        .slice(-12)
        .map(([m, n]) => ({ label: m, value: n, color: '#d97706' }));
      if (!q) return `<p>${escapeHtml(tr('noQuarter', language))}</p>`;
      return `<h2>${escapeHtml(tr('cases', language))} · ${q.quarter} (${q.cases.total})</h2>${quarterLinks('/cases', language, quarters, q.quarter)}<div class="grid2">${barChart({ title: `${tr('byIntent', language)} · ${q.quarter}`, items: tallyItems(q.cases.byIntent, language) })}${barChart({ title: `${tr('byCategory', language)} · ${q.quarter}`, items: tallyItems(q.cases.byCategory, language), color: '#0f766e' })}${columnChart(
        {
          title: `${tr('byBuilding', language)} · ${q.quarter}`,
          items: Object.entries(q.cases.byBuilding)
            .sort((a, b) => a[0].localeCompare(b[0], 'en', { numeric: true }))
            .map(([b, n]) => ({ label: `${tr('building', language)} ${b}`, value: n, color: '#2563eb' })),
        },
      )}${columnChart({ title: tr('byMonth', language), items: monthItems })}</div>`;
    },

    sla(language, { quarters }, query) {
      const q = pickQuarter(query, quarters);
      const labels = quarters.map((s) => s.quarter);
      const share = (deadline: 'acknowledge' | 'resolve', title: string) =>
        stackedChart({
          title,
          labels,
          share: true,
          stacks: (['met', 'breached', 'pending'] as const).map((outcome, i) => ({
            label: label(outcome, language),
            values: quarters.map((s) => s.sla[deadline][outcome]),
            color: ['#059669', '#dc2626', '#9ca3af'][i] as string,
          })),
        });
      const charts = `<div class="grid2">${share('acknowledge', tr('ackShare', language))}${share('resolve', tr('resolveShare', language))}</div>`;
      if (!q) return charts;
      const times = table(
        ['', tr('median', language), tr('p90', language), tr('total', language)],
        [
          [
            tr('firstResponse', language),
            duration(q.sla.firstResponseMinutes.median, language),
            duration(q.sla.firstResponseMinutes.p90, language),
            String(q.sla.firstResponseMinutes.count),
          ],
          [
            tr('resolution', language),
            duration(q.sla.resolutionMinutes.median, language),
            duration(q.sla.resolutionMinutes.p90, language),
            String(q.sla.resolutionMinutes.count),
          ],
        ],
      );
      const classes = table(
        [
          tr('slaClass', language),
          `${tr('target', language)} (${tr('firstResponse', language)})`,
          `${tr('target', language)} (${tr('resolution', language)})`,
          `${tr('breachedCount', language)} (${tr('firstResponse', language)})`,
          `${tr('breachedCount', language)} (${tr('resolution', language)})`,
          tr('total', language),
        ],
        SLA_CLASSES.filter((c) => q.sla.byClass[c]).map((c) => {
          const s = q.sla.byClass[c] as {
            acknowledgeBreached: number;
            resolveBreached: number;
            total: number;
          };
          return [
            label(c, language),
            duration(policy.acknowledgeMinutes[c], language),
            duration(policy.resolveMinutes[c], language),
            String(s.acknowledgeBreached),
            String(s.resolveBreached),
            String(s.total),
          ];
        }),
      );
      return `<h2>${escapeHtml(tr('sla', language))}</h2>${charts}<h3>${escapeHtml(tr('timesTitle', language))} · ${q.quarter}</h3>${quarterLinks('/sla', language, quarters, q.quarter)}${times}${classes}`;
    },

    returnVisits(language, { quarters }, query) {
      const q = pickQuarter(query, quarters);
      const trend = lineChart({
        title: tr('ratingTrend', language),
        labels: quarters.map((s) => s.quarter),
        series: [
          {
            label: tr('rating', language),
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
        title: `${tr('ratings', language)} · ${q.quarter}`,
        items: ['1', '2', '3', '4', '5'].map((r, i) => ({
          label: `${r}★`,
          value: q.returnVisits.byRating[r] ?? 0,
          color: ['#dc2626', '#f97316', '#eab308', '#84cc16', '#059669'][i] as string,
        })),
      });
      return `<h2>${escapeHtml(tr('returnVisits', language))} · ${q.quarter}</h2>${quarterLinks('/return-visits', language, quarters, q.quarter)}<p class="muted">${escapeHtml(tr('rated', language, { rated: q.returnVisits.rated, resolved: q.returnVisits.resolved }))}</p><div class="grid2">${ratings}${trend}</div><h3>${escapeHtml(tr('lowRatings', language))}</h3>${table(
        [
          tr('reference', language),
          tr('building', language),
          tr('rating', language),
          tr('comment', language),
        ],
        q.returnVisits.low.map((l) => [l.reference, l.building, String(l.rating), l.comment]),
      )}`;
    },

    open(language, { live }) {
      if (!live) return `<p>${escapeHtml(tr('notYet', language))}</p>`;
      return `<h2>${escapeHtml(tr('open', language))} (${live.openCases.total})</h2><div class="grid2">${columnChart(
        {
          title: tr('openByAge', language),
          items: AGE_BUCKETS.map((b, i) => ({
            label: label(b.key, language),
            value: live.openCases.byAge[b.key] ?? 0,
            color: ['#059669', '#84cc16', '#eab308', '#f97316', '#dc2626'][i] as string,
          })),
        },
      )}</div><h3>${escapeHtml(tr('oldest', language))}</h3>${table(
        [
          tr('reference', language),
          tr('kind', language),
          tr('building', language),
          tr('staff', language),
          tr('status', language),
          tr('opened', language),
        ],
        live.openCases.oldest.map((c) => [
          c.reference,
          label(c.kind, language),
          c.building,
          c.assigneeName || '—',
          label(c.status, language),
          clockTime(new Date(c.createdAt)),
        ]),
      )}`;
    },

    owners(language, { live }) {
      if (!live) return `<p>${escapeHtml(tr('notYet', language))}</p>`;
      const shown = live.atRisk.owners.length;
      return `<h2>${escapeHtml(tr('owners', language))}</h2><div class="grid2">${columnChart({
        title: tr('stages', language),
        items: RELATIONSHIP_STAGES.map((s, i) => ({
          label: label(s, language),
          value: live.stages[s] ?? 0,
          color: ['#2563eb', '#7c3aed', '#059669', '#dc2626'][i] as string,
        })),
      })}</div><p class="muted">${escapeHtml(
        tr('rule', language, {
          drop: STAGE_RULE.dropPoints,
          low: STAGE_RULE.lowScore,
          frequent: STAGE_RULE.frequentComplaints,
          investigation: STAGE_RULE.investigationDays,
          stability: STAGE_RULE.stabilityDays,
          stable: STAGE_RULE.stableScore,
        }),
      )}</p><h3>${escapeHtml(tr('atRisk', language))} (${live.atRisk.total})</h3>${table(
        [
          tr('owner', language),
          tr('building', language),
          tr('unit', language),
          tr('reasons', language),
          tr('scores', language),
          tr('complaints90', language),
          tr('tenure', language),
        ],
        live.atRisk.owners.map((o) => [
          o.name,
          o.building,
          o.unit,
          o.reasons.map((r) => label(r, language)).join(', '),
          `${o.latestScore ?? '—'} / ${o.previousScore ?? '—'}`,
          String(o.complaints90d),
          String(o.tenureDays),
        ]),
      )}${shown < live.atRisk.total ? `<p class="muted">${escapeHtml(tr('showing', language, { shown, total: live.atRisk.total }))}</p>` : ''}`;
    },
  };

  async function reportOf(query: Query) {
    const quarters = await deps.reports.quarters();
    const chosen =
      query.quarter && isQuarter(query.quarter)
        ? query.quarter
        : previousQuarter(deps.reports.currentQuarter());
    const current = quarters.find((q) => q.quarter === chosen) ?? quarters[quarters.length - 1];
    const previous = current
      ? quarters.find((q) => q.quarter === previousQuarter(current.quarter))
      : undefined;
    return { quarters, report: buildQuarterlyReport(current, previous, await deps.reports.live()) };
  }

  server.register(async (scope) => {
    scope.addContentTypeParser(
      'application/x-www-form-urlencoded',
      { parseAs: 'string' },
      (_request, body, done) => done(null, Object.fromEntries(new URLSearchParams(body as string))),
    );
    scope.addHook('preHandler', access.requireSignIn('Dashboard · 管理看板', 'ownerbot dashboard'));

    for (const [path, key] of VIEWS) {
      if (key === 'exports' || key === 'report') continue;
      scope.get(`/dashboard${path}`, async (request, reply) => {
        const language = languageOf(request);
        const query = request.query as Query;
        const data = await snapshots();
        const body =
          data.live || data.quarters.length
            ? views[key](language, data, query)
            : `<p>${escapeHtml(tr('notYet', language))}</p>`;
        return page(request, reply, key, language, data.live, body, query);
      });
    }

    scope.get('/dashboard/report', async (request, reply) => {
      const language = languageOf(request);
      const query = request.query as Query;
      const { quarters, report } = await reportOf(query);
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
      if (!live && !deps.reports.refreshing) startRefresh();
      const links = report
        ? `<p><a href="/dashboard/report?lang=${language}&amp;quarter=${report.quarter}&amp;format=md">${escapeHtml(tr('downloadMd', language))}</a> · <a href="/dashboard/report?lang=${language}&amp;quarter=${report.quarter}&amp;format=html">${escapeHtml(tr('downloadHtml', language))}</a></p>`
        : '';
      const body = report
        ? `${quarterLinks('/report', language, quarters, report.quarter)}${links}${renderReportFragment(report, language)}`
        : `<p>${escapeHtml(tr('notYet', language))}</p>`;
      return page(request, reply, 'report', language, live, body, query);
    });

    scope.get('/dashboard/exports', async (request, reply) => {
      const language = languageOf(request);
      const query = request.query as Query;
      const quarters = await deps.reports.quarters();
      const options = `<option value="">${escapeHtml(tr('allQuarters', language))}</option>${quarters
        .map((q) => `<option value="${q.quarter}">${q.quarter}</option>`)
        .join('')}`;
      const form = (kind: 'cases' | 'surveys') =>
        `<form class="export" method="post" action="/dashboard/exports/${kind}.csv?lang=${language}">${csrfField(request)}<h3>${escapeHtml(tr(kind === 'cases' ? 'casesCsv' : 'surveysCsv', language))}</h3><label>${escapeHtml(tr('quarter', language))} <select name="quarter" aria-label="${kind} quarter">${options}</select></label><p class="muted">${escapeHtml(tr('masked', language))}</p><label><input type="text" name="confirmPhones" aria-label="${kind} phones" size="8"> ${escapeHtml(tr('withPhones', language))}</label><p><button>${escapeHtml(tr('download', language))}</button></p></form>`;
      return page(
        request,
        reply,
        'exports',
        language,
        await deps.reports.live(),
        `<h2>${escapeHtml(tr('exports', language))}</h2>${form('cases')}${form('surveys')}`,
        query,
      );
    });

    const exportRoute = (kind: 'cases' | 'surveys') => {
      const send = async (request: FastifyRequest, reply: FastifyReply, form: Record<string, string>) => {
        const user = access.userOf(request) as AdminUser;
        const language = languageOf(request);
        const wantsPhones = (form.confirmPhones ?? '').trim() !== '';
        if (wantsPhones && form.confirmPhones?.trim().toUpperCase() !== 'PHONES')
          return reply.redirect(
            `/dashboard/exports?lang=${language}&error=${encodeURIComponent(tr('confirmNeeded', language))}`,
            303,
          );
        const quarter = form.quarter && isQuarter(form.quarter) ? form.quarter : undefined;
        // Who took full phone numbers is worth knowing later; the numbers themselves are never logged.
        if (wantsPhones)
          deps.logger?.warn({ export: kind, user: user.id, quarter }, 'Export with full phone numbers');
        const options = {
          connection: deps.connection,
          clock: deps.clock,
          withPhones: wantsPhones,
          language,
          slaPolicy: policy,
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
      };
      scope.get(`/dashboard/exports/${kind}.csv`, (request, reply) =>
        send(request, reply, { quarter: (request.query as Query).quarter ?? '' }),
      );
      scope.post(`/dashboard/exports/${kind}.csv`, (request, reply) => {
        const form = (request.body ?? {}) as Record<string, string>;
        if (!access.allowsAction(request, access.userOf(request) as AdminUser, form.csrf))
          return access.refuseForgery(reply);
        return send(request, reply, form);
      });
    };
    exportRoute('cases');
    exportRoute('surveys');

    scope.post('/dashboard/refresh', async (request, reply) => {
      const form = (request.body ?? {}) as Record<string, string>;
      if (!access.allowsAction(request, access.userOf(request) as AdminUser, form.csrf))
        return access.refuseForgery(reply);
      const language = languageOf(request);
      const back = (request.query as { back?: string }).back ?? '';
      const path = VIEWS.some(([p]) => p === back) ? back : '';
      startRefresh();
      return reply.redirect(`/dashboard${path}?lang=${language}&refreshed=1`, 303);
    });
  });
}
