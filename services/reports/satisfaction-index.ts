import type { Model, PipelineStage } from 'mongoose';
import {
  SURVEY_DIMENSIONS,
  type SurveyAnswerRecord,
  type SurveyDimension,
  type SurveyResponseRecord,
} from '../surveys/survey-model';

/**
 * The dashboard's own survey aggregation (the survey engineer's score functions will
 * replace it at merge): sums and counts come from the database (`$group` with `$sum` only,
 * which the embedded engine understands), the division happens here.
 */

/** One `$group` row: the sum and count of scores of one quarter, dimension and measure. */
export interface AnswerGroup {
  quarter: string;
  dimension: SurveyDimension | '';
  measure: 'perceived' | 'expectation' | 'overall';
  sum: number;
  count: number;
}

export interface SumCount {
  sum: number;
  count: number;
}

export interface DimensionScore {
  perceived: SumCount;
  expectation: SumCount;
  /** Mean perceived / mean expectation; null until both have answers. */
  index: number | null;
}

/** A quarter's satisfaction figures, as stored in the report snapshot. */
export interface QuarterSatisfaction {
  dimensions: Record<SurveyDimension, DimensionScore>;
  /** Mean of every dimension's index that has one; null when none has. */
  overallIndex: number | null;
  /** The owners' overall score (1-5): mean of the `overall` answers. */
  overallScore: SumCount & { mean: number | null };
  responses: { sent: number; answered: number; completed: number; rate: number | null };
}

const mean = (part: SumCount): number | null => (part.count > 0 ? part.sum / part.count : null);

/**
 * Satisfaction = perceived performance / expectation (the trade's definition), per
 * dimension: mean perceived score divided by mean expectation score. An index above 1
 * means the dimension did better than owners expected.
 */
export function satisfactionIndex(perceived: SumCount, expectation: SumCount): number | null {
  const p = mean(perceived);
  const e = mean(expectation);
  return p === null || e === null || e === 0 ? null : p / e;
}

/** Folds `$group` rows and response counts into one quarter's figures. */
export function quarterSatisfaction(
  groups: AnswerGroup[],
  responses: { sent: number; answered: number; completed: number },
): QuarterSatisfaction {
  const zero = (): SumCount => ({ sum: 0, count: 0 });
  const dimensions = Object.fromEntries(
    SURVEY_DIMENSIONS.map((d) => [d, { perceived: zero(), expectation: zero(), index: null }]),
  ) as Record<SurveyDimension, DimensionScore>;
  const overall = zero();
  for (const group of groups) {
    if (group.measure === 'overall') {
      overall.sum += group.sum;
      overall.count += group.count;
      continue;
    }
    const dimension = group.dimension ? dimensions[group.dimension] : undefined;
    if (!dimension) continue;
    dimension[group.measure].sum += group.sum;
    dimension[group.measure].count += group.count;
  }
  const indexes: number[] = [];
  for (const dimension of Object.values(dimensions)) {
    dimension.index = satisfactionIndex(dimension.perceived, dimension.expectation);
    if (dimension.index !== null) indexes.push(dimension.index);
  }
  return {
    dimensions,
    overallIndex: indexes.length ? indexes.reduce((a, b) => a + b, 0) / indexes.length : null,
    overallScore: { ...overall, mean: mean(overall) },
    responses: { ...responses, rate: responses.sent > 0 ? responses.answered / responses.sent : null },
  };
}

/**
 * Reads the sums and counts of the given quarters from the database. `excludeOwners` keeps
 * demo owners out when the database also holds real ones.
 */
export async function loadSatisfaction(
  models: { Answers: Model<SurveyAnswerRecord>; Responses: Model<SurveyResponseRecord> },
  quarters: string[],
  excludeOwners: string[] = [],
): Promise<Map<string, QuarterSatisfaction>> {
  const result = new Map<string, QuarterSatisfaction>();
  if (quarters.length === 0) return result;
  const owners = excludeOwners.length ? { ownerId: { $nin: excludeOwners } } : {};
  const match: PipelineStage = {
    $match: {
      quarter: { $in: quarters },
      measure: { $in: ['perceived', 'expectation', 'overall'] },
      ...owners,
    },
  };
  // Counted per score value (one accumulator), the sum computed here: FerretDB 1.24 fills
  // only the first accumulator of a `$group` (measured: `{ sum: { $sum: '$score' }, count:
  // { $sum: 1 } }` returns count 0), and one pipeline is one scan of the answers, not two.
  const perScore = await models.Answers.aggregate<{
    _id: {
      quarter: string;
      dimension: SurveyDimension | '';
      measure: AnswerGroup['measure'];
      score: number | null;
    };
    count: number;
  }>([
    match,
    {
      $group: {
        _id: { quarter: '$quarter', dimension: '$dimension', measure: '$measure', score: '$score' },
        count: { $sum: 1 },
      },
    },
  ]);
  const rows: Array<{ _id: Omit<(typeof perScore)[number]['_id'], 'score'>; sum: number; count: number }> =
    [];
  for (const { _id, count } of perScore) {
    if (typeof _id.score !== 'number') continue;
    const { quarter, dimension, measure } = _id;
    let row = rows.find(
      (r) => r._id.quarter === quarter && r._id.dimension === dimension && r._id.measure === measure,
    );
    if (!row) {
      row = { _id: { quarter, dimension, measure }, sum: 0, count: 0 };
      rows.push(row);
    }
    row.sum += _id.score * count;
    row.count += count;
  }
  const statusRows = await models.Responses.aggregate<{
    _id: { quarter: string; status: string };
    count: number;
  }>([
    { $match: { quarter: { $in: quarters }, ...owners } },
    { $group: { _id: { quarter: '$quarter', status: '$status' }, count: { $sum: 1 } } },
  ]);
  // "Answered" counts expired responses that got some answers before expiring, too.
  const answeredRows = await models.Responses.aggregate<{ _id: string; count: number }>([
    { $match: { quarter: { $in: quarters }, lastAnsweredAt: { $ne: null }, ...owners } },
    { $group: { _id: '$quarter', count: { $sum: 1 } } },
  ]);
  for (const quarter of quarters) {
    const groups = rows
      .filter((row) => row._id.quarter === quarter)
      .map((row) => ({ ...row._id, sum: row.sum, count: row.count }));
    const statuses = statusRows.filter((row) => row._id.quarter === quarter);
    const responses = {
      sent: statuses.reduce((n, row) => n + row.count, 0),
      completed: statuses.find((row) => row._id.status === 'complete')?.count ?? 0,
      answered: answeredRows.find((row) => row._id === quarter)?.count ?? 0,
    };
    result.set(quarter, quarterSatisfaction(groups, responses));
  }
  return result;
}
