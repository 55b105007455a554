import { replyLanguage } from '../language';
import { TfIdf } from '../natural';
import { normalizeText } from '../normalize';
import { tokenize } from '../tokenize';
import type { FaqEntry, FaqLanguage } from './schema';
import { synonymTokens } from './synonyms';

/** The FAQ entry chosen for a question, how close it is, and by how much it beat the next entry. */
export interface FaqMatch {
  entry: FaqEntry;
  /** Similarity of the question to the entry, 0..1. */
  score: number;
  /** `score` minus the score of the second-best entry. */
  margin: number;
  /** The question variant (or the topic or answer) that matched best. */
  question: string;
  language: FaqLanguage;
  /** The entry's answer in `language`. */
  answer: string;
}

/** One ranked entry, for evaluation and diagnostics. */
export interface FaqCandidate {
  entry: FaqEntry;
  score: number;
  question: string;
}

export interface FaqIndex {
  /**
   * The entry that answers `text` in `language` (by default the message's main language), or
   * undefined when none is both close enough and clearly ahead of the next: hand over then.
   */
  answer(text: string, language?: FaqLanguage): FaqMatch | undefined;
  /** The closest entries, best first, whatever their score. */
  rank(text: string, language?: FaqLanguage, limit?: number): FaqCandidate[];
  readonly size: number;
}

export interface FaqIndexOptions {
  /** An answer needs at least this similarity; default {@link DEFAULT_FAQ_THRESHOLD}. */
  threshold?: number;
  /** An answer must beat the second-best entry by this much; default {@link DEFAULT_FAQ_MARGIN}. */
  margin?: number;
}

/** Tuned on the held-aside FAQ dev questions (nlp/knowledge/faq-questions, see docs/nlp.md). */
export const DEFAULT_FAQ_THRESHOLD = 0.3;
/** Tuned on the held-aside FAQ dev questions (nlp/knowledge/faq-questions, see docs/nlp.md). */
export const DEFAULT_FAQ_MARGIN = 0.1;
/** A match on the topic counts for a little less than one on a question variant. */
const TOPIC_WEIGHT = 0.8;
/**
 * The answer text adds to the entry's best question or topic match rather than competing with
 * it: its wording is long and not phrased as a question, but it shares the subject's words.
 */
const ANSWER_BONUS = 0.2;

/**
 * Tokens that say nothing about which question it is: punctuation, English function words
 * (stemmed), the Chinese function characters and question frames every entry shares, and days.
 */
const IGNORED_TOKENS = new Set([
  '?', '!', '#',
  'i', 'me', 'my', 'we', 'our', 'you', 'your', 'it', 'is', 'are', 'am', 'be', 'do', 'doe', 'did', 'can',
  'could', 'would', 'should', 'will', 'a', 'an', 'the', 'to', 'of', 'in', 'on', 'at', 'for', 'from', 'with',
  'what', 'when', 'where', 'which', 'who', 'how', 'whi', 'there', 'thi', 'that', 'and', 'or', 'if', 'so',
  'get', 'ani', 'anyth', 'some', 'have', 'ha', 'need', 'want', 'pleas', 'just', 'about', 'up', 'out', 'by',
  'exactli', 'realli', 'now', 'tell', 'know', 'someth', 'thing',
  '的', '了', '吗', '呢', '吧', '啊', '呀', '么', '什', '怎', '我', '你', '他', '她', '是', '在', '有', '要', '能',
  '可', '以', '会', '去', '来', '这', '那', '哪', '里', '个', '一', '不', '没', '和', '就', '都', '还', '也', '给',
  '把', '被', '让', '对', '请', '问', '下', '些', '儿', '该', '想', '得', '着', '过', '吧',
  '请问', '什么', '怎么', '可以', '能不', '不能', '我要', '一下', '需要', '要去', '哪里', '有没', '没有', '我想',
  '能否', '怎样', '如何', '是否', '可不', '不可', '我们', '你们', '我家', '么办', '怎么办', '吗?',
  // Days name when, not what: "明天会下雨吗" is not about tomorrow's water cut.
  'todai', 'tomorrow', 'tonight', 'yesterdai',
  '今', '明', '昨', '天', '今天', '明天', '昨天', '后天', '今晚', '明晚',
]); // prettier-ignore
const HAN = /\p{Script=Han}/u;

function termFrequencies(text: string): Map<string, number> {
  const counts = new Map<string, number>();
  const tokens = tokenize(text, { wordBigrams: false, cues: false, edges: false });
  // Concepts are added, not substituted: blanking the words they stand for lost 8 of 36 right
  // answers on the dev questions (the words still tell entries of one family apart).
  for (const token of [...tokens, ...synonymTokens(normalizeText(text))]) {
    if (!IGNORED_TOKENS.has(token)) counts.set(token, (counts.get(token) ?? 0) + 1);
  }
  return counts;
}

/** A searchable text of an entry as a TF-IDF vector. */
interface Document {
  entry: FaqEntry;
  text: string;
  weight: number;
  /** The answer text: its similarity is added to the entry's best match, not compared with it. */
  answer: boolean;
  vector: Map<string, number>;
  norm: number;
}

type Searchable = Pick<Document, 'entry' | 'text' | 'weight' | 'answer'>;

/** The texts an entry is found by in one language: its questions, its topic and its answer. */
function searchableTexts(entry: FaqEntry, language: FaqLanguage): Searchable[] {
  const answer = entry.answer[language];
  if (!answer) return [];
  const texts: Searchable[] = (entry.questions[language] ?? []).map((text) => ({
    entry,
    text,
    weight: 1,
    answer: false,
  }));
  if (HAN.test(entry.topic) === (language === 'zh')) {
    texts.push({ entry, text: entry.topic, weight: TOPIC_WEIGHT, answer: false });
  }
  texts.push({ entry, text: answer, weight: ANSWER_BONUS, answer: true });
  return texts;
}

function vectorOf(counts: Map<string, number>, idfOf: (token: string) => number) {
  const vector = new Map<string, number>();
  let norm = 0;
  for (const [token, count] of counts) {
    const weight = count * idfOf(token);
    vector.set(token, weight);
    norm += weight * weight;
  }
  return { vector, norm: Math.sqrt(norm) };
}

/** For each token, the documents that have it and its weight there: a query reads only its own tokens' lists. */
type Postings = Map<string, Array<{ index: number; weight: number }>>;

function postingsOf(documents: readonly Document[]): Postings {
  const postings: Postings = new Map();
  documents.forEach((document, index) => {
    for (const [token, weight] of document.vector) {
      const list = postings.get(token);
      if (list) list.push({ index, weight });
      else postings.set(token, [{ index, weight }]);
    }
  });
  return postings;
}

/** Every entry's score for a query: its best question or topic match plus its answer's bonus. */
function scoreEntries(
  query: ReturnType<typeof vectorOf>,
  documents: readonly Document[],
  postings: Postings,
): FaqCandidate[] {
  // Each document's dot product with the query, summed token by token in the query's order.
  const dots = new Float64Array(documents.length);
  for (const [token, weight] of query.vector)
    for (const posting of postings.get(token) ?? []) dots[posting.index]! += weight * posting.weight;
  const best = new Map<FaqEntry, FaqCandidate>();
  const bonus = new Map<FaqEntry, number>();
  documents.forEach((document, index) => {
    if (document.norm === 0) return;
    const score = (document.weight * dots[index]!) / (query.norm * document.norm);
    if (document.answer) {
      bonus.set(document.entry, score);
      return;
    }
    const known = best.get(document.entry);
    if (!known || score > known.score)
      best.set(document.entry, { entry: document.entry, score, question: document.text });
  });
  for (const candidate of best.values()) candidate.score += bonus.get(candidate.entry) ?? 0;
  return [...best.values()].sort((a, b) => b.score - a.score);
}

function buildLanguageIndex(entries: readonly FaqEntry[], language: FaqLanguage) {
  const sources = entries.flatMap((entry) =>
    searchableTexts(entry, language).map((source) => ({ ...source, counts: termFrequencies(source.text) })),
  );
  // natural's TfIdf gets token arrays (it has no Chinese tokenizer) and supplies the idf.
  const tfidf = new TfIdf();
  for (const { counts } of sources) {
    tfidf.addDocument([...counts].flatMap(([token, count]) => Array<string>(count).fill(token)));
  }
  const idf = new Map<string, number>();
  for (const { counts } of sources) for (const token of counts.keys()) idf.set(token, tfidf.idf(token));
  const unseenIdf = 1 + Math.log(Math.max(1, sources.length));
  const documents: Document[] = sources.map(({ counts, ...source }) => ({
    ...source,
    ...vectorOf(counts, (token) => idf.get(token) as number),
  }));
  const postings = postingsOf(documents);
  return (text: string): FaqCandidate[] => {
    const query = vectorOf(termFrequencies(text), (token) => idf.get(token) ?? unseenIdf);
    return query.norm === 0 ? [] : scoreEntries(query, documents, postings);
  };
}

/**
 * Builds a TF-IDF index (natural's idf, cosine similarity over nlp tokens plus synonym
 * concepts) of every entry's questions, topic and answer, one per language; an entry is
 * searchable in each language it has an answer in. `answer` needs both the threshold and a
 * margin over the second-best entry, so a near tie is handed to staff rather than guessed.
 */
export function createFaqIndex(entries: readonly FaqEntry[], options: FaqIndexOptions = {}): FaqIndex {
  const threshold = options.threshold ?? DEFAULT_FAQ_THRESHOLD;
  const margin = options.margin ?? DEFAULT_FAQ_MARGIN;
  const search = { zh: buildLanguageIndex(entries, 'zh'), en: buildLanguageIndex(entries, 'en') };
  const rank = (text: string, language: FaqLanguage = replyLanguage(text), limit = 3): FaqCandidate[] =>
    search[language](text).slice(0, limit);
  return {
    size: entries.length,
    rank,
    answer(text, language = replyLanguage(text)) {
      const [best, second] = rank(text, language, 2);
      if (!best || best.score < threshold) return undefined;
      const lead = best.score - (second?.score ?? 0);
      if (lead < margin) return undefined;
      return {
        entry: best.entry,
        score: best.score,
        margin: lead,
        question: best.question,
        language,
        answer: best.entry.answer[language] as string,
      };
    },
  };
}
