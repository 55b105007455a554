import { progressAfter, readAnswer } from '../../../services/surveys/answer-rules';
import { DEFAULT_SURVEY } from '../../../services/surveys/default-survey';
import type { SurveyDefinitionRecord, SurveyResponseRecord } from '../../../services/surveys/survey-model';

const sentAt = new Date('2026-11-22T02:00:00Z');
const HOUR = 3_600_000;
const definition: SurveyDefinitionRecord = {
  ...DEFAULT_SURVEY,
  _id: 'quarterly@1',
  version: 1,
  createdAt: sentAt,
};
const total = definition.questions.length;
const COMMENT = total - 1;

function response(
  nextQuestion: number,
  status: SurveyResponseRecord['status'] = 'partial',
): SurveyResponseRecord {
  return {
    _id: 'quarterly:2026Q4:o1',
    campaignId: 'quarterly:2026Q4',
    quarter: '2026Q4',
    ownerId: 'o1',
    building: '1',
    channel: 'telegram',
    language: 'en',
    status,
    nextQuestion,
    sentAt,
    lastAnsweredAt: null,
    completedAt: null,
    reminderSentAt: null,
    identityKey: 'telegram:1',
    queuedAt: sentAt,
    askedAt: sentAt,
  };
}

const typed = (text: string, afterMs = HOUR) => ({ text, at: new Date(sentAt.getTime() + afterMs) });
const read = (nextQuestion: number, given: Parameters<typeof readAnswer>[2]) =>
  readAnswer(definition, response(nextQuestion), given, 2 * 24 * HOUR);

describe('survey answer rules', () => {
  it('when a score is typed for a scale question, then it answers the current question; other digits are refused, words are no answer', () => {
    expect(read(2, typed(' 4 '))).toMatchObject({ kind: 'answer', index: 2, value: '4' });
    expect(read(2, typed('7'))).toEqual({ kind: 'refused', index: 2, hint: 'notAScore' });
    expect(read(2, typed('the lift is broken'))).toEqual({ kind: 'none' });
    expect(read(2, typed('skip'))).toEqual({ kind: 'none' });
  });

  it('when a button is pressed, then it answers the question it names, also an earlier one; a skip of a required question is refused', () => {
    expect(read(5, { quarter: '2026Q4', index: 1, value: '3' })).toMatchObject({
      kind: 'answer',
      index: 1,
      value: '3',
    });
    expect(read(5, { quarter: '2026Q4', index: 1, value: 'skip' })).toEqual({
      kind: 'refused',
      index: 1,
      hint: 'notOptional',
    });
    expect(read(5, { quarter: '2026Q4', index: total, value: '3' })).toEqual({ kind: 'none' });
  });

  it('when text comes for the comment question, then it counts within the comment window only; "跳过" skips it', () => {
    expect(read(COMMENT, typed('More lights in the car park'))).toMatchObject({
      kind: 'answer',
      index: COMMENT,
      value: 'More lights in the car park',
    });
    expect(read(COMMENT, typed('More lights', 3 * 24 * HOUR))).toEqual({ kind: 'none' });
    expect(read(COMMENT, typed('跳过', 3 * 24 * HOUR))).toMatchObject({ kind: 'answer', value: 'skip' });
    expect(read(total, typed('4'))).toEqual({ kind: 'none' });
  });

  it('when the current question is answered, then the response moves on; an earlier one or a finished survey only updates', () => {
    expect(progressAfter(response(3), 3, total)).toEqual({ kind: 'advanced', next: 4, complete: false });
    expect(progressAfter(response(COMMENT), COMMENT, total)).toEqual({
      kind: 'advanced',
      next: total,
      complete: true,
    });
    expect(progressAfter(response(3), 1, total)).toEqual({ kind: 'updated', current: 3 });
    expect(progressAfter(response(total, 'complete'), 1, total)).toEqual({
      kind: 'updated',
      current: undefined,
    });
  });
});
