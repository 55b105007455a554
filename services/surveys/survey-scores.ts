import type { Connection } from 'mongoose';
import { previousQuarter } from './local-time';
import { SURVEY_DIMENSIONS, surveyModels, type SurveyDimension, type SurveyMeasure } from './survey-model';

/** Sum and count of one owner's scores for one dimension and measure (what `$group` can give). */
export interface ScoreTotal {
  ownerId: string;
  building: string;
  dimension: SurveyDimension | '';
  measure: SurveyMeasure;
  sum: number;
  count: number;
}

/** How many owners were asked and how far they got, per building. */
export interface ResponseTotal {
  building: string;
  status: 'sent' | 'partial' | 'complete' | 'expired';
  count: number;
}

export interface DimensionScore {
  perceived: number | null;
  expectation: number | null;
  /** Satisfaction index = mean perceived / mean expectation (1.0: performance meets expectation). */
  index: number | null;
  answers: number;
}

export interface GroupScore {
  /** Mean perceived over every dimension's perceived answers. */
  perceived: number | null;
  expectation: number | null;
  index: number | null;
  /** Mean of the overall question (1-5). */
  overall: number | null;
  dimensions: Record<SurveyDimension, DimensionScore>;
  invited: number;
  /** Owners who answered every required question. */
  completed: number;
  /** Owners who answered some but not all. */
  partial: number;
  /** completed / invited; null when nobody was invited. */
  responseRate: number | null;
}

export interface QuarterScores {
  quarter: string;
  all: GroupScore;
  byBuilding: Record<string, GroupScore>;
  byOwner: Record<string, GroupScore>;
}

export interface ScoreChange {
  index: number | null;
  overall: number | null;
  responseRate: number | null;
}

/** A sum and a count of scores: what the database can give, and what a mean is made of. */
export interface SumCount {
  sum: number;
  count: number;
}

/** The mean score; null without answers. */
export const meanScore = (part: SumCount): number | null => (part.count > 0 ? part.sum / part.count : null);

/**
 * Satisfaction = perceived performance / expectation (the trade's definition): the mean
 * perceived score divided by the mean expectation score, of one dimension or of every
 * dimension's answers together. Above 1 the service did better than owners expected; null
 * until both sides have answers. The one definition: survey status, the dashboard and the
 * quarterly report all call it.
 */
export function satisfactionIndex(perceived: SumCount, expectation: SumCount): number | null {
  const p = meanScore(perceived);
  const e = meanScore(expectation);
  return p === null || e === null || e === 0 ? null : p / e;
}

interface Accumulator {
  sums: Map<string, SumCount>;
  invited: number;
  completed: number;
  partial: number;
}

const newAccumulator = (): Accumulator => ({ sums: new Map(), invited: 0, completed: 0, partial: 0 });

function add(acc: Accumulator, key: string, sum: number, count: number) {
  const current = acc.sums.get(key) ?? { sum: 0, count: 0 };
  current.sum += sum;
  current.count += count;
  acc.sums.set(key, current);
}

function finish(acc: Accumulator): GroupScore {
  const get = (key: string) => acc.sums.get(key) ?? { sum: 0, count: 0 };
  const dimensions = Object.fromEntries(
    SURVEY_DIMENSIONS.map((dimension) => {
      const p = get(`${dimension}|perceived`);
      const e = get(`${dimension}|expectation`);
      return [
        dimension,
        {
          perceived: meanScore(p),
          expectation: meanScore(e),
          index: satisfactionIndex(p, e),
          answers: p.count + e.count,
        },
      ];
    }),
  ) as Record<SurveyDimension, DimensionScore>;
  const p = get('*|perceived');
  const e = get('*|expectation');
  return {
    perceived: meanScore(p),
    expectation: meanScore(e),
    index: satisfactionIndex(p, e),
    overall: meanScore(get('|overall')),
    dimensions,
    invited: acc.invited,
    completed: acc.completed,
    partial: acc.partial,
    responseRate: acc.invited > 0 ? acc.completed / acc.invited : null,
  };
}

/**
 * Scores of one quarter from stored totals: for everyone, per building and per owner, the
 * satisfaction index (mean perceived / mean expectation, per dimension and over all
 * dimensions), the mean overall score and the response rate. Pure: the dashboard and the
 * CLI call it on what `loadScoreTotals` read.
 */
export function computeScores(
  quarter: string,
  totals: ScoreTotal[],
  responses: ResponseTotal[],
): QuarterScores {
  const all = newAccumulator();
  const buildings = new Map<string, Accumulator>();
  const owners = new Map<string, Accumulator>();
  const of = (map: Map<string, Accumulator>, key: string) => {
    let acc = map.get(key);
    if (!acc) map.set(key, (acc = newAccumulator()));
    return acc;
  };
  for (const total of totals) {
    if (total.measure === 'comment') continue;
    const groups = [all, of(buildings, total.building), of(owners, total.ownerId)];
    for (const acc of groups) {
      add(acc, `${total.dimension}|${total.measure}`, total.sum, total.count);
      if (total.measure === 'perceived' || total.measure === 'expectation')
        add(acc, `*|${total.measure}`, total.sum, total.count);
    }
  }
  for (const response of responses) {
    for (const acc of [all, of(buildings, response.building)]) {
      acc.invited += response.count;
      if (response.status === 'complete') acc.completed += response.count;
      if (response.status === 'partial') acc.partial += response.count;
    }
  }
  return {
    quarter,
    all: finish(all),
    byBuilding: Object.fromEntries([...buildings].map(([building, acc]) => [building, finish(acc)])),
    byOwner: Object.fromEntries([...owners].map(([owner, acc]) => [owner, finish(acc)])),
  };
}

/** This quarter minus the previous one (null where either has no value). */
export function compareScores(current: GroupScore, previous: GroupScore | undefined): ScoreChange {
  const delta = (a: number | null, b: number | null | undefined) =>
    a === null || b === null || b === undefined ? null : a - b;
  return {
    index: delta(current.index, previous?.index),
    overall: delta(current.overall, previous?.overall),
    responseRate: delta(current.responseRate, previous?.responseRate),
  };
}

/** Reads one quarter's totals with `$group`/`$sum` only (what the embedded engine understands). */
export async function loadScoreTotals(
  connection: Connection,
  quarter: string,
  options: { building?: string } = {},
): Promise<{ totals: ScoreTotal[]; responses: ResponseTotal[] }> {
  const { Answers, Responses } = surveyModels(connection);
  const match: Record<string, unknown> = { quarter };
  if (options.building !== undefined) match.building = String(options.building);
  // FerretDB 1.24 fills only the first accumulator of a `$group` (measured: a second `$sum`
  // comes back 0), so sums and counts are two pipelines joined here.
  type Key = { ownerId: string; building: string; dimension: string; measure: string };
  const scored = { $match: { ...match, measure: { $in: ['perceived', 'expectation', 'overall'] } } };
  const key = { ownerId: '$ownerId', building: '$building', dimension: '$dimension', measure: '$measure' };
  const [sums, counts, responseGroups] = await Promise.all([
    Answers.aggregate<{ _id: Key; value: number }>([
      scored,
      { $group: { _id: key, value: { $sum: '$score' } } },
    ]),
    Answers.aggregate<{ _id: Key; value: number }>([scored, { $group: { _id: key, value: { $sum: 1 } } }]),
    Responses.aggregate<{ _id: { building: string; status: string }; count: number }>([
      { $match: match },
      { $group: { _id: { building: '$building', status: '$status' }, count: { $sum: 1 } } },
    ]),
  ]);
  const keyOf = (k: Key) => JSON.stringify([k.ownerId, k.building ?? '', k.dimension ?? '', k.measure]);
  const countOf = new Map(counts.map((group) => [keyOf(group._id), group.value]));
  const answerGroups = sums.map((group) => ({
    _id: group._id,
    sum: group.value,
    count: countOf.get(keyOf(group._id)) ?? 0,
  }));
  return {
    totals: answerGroups.map((group) => ({
      ownerId: group._id.ownerId,
      building: group._id.building ?? '',
      dimension: (group._id.dimension ?? '') as ScoreTotal['dimension'],
      measure: group._id.measure as SurveyMeasure,
      sum: group.sum,
      count: group.count,
    })),
    responses: responseGroups.map((group) => ({
      building: group._id.building ?? '',
      status: group._id.status as ResponseTotal['status'],
      count: group.count,
    })),
  };
}

/**
 * A quarter's scores with the previous quarter's and the change between them: the query
 * the CLI's `survey status` and the managers' dashboard share.
 */
export async function querySurveyScores(
  connection: Connection,
  quarter: string,
  options: { building?: string } = {},
): Promise<{ current: QuarterScores; previous: QuarterScores; change: ScoreChange }> {
  const before = previousQuarter(quarter);
  const [now, then] = await Promise.all([
    loadScoreTotals(connection, quarter, options),
    loadScoreTotals(connection, before, options),
  ]);
  const current = computeScores(quarter, now.totals, now.responses);
  const previous = computeScores(before, then.totals, then.responses);
  return {
    current,
    previous,
    change: compareScores(current.all, previous.all.invited > 0 ? previous.all : undefined),
  };
}
