import type { Button, OutboundMessage } from '../channels/types';
import { returnVisitTexts } from '../i18n/return-visits';
import { SCALE_LABELS } from '../i18n/surveys';
import { localize, oneLine, type Language, type LocalizedText } from '../i18n/text';
import type { ReturnVisitRecord } from './return-visit-model';

/** The questions that carry buttons; `detail` is answered in words only. */
export type ButtonStep = 'solved' | 'rating' | 'comment';

/** A pressed visit button: `rv:<token>:<step>:<value>`. */
export interface VisitButton {
  token: string;
  step: ButtonStep;
  value: string;
}

const ACTION = /^rv:([A-Za-z0-9_-]{16,32}):(solved|rating|comment):(yes|no|[1-5]|skip)$/;

/** The visit button an action names; undefined for any other action or a malformed one. */
export function parseVisitButton(action: string): VisitButton | undefined {
  const match = ACTION.exec(action);
  if (!match) return undefined;
  return { token: match[1] as string, step: match[2] as ButtonStep, value: match[3] as string };
}

/** The buttons of one question; they carry the visit's random token, never the case id. */
export function visitButtons(token: string, step: ButtonStep, language: Language): Button[] {
  const action = (value: string) => `rv:${token}:${step}:${value}`;
  if (step === 'solved')
    return [
      { label: localize(returnVisitTexts.yes, language), action: action('yes') },
      { label: localize(returnVisitTexts.no, language), action: action('no') },
    ];
  if (step === 'rating')
    return SCALE_LABELS.overall.map((label, i) => ({
      label: localize(label, language),
      action: action(String(i + 1)),
    }));
  return [{ label: localize(returnVisitTexts.skip, language), action: action('skip') }];
}

/** The first question of a visit: was the case (named by reference and short title) solved? */
export function solvedQuestion(
  visit: Pick<ReturnVisitRecord, 'buttonToken' | 'language' | 'reference'>,
  title: string,
): OutboundMessage {
  return {
    text: localize(returnVisitTexts.solved, visit.language, {
      reference: visit.reference,
      title: oneLine(title, 40),
    }),
    language: visit.language,
    buttons: visitButtons(visit.buttonToken, 'solved', visit.language),
  };
}

/** The rating or comment question with its buttons, after an optional `lead` line. */
export function followUpQuestion(
  visit: Pick<ReturnVisitRecord, 'buttonToken' | 'language'>,
  step: 'rating' | 'comment',
  lead = '',
): OutboundMessage {
  return {
    text: [lead, localize(returnVisitTexts[step], visit.language)].filter(Boolean).join('\n'),
    language: visit.language,
    buttons: visitButtons(visit.buttonToken, step, visit.language),
  };
}

/** A plain reply to the visit's owner in the visit's language. */
export function sayTo(
  visit: Pick<ReturnVisitRecord, 'language'>,
  text: LocalizedText,
  values: Record<string, string | number> = {},
): OutboundMessage {
  return { text: localize(text, visit.language, values), language: visit.language };
}
