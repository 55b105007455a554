import { surveyModels, type SurveyAnswerRecord } from '../../../services/surveys/survey-model';
import {
  loadSatisfaction,
  quarterSatisfaction,
  satisfactionIndex,
} from '../../../services/reports/satisfaction-index';
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

  it('when two dimensions have indexes 1.0 and 0.8, then the overall index is their mean 0.9 and the response rate is answered / sent', () => {
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
    expect(q.overallIndex).toBeCloseTo(0.9, 10);
    expect(q.overallScore).toEqual({ sum: 7, count: 2, mean: 3.5 });
    expect(q.responses).toEqual({ sent: 8, answered: 2, completed: 1, rate: 0.25 });
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
    expect(q4?.responses).toEqual({ sent: 4, answered: 3, completed: 2, rate: 0.75 });
  });
});
