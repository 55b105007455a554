import { choiceFromNumber } from '../channels/render';
import { isSkip } from './outreach-answer';
import type { SurveyButtonPress } from './question-message';
import type {
  SurveyAnswerRecord,
  SurveyDefinitionRecord,
  SurveyQuestion,
  SurveyResponseRecord,
} from './survey-model';

/**
 * What an owner's message means for their survey: no answer (the message is handled as
 * usual), an answer refused with a hint (the question is asked again), or `value` (1-5,
 * the comment, or `skip`) for question `index`.
 */
export type AnswerReading =
  | { kind: 'none' }
  | { kind: 'refused'; index: number; hint: 'notAScore' | 'notOptional' }
  | { kind: 'answer'; index: number; question: SurveyQuestion; value: string };

/** A typed message: its text and when it came. */
export interface TypedAnswer {
  text: string;
  at: Date;
}

const NONE: AnswerReading = { kind: 'none' };

/**
 * Reads a button press (any question, also an earlier one) or typed text (the question
 * the owner is on). Typed digits that are no score are refused; a comment counts only
 * within `commentWindowMs` of its question being asked; only optional questions skip.
 */
export function readAnswer(
  definition: SurveyDefinitionRecord,
  response: SurveyResponseRecord,
  given: SurveyButtonPress | TypedAnswer,
  commentWindowMs: number,
): AnswerReading {
  const reading =
    'value' in given
      ? readPressed(definition, given)
      : readTyped(definition, response, given, commentWindowMs);
  if (reading.kind === 'answer' && reading.value === 'skip' && !reading.question.optional)
    return { kind: 'refused', index: reading.index, hint: 'notOptional' };
  return reading;
}

function readPressed(definition: SurveyDefinitionRecord, press: SurveyButtonPress): AnswerReading {
  const question = definition.questions[press.index];
  return question ? { kind: 'answer', index: press.index, question, value: press.value } : NONE;
}

function readTyped(
  definition: SurveyDefinitionRecord,
  response: SurveyResponseRecord,
  typed: TypedAnswer,
  commentWindowMs: number,
): AnswerReading {
  const index = response.nextQuestion;
  const question = definition.questions[index];
  if (!question) return NONE;
  const text = typed.text.trim();
  const answer = (value: string): AnswerReading => ({ kind: 'answer', index, question, value });
  const skipped = question.optional && isSkip(text);
  if (question.kind === 'scale') {
    const score = choiceFromNumber(text, ['1', '2', '3', '4', '5']);
    if (score) return answer(score);
    if (/^\d+$/.test(text.normalize('NFKC'))) return { kind: 'refused', index, hint: 'notAScore' };
    return skipped ? answer('skip') : NONE;
  }
  if (skipped) return answer('skip');
  const askedAt = (response.askedAt ?? response.sentAt).getTime();
  if (text !== '' && typed.at.getTime() - askedAt <= commentWindowMs) return answer(text);
  return NONE;
}

/** The stored answer to `question`: a score for scale questions, the comment (capped) for text. */
export function answerRecord(
  response: SurveyResponseRecord,
  question: SurveyQuestion,
  value: string,
  at: Date,
): SurveyAnswerRecord {
  return {
    _id: `${response._id}:${question.id}`,
    responseId: response._id,
    campaignId: response.campaignId,
    quarter: response.quarter,
    ownerId: response.ownerId,
    building: response.building,
    questionId: question.id,
    dimension: question.dimension ?? '',
    measure: question.measure,
    score: question.kind === 'scale' ? Number(value) : null,
    text: question.kind === 'text' ? value.slice(0, 2000) : '',
    at,
  };
}

/**
 * Where an answer to question `index` leaves the response: the question the owner is on
 * moves on (`advanced`, maybe `complete`); an earlier question answered again (an old
 * button) only updates it, and the owner stays where they are (`updated`, at `current`).
 */
export type AnswerProgress =
  { kind: 'advanced'; next: number; complete: boolean } | { kind: 'updated'; current: number | undefined };

/** How answering question `index` moves a response through a survey of `total` questions. */
export function progressAfter(response: SurveyResponseRecord, index: number, total: number): AnswerProgress {
  if (index !== response.nextQuestion || response.status === 'complete') {
    const finished = response.status === 'complete' || response.nextQuestion >= total;
    return { kind: 'updated', current: finished ? undefined : response.nextQuestion };
  }
  const next = index + 1;
  return { kind: 'advanced', next, complete: next >= total };
}
