/** The languages ownerbot understands; `mixed` is a message that leans on both. */
export type Language = 'zh' | 'en' | 'mixed';

const HAN = /\p{Script=Han}/gu;
const LATIN_WORD = /\p{Script=Latin}{2,}/gu;
/** Chinese punctuation that survives NFKC (。、《》【】) says "typed on a Chinese keyboard". */
const CJK_PUNCTUATION = /[\u3000-\u303f\u3010\u3011\u300a\u300b]/u;

/**
 * A Latin word carries about as much meaning as two Han characters; a message is `mixed`
 * when the minority script carries more than this share of it.
 */
const LATIN_WORD_WEIGHT = 2;
const MIXED_SHARE = 0.3;

/**
 * Detects the language of a message from its scripts: only Han -> `zh`, only Latin -> `en`,
 * both with the smaller side above 30 % of the weight -> `mixed`. Text with neither script
 * (digits, emoji) is `zh` when it has Chinese punctuation, else `en`. Never throws.
 */
export function detectLanguage(text: string): Language {
  const han = text.match(HAN)?.length ?? 0;
  const latin = (text.match(LATIN_WORD)?.length ?? 0) * LATIN_WORD_WEIGHT;
  if (han === 0 && latin === 0) return CJK_PUNCTUATION.test(text) ? 'zh' : 'en';
  if (latin === 0) return 'zh';
  if (han === 0) return 'en';
  const minority = Math.min(han, latin) / (han + latin);
  if (minority > MIXED_SHARE) return 'mixed';
  return han > latin ? 'zh' : 'en';
}

/**
 * The language to answer in or look an FAQ up in: a mixed message gets the language of the
 * script it uses most (ties go to Chinese, the owners' first language in most deployments).
 */
export function replyLanguage(text: string): 'zh' | 'en' {
  const language = detectLanguage(text);
  if (language !== 'mixed') return language;
  const han = text.match(HAN)?.length ?? 0;
  const latin = (text.match(LATIN_WORD)?.length ?? 0) * LATIN_WORD_WEIGHT;
  return latin > han ? 'en' : 'zh';
}
