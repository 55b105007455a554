import { PorterStemmer } from './natural';
import { cueTokens } from './cues';
import { normalizeText } from './normalize';

/*
 * Tokens are the features every model in nlp/ sees. natural has no Chinese tokenizer (a
 * Chinese string gives it no tokens), so we build the arrays here and hand natural arrays.
 * Shapes, chosen so that no two kinds can collide:
 *   English   stem "leak", word bigram "water+leak", negation "not_work"
 *   Chinese   character "漏", character bigram "漏水"
 *   signals   "?" "!" "#" (any number) ":angry:" ":thumbs_up:" ... (emoji and emoticons)
 *   edges     "^请问" (first two Han characters), "吗$" "了吗$" (last one and two), "^why"
 *             "pleas$" (first and last English stem): where a message starts and ends says
 *             much of what it wants (请问...吗 asks, ...有人管吗 complains, ...吧 requests)
 */

const APOSTROPHE_CONTRACTIONS: ReadonlyArray<[RegExp, string]> = [
  [/\bwon't\b/g, 'will not'],
  [/\bshan't\b/g, 'shall not'],
  [/\bcan't\b/g, 'can not'],
  [/\bain't\b/g, 'is not'],
  [/n't\b/g, ' not'],
  [/'re\b/g, ' are'],
  [/'m\b/g, ' am'],
  [/'ll\b/g, ' will'],
  [/'ve\b/g, ' have'],
  [/'d\b/g, ' would'],
  [/'s\b/g, ''],
];
/** Owners type on phones: the apostrophe is often missing ("doesnt", "cant"). */
const BARE_CONTRACTIONS: ReadonlyArray<[RegExp, string]> = [
  [/\b(do|does|did|is|are|was|were|have|has|had|could|would|should|must|need)nt\b/g, '$1 not'],
  [/\bcan(?:t|not)\b/g, 'can not'],
];

const NEGATORS = new Set(['not', 'no', 'never', 'nobody', 'nothing', 'none', 'neither', 'nor', 'without']);
/** Words skipped when looking for what a negator negates ("is not really working" -> not_work). */
const NEGATION_SKIP = new Set([
  'be', 'is', 'are', 'was', 'were', 'been', 'being', 'am', 'very', 'really', 'even', 'still', 'the', 'a',
  'an', 'my', 'our', 'any', 'at', 'all', 'so', 'too', 'yet', 'quite', 'ever', 'to', 'get', 'got', 'one',
  'properly', 'been', 'have', 'has', 'had', 'do', 'does', 'did', 'will', 'can', 'could', 'would',
]); // prettier-ignore

const EMOJI_SIGNALS: ReadonlyArray<[string, string]> = [
  [':angry:', '😡😠🤬👿💢😤🖕'],
  [':thumbs_down:', '👎'],
  [':thumbs_up:', '👍👌👏💯'],
  [':thanks:', '🙏❤💕🌹'],
  [':sad:', '😢😭😞😔😩😫☹🙁😟😥😰😱'],
  [':happy:', '😊🙂😀😃😄😁😆🥰😍☺😘🤗'],
  [':confused:', '🤔😕❓❔'],
  [':fire:', '🔥🚒🧯'],
  [':alarm:', '🚨🆘⚠'],
  [':water:', '💧🌊💦'],
];
const EMOJI_TOKEN = new Map<string, string>(
  EMOJI_SIGNALS.flatMap(([token, emoji]) => [...emoji].map((e): [string, string] => [e, token])),
);
const EMOTICONS: Readonly<Record<string, string>> = {
  ':)': ':happy:',
  ':-)': ':happy:',
  ':(': ':sad:',
  ':-(': ':sad:',
};

/**
 * One scan splits a normalized message into Han runs, words, numbers, ! ?, emoticons, emoji
 * and clause breaks (which only stop word bigrams and negation from running on).
 */
const PIECES =
  /(\p{Script=Han}+)|(\p{Script=Latin}+(?:'\p{Script=Latin}+)*)|(\d+(?:[.:]\d+)*)|([!?])|(:-?[()])|(\p{Extended_Pictographic})|([,.;:\u3001\u3002])/gu;

const STEM_CACHE_LIMIT = 50_000;
const stemCache = new Map<string, string>();

/** Porter stem through a bounded cache: stemming dominates tokenization time otherwise. */
export function stemWord(word: string): string {
  let stem = stemCache.get(word);
  if (stem === undefined) {
    stem = word.length <= 2 ? word : PorterStemmer.stem(word);
    if (stemCache.size >= STEM_CACHE_LIMIT) stemCache.clear();
    stemCache.set(word, stem);
  }
  return stem;
}

/** Expands English contractions ("doesn't" -> "does not") so negation is always a word. */
export function expandContractions(normalized: string): string {
  let text = normalized;
  if (text.includes("'")) {
    for (const [pattern, replacement] of APOSTROPHE_CONTRACTIONS) text = text.replace(pattern, replacement);
  }
  for (const [pattern, replacement] of BARE_CONTRACTIONS) text = text.replace(pattern, replacement);
  return text;
}

export interface TokenizeOptions {
  /** Add English word bigrams ("water+leak"); on by default. */
  wordBigrams?: boolean;
  /** Add Chinese character bigrams ("漏水"); on by default. */
  hanBigrams?: boolean;
  /** Add domain topic and cue tokens ("@topic:parking", see cues.ts); on by default. */
  cues?: boolean;
  /** Add edge tokens for how the message starts and ends ("^请问", "吗$"); on by default. */
  edges?: boolean;
}

/**
 * Turns a message (raw or normalized) into the token array every nlp model uses: English
 * stems, word bigrams and negation features, Chinese characters and character bigrams,
 * signal tokens for ! ? numbers and emoji, and edge tokens for how it starts and ends.
 * Deterministic; an empty message gives [].
 */
export function tokenize(text: string, options: TokenizeOptions = {}): string[] {
  const wordBigrams = options.wordBigrams ?? true;
  const hanBigrams = options.hanBigrams ?? true;
  const edges = options.edges ?? true;
  const tokens: string[] = [];
  let words: string[] = [];
  // Edges: the first Han run and English word are seen once; the last ones are kept for the end.
  let firstHan = true;
  let firstWord = true;
  let lastHan = '';
  let lastWord = '';

  const flushWords = (): void => {
    if (edges && words.length > 0) {
      if (firstWord) tokens.push(`^${stemWord(words[0] as string)}`);
      firstWord = false;
      lastWord = stemWord(words[words.length - 1] as string);
    }
    for (let i = 0; i < words.length; i++) {
      const word = words[i] as string;
      const stem = stemWord(word);
      tokens.push(stem);
      if (wordBigrams && i > 0) tokens.push(`${stemWord(words[i - 1] as string)}+${stem}`);
      if (NEGATORS.has(word)) {
        for (let j = i + 1; j < words.length && j <= i + 3; j++) {
          const next = words[j] as string;
          if (NEGATION_SKIP.has(next)) continue;
          if (!NEGATORS.has(next)) tokens.push(`not_${stemWord(next)}`);
          break;
        }
      }
    }
    words = [];
  };

  const normalized = expandContractions(normalizeText(text));
  for (const match of normalized.matchAll(PIECES)) {
    const [, han, word, number, mark, emoticon, emoji] = match;
    if (word !== undefined) {
      words.push(word);
      continue;
    }
    flushWords();
    if (han !== undefined) {
      for (let i = 0; i < han.length; i++) {
        tokens.push(han[i] as string);
        if (hanBigrams && i > 0) tokens.push(han.slice(i - 1, i + 1));
      }
      if (edges) {
        if (firstHan) tokens.push(`^${han.slice(0, 2)}`);
        firstHan = false;
        lastHan = han;
      }
    } else if (number !== undefined) {
      tokens.push('#');
    } else if (mark !== undefined) {
      tokens.push(mark);
    } else if (emoticon !== undefined) {
      tokens.push(EMOTICONS[emoticon] ?? ':emoji:');
    } else if (emoji !== undefined) {
      tokens.push(EMOJI_TOKEN.get(emoji) ?? ':emoji:');
    }
  }
  flushWords();
  if (lastWord) tokens.push(`${lastWord}$`);
  if (lastHan) tokens.push(`${lastHan.slice(-1)}$`);
  if (lastHan.length > 1) tokens.push(`${lastHan.slice(-2)}$`);
  if (options.cues ?? true) tokens.push(...cueTokens(normalized));
  return tokens;
}
