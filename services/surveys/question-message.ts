import type { Button, OutboundMessage } from '../channels/types';
import { AppError } from '../errors';
import { localize, type Language } from '../i18n/text';
import { SCALE_LABELS, surveyTexts } from '../i18n/surveys';
import type { SurveyDefinitionRecord, SurveyQuestion } from './survey-model';

/** Every survey button's action starts with this; the rest is `<quarter>:<index>:<1-5|skip>`. */
export const SURVEY_ACTION_PREFIX = 'sv:';

const ACTION = /^sv:(\d{4}Q[1-4]):(\d{1,2}):([1-5]|skip)$/;

/** A pressed survey button: the campaign's quarter, the question index and the value. */
export interface SurveyButtonPress {
  quarter: string;
  index: number;
  value: string;
}

/** The press a button action names; undefined for anything that is not a survey button. */
export function parseSurveyAction(action: string): SurveyButtonPress | undefined {
  const match = ACTION.exec(action);
  if (!match) return undefined;
  return { quarter: match[1] as string, index: Number(match[2]), value: match[3] as string };
}

function scaleLabels(question: SurveyQuestion) {
  return SCALE_LABELS[
    question.measure === 'expectation'
      ? 'expectation'
      : question.measure === 'overall'
        ? 'overall'
        : 'perceived'
  ];
}

/**
 * Question `index` as the owner sees it: `lead` (if any), progress and prompt, with 1-5
 * buttons on scale questions and a skip button on optional text ones (typed numbers work
 * where a channel shows no buttons). Throws when the definition has no such question.
 */
export function questionMessage(
  definition: SurveyDefinitionRecord,
  quarter: string,
  index: number,
  language: Language,
  lead = '',
): OutboundMessage {
  const question = definition.questions[index];
  if (!question) throw new AppError('survey_question_missing', `No question ${index} in ${definition._id}`);
  const progress = localize(surveyTexts.progress, language, {
    n: index + 1,
    total: definition.questions.length,
  });
  const text = [lead, `${progress}${localize(question.prompt, language)}`].filter(Boolean).join('\n\n');
  const action = (value: string) => `${SURVEY_ACTION_PREFIX}${quarter}:${index}:${value}`;
  const buttons: Button[] =
    question.kind === 'scale'
      ? scaleLabels(question).map((label, i) => ({
          label: localize(label, language),
          action: action(String(i + 1)),
        }))
      : question.optional
        ? [{ label: localize(surveyTexts.skip, language), action: action('skip') }]
        : [];
  return { text, language, ...(buttons.length > 0 ? { buttons } : {}) };
}

/** The campaign's opening message: title and intro, then the first question. */
export function firstMessage(
  definition: SurveyDefinitionRecord,
  quarter: string,
  language: Language,
): OutboundMessage {
  const intro = localize(definition.intro, language, { count: definition.questions.length });
  return questionMessage(
    definition,
    quarter,
    0,
    language,
    `📋 ${localize(definition.title, language)}\n${intro}`,
  );
}
