import type { Model } from 'mongoose';
import { trusted } from '../database/connect';
import {
  SURVEY_DIMENSIONS,
  type SurveyAnswerRecord,
  type SurveyDimension,
  type SurveyResponseRecord,
} from '../surveys/survey-model';
import { meanScore, satisfactionIndex, type SumCount } from '../surveys/survey-scores';

/**
 * The report's survey figures per quarter, as stored in its snapshots: sums and counts per
 * quarter, dimension and measure read in one streamed pass, then the divisions, which the
 * embedded engine's `$group` cannot do. The index itself is `satisfactionIndex` from
 * services/surveys/survey-scores.ts, so the dashboard and `survey status` agree on it; so do
 * their response rates (completed / sent; partial answers are counted apart).
 */

/** The sum and count of scores of one quarter, dimension and measure. */
export interface AnswerGroup {
  quarter: string;
  dimension: SurveyDimension | '';
  measure: 'perceived' | 'expectation' | 'overall';
  sum: number;
  count: number;
}

export interface DimensionScore {
  perceived: SumCount;
  expectation: SumCount;
  /** Mean perceived / mean expectation; null until both have answers. */
  index: number | null;
}

/** One building's figures in a quarter: its index (all perceived / all expectation) and overall score. */
export interface BuildingSatisfaction {
  perceived: SumCount;
  expectation: SumCount;
  overall: SumCount;
  index: number | null;
  overallScore: number | null;
}

/** A quarter's satisfaction figures, as stored in the report snapshot. */
export interface QuarterSatisfaction {
  dimensions: Record<SurveyDimension, DimensionScore>;
  /** Every dimension's perceived answers / every dimension's expectation answers (mean over mean). */
  overallIndex: number | null;
  /** The owners' overall score (1-5): mean of the `overall` answers. */
  overallScore: SumCount & { mean: number | null };
  responses: { sent: number; answered: number; completed: number; rate: number | null };
  /** Per building ('unknown' when the answer has none): the figures `survey status` prints per building. */
  byBuilding: Record<string, BuildingSatisfaction>;
}

/** Sums per building of one quarter, as `loadSatisfaction` gathers them. */
export type BuildingSums = Record<string, { perceived: SumCount; expectation: SumCount; overall: SumCount }>;

function buildingFigures(sums: BuildingSums): Record<string, BuildingSatisfaction> {
  return Object.fromEntries(
    Object.entries(sums).map(([building, s]) => [
      building,
      { ...s, index: satisfactionIndex(s.perceived, s.expectation), overallScore: meanScore(s.overall) },
    ]),
  );
}

/** Folds `$group` rows and response counts into one quarter's figures. */
export function quarterSatisfaction(
  groups: AnswerGroup[],
  responses: { sent: number; answered: number; completed: number },
  buildings: BuildingSums = {},
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
  const perceived = zero();
  const expectation = zero();
  for (const dimension of Object.values(dimensions)) {
    dimension.index = satisfactionIndex(dimension.perceived, dimension.expectation);
    perceived.sum += dimension.perceived.sum;
    perceived.count += dimension.perceived.count;
    expectation.sum += dimension.expectation.sum;
    expectation.count += dimension.expectation.count;
  }
  return {
    dimensions,
    overallIndex: satisfactionIndex(perceived, expectation),
    overallScore: { ...overall, mean: meanScore(overall) },
    responses: { ...responses, rate: responses.sent > 0 ? responses.completed / responses.sent : null },
    byBuilding: buildingFigures(buildings),
  };
}

/**
 * Reads the sums and counts of the given quarters: one streamed pass over the answers and
 * one over the responses, summing in code. Not `$group`: on the embedded engine a `$group`
 * over every answer of a 20,000-owner estate runs longer than the driver's 30 s socket
 * timeout (it answers only when done, while a cursor answers batch by batch), and FerretDB
 * 1.24 fills only the first accumulator of a `$group` anyway (measured: `{ sum: { $sum:
 * '$score' }, count: { $sum: 1 } }` returns count 0). `onOverall` sees every owner's
 * overall score on the way, so callers need no second pass. `excludeOwners` keeps demo
 * owners out when the database also holds real ones.
 */
export async function loadSatisfaction(
  models: { Answers: Model<SurveyAnswerRecord>; Responses: Model<SurveyResponseRecord> },
  quarters: string[],
  excludeOwners: Set<string> = new Set(),
  onOverall?: (answer: { ownerId: string; quarter: string; score: number }) => void,
): Promise<Map<string, QuarterSatisfaction>> {
  const result = new Map<string, QuarterSatisfaction>();
  if (quarters.length === 0) return result;
  const groups = new Map<string, AnswerGroup>();
  const answers = models.Answers.find(
    {
      quarter: trusted({ $in: quarters }),
      measure: trusted({ $in: ['perceived', 'expectation', 'overall'] }),
    },
    { ownerId: 1, quarter: 1, building: 1, dimension: 1, measure: 1, score: 1 },
  )
    .lean()
    .cursor({ batchSize: 2000 });
  const buildings = new Map<string, BuildingSums>();
  for await (const answer of answers as AsyncIterable<
    Pick<SurveyAnswerRecord, 'ownerId' | 'quarter' | 'building' | 'dimension' | 'measure' | 'score'>
  >) {
    if (typeof answer.score !== 'number' || excludeOwners.has(answer.ownerId)) continue;
    const measure = answer.measure as AnswerGroup['measure'];
    addToBuilding(buildings, answer.quarter, answer.building || 'unknown', measure, answer.score);
    const key = `${answer.quarter}|${answer.dimension}|${measure}`;
    const group = groups.get(key) ?? {
      quarter: answer.quarter,
      dimension: answer.dimension,
      measure,
      sum: 0,
      count: 0,
    };
    group.sum += answer.score;
    group.count++;
    groups.set(key, group);
    if (measure === 'overall')
      onOverall?.({ ownerId: answer.ownerId, quarter: answer.quarter, score: answer.score });
  }
  const responses = new Map<string, { sent: number; answered: number; completed: number }>();
  const cursor = models.Responses.find(
    { quarter: trusted({ $in: quarters }) },
    { ownerId: 1, quarter: 1, status: 1, lastAnsweredAt: 1 },
  )
    .lean()
    .cursor({ batchSize: 2000 });
  for await (const response of cursor as AsyncIterable<
    Pick<SurveyResponseRecord, 'ownerId' | 'quarter' | 'status' | 'lastAnsweredAt'>
  >) {
    if (excludeOwners.has(response.ownerId)) continue;
    const counts = responses.get(response.quarter) ?? { sent: 0, answered: 0, completed: 0 };
    counts.sent++;
    // "Answered" counts expired responses that got some answers before expiring, too.
    if (response.lastAnsweredAt) counts.answered++;
    if (response.status === 'complete') counts.completed++;
    responses.set(response.quarter, counts);
  }
  const all = [...groups.values()];
  for (const quarter of quarters) {
    result.set(
      quarter,
      quarterSatisfaction(
        all.filter((g) => g.quarter === quarter),
        responses.get(quarter) ?? { sent: 0, answered: 0, completed: 0 },
        buildings.get(quarter) ?? {},
      ),
    );
  }
  return result;
}

function addToBuilding(
  buildings: Map<string, BuildingSums>,
  quarter: string,
  building: string,
  measure: AnswerGroup['measure'],
  score: number,
): void {
  const sums = buildings.get(quarter) ?? {};
  const zero = () => ({ sum: 0, count: 0 });
  const of = (sums[building] ??= { perceived: zero(), expectation: zero(), overall: zero() });
  of[measure].sum += score;
  of[measure].count++;
  buildings.set(quarter, sums);
}
