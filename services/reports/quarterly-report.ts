import { SURVEY_DIMENSIONS } from '../surveys/survey-model';
import type { LiveSnapshot, QuarterSnapshot } from './report-snapshots';
import { previousQuarter } from './report-service';

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
  /** Each survey dimension: mean perceived and expected scores, the index, and last quarter's index. */
  dimensions: Array<{
    dimension: string;
    perceived: number | null;
    expectation: number | null;
    index: number | null;
    previousIndex: number | null;
  }>;
  /** Each building: the index, the overall score, how many overall answers, and last quarter's index. */
  buildings: Array<{
    building: string;
    index: number | null;
    overallScore: number | null;
    answers: number;
    previousIndex: number | null;
  }>;
  /** Where the report's times are shown (BOT_TIMEZONE). */
  timeZone: string;
}

const mean = (part: { sum: number; count: number } | undefined) =>
  part && part.count > 0 ? part.sum / part.count : null;

function dimensionsOf(current: QuarterSnapshot, previous: QuarterSnapshot | undefined) {
  return SURVEY_DIMENSIONS.map((dimension) => {
    const d = current.satisfaction?.dimensions?.[dimension];
    return {
      dimension,
      perceived: mean(d?.perceived),
      expectation: mean(d?.expectation),
      index: d?.index ?? null,
      previousIndex: previous?.satisfaction?.dimensions?.[dimension]?.index ?? null,
    };
  }).filter((d) => d.perceived !== null || d.expectation !== null);
}

function buildingsOf(current: QuarterSnapshot, previous: QuarterSnapshot | undefined) {
  return Object.entries(current.satisfaction?.byBuilding ?? {})
    .map(([building, b]) => ({
      building,
      index: b.index,
      overallScore: b.overallScore,
      answers: b.overall.count,
      previousIndex: previous?.satisfaction?.byBuilding?.[building]?.index ?? null,
    }))
    .sort((a, b) => a.building.localeCompare(b.building, 'zh', { numeric: true }));
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
  timeZone = 'Asia/Shanghai',
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
    dimensions: dimensionsOf(current, previous),
    buildings: buildingsOf(current, previous),
    timeZone,
  };
}
