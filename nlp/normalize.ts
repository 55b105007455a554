import { rewriteCantoneseCopula, toMandarin } from './dialect';
import { toSimplified } from './script';

/**
 * Text normalization shared by every part of `nlp/`, so the classifier, the emergency
 * detector, the FAQ index and staff corrections all see a message the same way, whether
 * the owner wrote Simplified or Traditional Chinese, Mandarin or Cantonese.
 */

const APOSTROPHES = /[\u2018\u2019\u02bc\u0060\u00b4]/g;
const DOUBLE_QUOTES = /[\u201c\u201d\u300c\u300d\u300e\u300f]/g;
const WHITESPACE = /\s+/gu;
/** Runs of the same punctuation mark ("!!!", "???", "。。。", "~~~"). */
const REPEATED_PUNCTUATION = /([!?.,~\u3002\u3001\u2026;:-])\1+/g;
/** Mixed runs of ! and ? ("?!?!") keep one of each, in order of first appearance. */
const MIXED_EXCLAMATION = /[!?]{2,}/g;
/** "sooooo" -> "so", "pleeease" -> "please": nobody spells a word with a letter three times. */
const STRETCHED_LETTER = /([a-z])\1{2,}/g;
/** "快快快快" -> "快快": a doubled character can be a word (妈妈, 快快), a longer run is emphasis. */
const STRETCHED_HAN = /(\p{Script=Han})\1{2,}/gu;

/**
 * Returns the canonical form of a message: NFKC (full-width letters, digits and punctuation
 * become half-width), lower case, Traditional Chinese as Simplified, common written Cantonese
 * as Mandarin (咗 -> 了, 𨋢 -> 电梯), straight quotes, repeated punctuation and stretched letters
 * squashed, whitespace collapsed and trimmed. Emoji are kept. Idempotent.
 */
export function normalizeText(text: string): string {
  // One message is normalized by several steps in a row (detector, tokens, corrections).
  if (text === lastInput) return lastOutput;
  const normalized = toMandarin(toSimplified(rewriteCantoneseCopula(text.normalize('NFKC'))))
    .toLowerCase()
    .replace(APOSTROPHES, "'")
    .replace(DOUBLE_QUOTES, '"')
    .replace(REPEATED_PUNCTUATION, '$1')
    .replace(MIXED_EXCLAMATION, (run) => [...new Set(run)].join(''))
    .replace(STRETCHED_LETTER, '$1')
    .replace(STRETCHED_HAN, '$1$1')
    .replace(WHITESPACE, ' ')
    .trim();
  lastInput = text;
  lastOutput = normalized;
  return normalized;
}

let lastInput = '';
let lastOutput = '';

/**
 * The key under which a staff correction is remembered: the normalized text without
 * punctuation, symbols or spaces, so "Lift broken!!" and "lift broken" are the same message.
 */
export function correctionKey(text: string): string {
  return normalizeText(text).replace(/[\p{P}\p{S}\s]+/gu, '');
}
