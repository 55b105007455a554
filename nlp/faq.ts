import { z } from 'zod';
import { CATEGORIES } from './labels';
import { replyLanguage } from './language';
import { TfIdf } from './natural';
import { tokenize } from './tokenize';

const nonEmpty = (what: string) =>
  z
    .string({
      error: (issue) => (issue.input === undefined ? `${what} is missing` : `${what} must be a string`),
    })
    .trim()
    .min(1, `${what} must not be empty`);

const faqEntrySchema = z.object({
  id: nonEmpty('id'),
  topic: nonEmpty('topic'),
  category: z.enum(CATEGORIES, { error: `category must be one of: ${CATEGORIES.join(', ')}` }),
  questions: z.object({
    zh: z.array(nonEmpty('a question')).min(1, 'needs at least one Chinese question'),
    en: z.array(nonEmpty('a question')).min(1, 'needs at least one English question'),
  }),
  answer: z.object({ zh: nonEmpty('the Chinese answer'), en: nonEmpty('the English answer') }),
});

const faqFileSchema = z.object({
  name: nonEmpty('name'),
  notice: z.string().optional(),
  entries: z.array(faqEntrySchema).min(1, 'must hold at least one entry'),
});

/** Ids must be unique; checked on the raw input so it is reported alongside every other problem. */
function duplicateIds(value: unknown): string[] {
  const entries = (value as { entries?: unknown } | null)?.entries;
  if (!Array.isArray(entries)) return [];
  const seen = new Map<string, number>();
  const problems: string[] = [];
  entries.forEach((entry: unknown, i) => {
    const id = (entry as { id?: unknown } | null)?.id;
    if (typeof id !== 'string' || id.trim() === '') return;
    const first = seen.get(id);
    if (first === undefined) seen.set(id, i);
    else problems.push(`entries[${i}].id: duplicate id "${id}" (first used by entries[${first}])`);
  });
  return problems;
}

/** One FAQ entry: question variants per language and the answer in both. */
export type FaqEntry = z.infer<typeof faqEntrySchema>;
/** An FAQ file as `npx ownerbot faq import FILE` reads it. */
export type FaqFile = z.infer<typeof faqFileSchema>;

/** Either the valid file or every problem found, each as "path: message". */
export type FaqValidation = { ok: true; file: FaqFile } | { ok: false; problems: string[] };

function formatPath(path: ReadonlyArray<PropertyKey>): string {
  return path.reduce<string>(
    (out, key) => (typeof key === 'number' ? `${out}[${key}]` : out ? `${out}.${String(key)}` : String(key)),
    '',
  );
}

/**
 * Checks a parsed FAQ document (`{ name, notice?, entries: [...] }`) and lists every problem
 * at once, each with its place ("entries[3].questions.en: needs at least one English question").
 */
export function validateFaqFile(value: unknown): FaqValidation {
  const parsed = faqFileSchema.safeParse(value);
  const problems = [
    ...(parsed.success
      ? []
      : parsed.error.issues.map((issue) => `${formatPath(issue.path) || 'file'}: ${issue.message}`)),
    ...duplicateIds(value),
  ];
  if (parsed.success && problems.length === 0) return { ok: true, file: parsed.data };
  return { ok: false, problems };
}

/** Like {@link validateFaqFile}, from the file's text; malformed JSON is one problem with its reason. */
export function parseFaqFile(content: string): FaqValidation {
  let value: unknown;
  try {
    value = JSON.parse(content);
  } catch (error) {
    return { ok: false, problems: [`not valid JSON: ${(error as Error).message}`] };
  }
  return validateFaqFile(value);
}

/** The best FAQ entry for a question and how close it is (cosine similarity, 0..1). */
export interface FaqMatch {
  entry: FaqEntry;
  score: number;
  /** The question variant that matched best. */
  question: string;
  language: 'zh' | 'en';
}

export interface FaqIndex {
  /**
   * The entry whose question variants (in `language`, by default the message's main language)
   * are most similar to `text`, or undefined when none reaches the threshold.
   */
  answer(text: string, language?: 'zh' | 'en'): FaqMatch | undefined;
  readonly size: number;
}

/** Tuned on the sample FAQ's paraphrases and unrelated messages (see docs/nlp.md). */
export const DEFAULT_FAQ_THRESHOLD = 0.3;

/** Punctuation tokens say nothing about which question it is. */
const IGNORED_TOKENS = new Set(['?', '!']);

function termFrequencies(text: string): Map<string, number> {
  const counts = new Map<string, number>();
  for (const token of tokenize(text, { wordBigrams: false, cues: false, edges: false })) {
    if (!IGNORED_TOKENS.has(token)) counts.set(token, (counts.get(token) ?? 0) + 1);
  }
  return counts;
}

interface Variant {
  entry: FaqEntry;
  question: string;
  vector: Map<string, number>;
  norm: number;
}

function buildLanguageIndex(entries: readonly FaqEntry[], language: 'zh' | 'en') {
  const tfidf = new TfIdf();
  const documents = entries.flatMap((entry) =>
    entry.questions[language].map((question) => ({ entry, question, counts: termFrequencies(question) })),
  );
  // natural's TfIdf gets token arrays (it has no Chinese tokenizer) and supplies the idf.
  for (const document of documents) {
    tfidf.addDocument(
      [...document.counts].flatMap(([token, count]) => Array<string>(count).fill(token)),
      document.question,
    );
  }
  const idf = new Map<string, number>();
  for (const document of documents)
    for (const token of document.counts.keys()) idf.set(token, tfidf.idf(token));
  const unseenIdf = 1 + Math.log(Math.max(1, documents.length));
  const variants: Variant[] = documents.map(({ entry, question, counts }) => {
    const vector = new Map<string, number>();
    let norm = 0;
    for (const [token, count] of counts) {
      const weight = count * (idf.get(token) as number);
      vector.set(token, weight);
      norm += weight * weight;
    }
    return { entry, question, vector, norm: Math.sqrt(norm) };
  });
  return {
    best(text: string): { variant: Variant; score: number } | undefined {
      const counts = termFrequencies(text);
      let queryNorm = 0;
      const query = new Map<string, number>();
      for (const [token, count] of counts) {
        const weight = count * (idf.get(token) ?? unseenIdf);
        query.set(token, weight);
        queryNorm += weight * weight;
      }
      queryNorm = Math.sqrt(queryNorm);
      if (queryNorm === 0) return undefined;
      let best: { variant: Variant; score: number } | undefined;
      for (const variant of variants) {
        if (variant.norm === 0) continue;
        let dot = 0;
        for (const [token, weight] of query) dot += weight * (variant.vector.get(token) ?? 0);
        const score = dot / (queryNorm * variant.norm);
        if (!best || score > best.score) best = { variant, score };
      }
      return best;
    },
  };
}

/**
 * Builds a TF-IDF index (natural's idf, cosine similarity over nlp tokens) of every question
 * variant, one per language. `answer` returns the closest entry at or above `threshold`.
 */
export function createFaqIndex(entries: readonly FaqEntry[], options: { threshold?: number } = {}): FaqIndex {
  const threshold = options.threshold ?? DEFAULT_FAQ_THRESHOLD;
  const indexes = { zh: buildLanguageIndex(entries, 'zh'), en: buildLanguageIndex(entries, 'en') };
  return {
    size: entries.length,
    answer(text, language = replyLanguage(text)) {
      const best = indexes[language].best(text);
      if (!best || best.score < threshold) return undefined;
      return { entry: best.variant.entry, score: best.score, question: best.variant.question, language };
    },
  };
}
