import { surveyModels, type SurveyAnswerRecord } from '../../../services/surveys/survey-model';
import { loadSatisfaction, quarterSatisfaction } from '../../../services/reports/satisfaction-index';
import { computeScores, satisfactionIndex } from '../../../services/surveys/survey-scores';
import { useTestDatabase } from '../../support/database';

const database = useTestDatabase();

describe('satisfaction index', () => {
  it('when perceived scores are 4, 3, 5 and expectations 5, 5, 4, then the index is 4 / 4.667 = 0.857', () => {
    const index = satisfactionIndex({ sum: 12, count: 3 }, { sum: 14, count: 3 });
    expect(index).toBeCloseTo(0.857142, 5);
  });

  it('when a dimension has no expectation answers, then its index is null, not 0 or infinity', () => {
    expect(satisfactionIndex({ sum: 8, count: 2 }, { sum: 0, count: 0 })).toBeNull();
  });

  it('when two dimensions have indexes 1.0 and 0.8, then the overall index is all perceived / all expectation, 3.5 / 3.875 = 0.903, and the response rate is answered / sent', () => {
    const q = quarterSatisfaction(
      [
        { quarter: '2026Q3', dimension: 'security', measure: 'perceived', sum: 8, count: 2 },
        { quarter: '2026Q3', dimension: 'security', measure: 'expectation', sum: 8, count: 2 },
        { quarter: '2026Q3', dimension: 'repairs', measure: 'perceived', sum: 6, count: 2 },
        { quarter: '2026Q3', dimension: 'repairs', measure: 'expectation', sum: 7.5, count: 2 },
        { quarter: '2026Q3', dimension: '', measure: 'overall', sum: 7, count: 2 },
      ],
      { sent: 8, answered: 2, completed: 1 },
    );
    expect(q.dimensions.security.index).toBe(1);
    expect(q.dimensions.repairs.index).toBeCloseTo(0.8, 10);
    expect(q.dimensions.cleaning.index).toBeNull();
    // (8 + 6) / 4 = 3.5 over (8 + 7.5) / 4 = 3.875; not the mean of the two indexes (0.9).
    expect(q.overallIndex).toBeCloseTo(3.5 / 3.875, 10);
    expect(q.overallScore).toEqual({ sum: 7, count: 2, mean: 3.5 });
    expect(q.responses).toEqual({ sent: 8, answered: 2, completed: 1, rate: 0.125 });
  });

  it('when the same answers reach the report and survey status, then both give the same index per dimension and overall', () => {
    const totals = [
      { ownerId: 'a', building: '1', dimension: 'security', measure: 'perceived', sum: 4, count: 1 },
      { ownerId: 'b', building: '2', dimension: 'security', measure: 'perceived', sum: 6, count: 2 },
      { ownerId: 'a', building: '1', dimension: 'security', measure: 'expectation', sum: 5, count: 1 },
      { ownerId: 'b', building: '2', dimension: 'security', measure: 'expectation', sum: 10, count: 2 },
      { ownerId: 'a', building: '1', dimension: 'repairs', measure: 'perceived', sum: 2, count: 1 },
      { ownerId: 'a', building: '1', dimension: 'repairs', measure: 'expectation', sum: 4, count: 1 },
    ] as const;
    const survey = computeScores('2026Q4', [...totals], []);
    const report = quarterSatisfaction(
      totals.map((t) => ({
        quarter: '2026Q4',
        dimension: t.dimension,
        measure: t.measure,
        sum: t.sum,
        count: t.count,
      })),
      { sent: 0, answered: 0, completed: 0 },
    );
    // security 10/3 over 15/3 = 0.667, repairs 2 / 4 = 0.5; overall 12/4 over 19/4 = 0.632.
    expect(report.dimensions.security.index).toBeCloseTo(2 / 3, 10);
    expect(survey.all.dimensions.security.index).toBeCloseTo(2 / 3, 10);
    expect(report.dimensions.repairs.index).toBe(0.5);
    expect(survey.all.dimensions.repairs.index).toBe(0.5);
    expect(report.overallIndex).toBeCloseTo(12 / 19, 10);
    expect(survey.all.index).toBeCloseTo(12 / 19, 10);
  });

  it('when answers are stored, then their scores are summed and counted per quarter, dimension and measure, leaving excluded owners out', async () => {
    const { Answers, Responses } = surveyModels(database().connection);
    const answer = (
      owner: string,
      quarter: string,
      questionId: string,
      score: number | null,
    ): SurveyAnswerRecord => {
      const [dimension, measure] = questionId.includes('.') ? questionId.split('.') : ['', questionId];
      return {
        _id: `quarterly:${quarter}:${owner}:${questionId}`,
        responseId: `quarterly:${quarter}:${owner}`,
        campaignId: `quarterly:${quarter}`,
        quarter,
        ownerId: owner,
        building: '1',
        questionId,
        dimension: dimension as SurveyAnswerRecord['dimension'],
        measure: measure as SurveyAnswerRecord['measure'],
        score,
        text: score === null ? 'fine' : '',
        at: new Date('2026-10-12T00:00:00Z'),
      };
    };
    await Answers.insertMany([
      answer('a', '2026Q4', 'security.perceived', 4),
      answer('b', '2026Q4', 'security.perceived', 3),
      answer('c', '2026Q4', 'security.perceived', 5),
      answer('a', '2026Q4', 'security.expectation', 5),
      answer('b', '2026Q4', 'security.expectation', 5),
      answer('c', '2026Q4', 'security.expectation', 4),
      answer('a', '2026Q4', 'overall', 4),
      answer('b', '2026Q4', 'overall', 2),
      answer('a', '2026Q4', 'comment', null),
      answer('demo', '2026Q4', 'security.perceived', 1),
      answer('demo', '2026Q4', 'overall', 1),
      answer('a', '2026Q3', 'overall', 5),
    ]);
    const response = (
      owner: string,
      quarter: string,
      status: 'sent' | 'complete' | 'expired',
      answered: boolean,
    ) => ({
      _id: `quarterly:${quarter}:${owner}`,
      campaignId: `quarterly:${quarter}`,
      quarter,
      ownerId: owner,
      building: '1',
      channel: 'web' as const,
      language: 'zh' as const,
      status,
      nextQuestion: 0,
      sentAt: new Date('2026-10-10T00:00:00Z'),
      lastAnsweredAt: answered ? new Date('2026-10-12T00:00:00Z') : null,
      completedAt: status === 'complete' ? new Date('2026-10-12T00:00:00Z') : null,
      reminderSentAt: null,
    });
    await Responses.insertMany([
      response('a', '2026Q4', 'complete', true),
      response('b', '2026Q4', 'complete', true),
      response('c', '2026Q4', 'expired', true),
      response('d', '2026Q4', 'sent', false),
      response('demo', '2026Q4', 'complete', true),
    ]);

    const result = await loadSatisfaction(surveyModels(database().connection), ['2026Q4'], new Set(['demo']));
    const q4 = result.get('2026Q4');
    expect(q4?.dimensions.security.perceived).toEqual({ sum: 12, count: 3 });
    expect(q4?.dimensions.security.expectation).toEqual({ sum: 14, count: 3 });
    expect(q4?.dimensions.security.index).toBeCloseTo(0.857142, 5);
    expect(q4?.overallScore).toEqual({ sum: 6, count: 2, mean: 3 });
    // a, b and c answered something (c before expiring); d did not; demo is left out.
    expect(q4?.responses).toEqual({ sent: 4, answered: 3, completed: 2, rate: 0.5 });
  });
});
