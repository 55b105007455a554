import { isCantonese } from './dialect';
import { chineseScript } from './script';

/**
 * The languages ownerbot understands: Mandarin in Simplified (`zh`) or Traditional characters
 * (`zh-Hant`), written Cantonese (`yue`, in either script), English, and `mixed` for a message
 * that leans on both Chinese and English.
 */
export type Language = 'zh' | 'zh-Hant' | 'yue' | 'en' | 'mixed';

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

function scriptWeights(text: string): { han: number; latin: number } {
  return {
    han: text.match(HAN)?.length ?? 0,
    latin: (text.match(LATIN_WORD)?.length ?? 0) * LATIN_WORD_WEIGHT,
  };
}

/** `zh`, `en` or `mixed` from the share of Han characters against Latin words. */
function mainLanguage(text: string): 'zh' | 'en' | 'mixed' {
  const { han, latin } = scriptWeights(text);
  if (han === 0 && latin === 0) return CJK_PUNCTUATION.test(text) ? 'zh' : 'en';
  if (latin === 0) return 'zh';
  if (han === 0) return 'en';
  const minority = Math.min(han, latin) / (han + latin);
  if (minority > MIXED_SHARE) return 'mixed';
  return han > latin ? 'zh' : 'en';
}

/**
 * Detects the language of a message from its scripts: only Han -> Chinese, only Latin -> `en`,
 * both with the smaller side above 30 % of the weight -> `mixed`. Chinese is `yue` when it
 * uses words only Cantonese writes (咗, 喺, 冇...), else `zh-Hant` in Traditional characters,
 * else `zh`. Text with neither script is `zh` when it has Chinese punctuation, else `en`.
 */
export function detectLanguage(text: string): Language {
  const main = mainLanguage(text);
  if (main !== 'zh') return main;
  const script = chineseScript(text);
  if (script === undefined) return 'zh';
  if (isCantonese(text.normalize('NFKC'))) return 'yue';
  return script === 'Hant' ? 'zh-Hant' : 'zh';
}

/** True for the Chinese languages (`zh`, `zh-Hant`, `yue`). */
export function isChinese(language: Language): boolean {
  return language === 'zh' || language === 'zh-Hant' || language === 'yue';
}

/**
 * The language to answer in or look an FAQ up in: Chinese of any script or dialect is `zh`; a
 * mixed message gets the language of the script it uses most (ties go to Chinese, the owners'
 * first language in most deployments).
 */
export function replyLanguage(text: string): 'zh' | 'en' {
  const main = mainLanguage(text);
  if (main !== 'mixed') return main;
  const { han, latin } = scriptWeights(text);
  return latin > han ? 'en' : 'zh';
}
