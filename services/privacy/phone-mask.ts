import { maskPhone } from '../logging/logger';

/**
 * Runs of 7-15 digits (single spaces or dashes allowed between them, optional +), not glued to
 * a word: phone numbers as owners type them ("138 0013 8000", "+86-139-0000-1111"). Case
 * references (WO-2611-0042) and units (5-2-1203) do not match.
 */
const PHONE_LIKE = /(?<![\w+-])\+?\d(?:[ -]?\d){6,14}(?![\w-])/g;

/**
 * Shows owner text with every phone-like number masked to its last four digits (`maskPhone`).
 * Phone numbers are kept in full only on the owner record; staff pages and logs show this.
 */
export function maskPhonesInText(text: string): string {
  return text.replace(PHONE_LIKE, (match) => maskPhone(match));
}
