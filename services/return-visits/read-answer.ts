import { choiceFromNumber } from '../channels/render';
import { isSkip } from '../surveys/outreach-answer';

/** What a reply says to a question: an answer, a number that is not one of the options, or nothing. */
export type Reading<T> = { answer: T } | 'invalid' | undefined;

const YES = /^(yes|y|yep|solved|fixed|ok|是|是的|对|解决了|已解决|好了|修好了|没问题)[.!。！]*$/i;
const NO = /^(no|n|nope|not yet|not solved|否|不|没有|没|没解决|未解决|还没|还没有|没修好)[.!。！]*$/i;
/** Most comments fit; a longer one is stored cut rather than refused. */
export const MAX_COMMENT = 2000;

const isNumber = (text: string) => /^\d+$/.test(text.normalize('NFKC'));

/** "Was it solved?": the button's value, else yes or no in words or as option 1 or 2. */
export function readSolved(text: string, pressed: string | undefined): Reading<'yes' | 'no'> {
  const normalized = text.normalize('NFKC');
  const value =
    pressed ??
    (YES.test(normalized) ? 'yes' : NO.test(normalized) ? 'no' : choiceFromNumber(text, ['yes', 'no']));
  if (value === 'yes' || value === 'no') return { answer: value };
  return isNumber(text) ? 'invalid' : undefined;
}

/** "How satisfied (1-5)?": the button's value, else a score typed as a number. */
export function readRating(text: string, pressed: string | undefined): Reading<number> {
  const rating = Number(pressed ?? choiceFromNumber(text, ['1', '2', '3', '4', '5']));
  if (rating >= 1 && rating <= 5) return { answer: rating };
  return isNumber(text) ? 'invalid' : undefined;
}

/**
 * "Anything to add?": '' for a skip (button or word), else the text while the question is
 * `fresh`; an empty or late text is not an answer.
 */
export function readComment(text: string, pressed: string | undefined, fresh: boolean): string | undefined {
  const skip = pressed !== undefined ? pressed === 'skip' : isSkip(text);
  if (skip) return '';
  if (text === '' || !fresh) return undefined;
  return text.slice(0, MAX_COMMENT);
}

/** "What is still wrong?": any fresh text but a skip. */
export function readDetail(text: string, fresh: boolean): string | undefined {
  if (isSkip(text) || text === '' || !fresh) return undefined;
  return text;
}
