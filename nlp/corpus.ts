import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { CATEGORIES, INTENTS, type Category, type Intent } from './labels';
import { PROJECT_ROOT } from './project-root';

/** The corpus splits: train to learn, dev to tune thresholds, test frozen for `npm run eval`. */
export type CorpusSplit = 'train' | 'dev' | 'test';
/** The corpus languages (one folder each under nlp/corpus/). */
export type CorpusLanguage = 'zh' | 'en';
export const CORPUS_LANGUAGES: readonly CorpusLanguage[] = ['zh', 'en'];

/** One labelled corpus message. */
export interface CorpusExample {
  text: string;
  intent: Intent;
  category: Category;
  emergency: boolean;
  language: CorpusLanguage;
}

const corpusLine = z.object({
  text: z.string().min(1),
  intent: z.enum(INTENTS),
  category: z.enum(CATEGORIES),
  emergency: z.boolean(),
});

/** The folder holding `{zh,en}/{train,dev,test}.jsonl`. */
export const CORPUS_DIR = path.join(PROJECT_ROOT, 'nlp/corpus');

/**
 * Parses JSON lines of `{"text","intent","category","emergency"}`. Blank lines are skipped;
 * every bad line is reported as "name:line: reason" in `problems` and left out.
 */
export function parseCorpus(
  content: string,
  language: CorpusLanguage,
  name = 'corpus',
): { examples: CorpusExample[]; problems: string[] } {
  const examples: CorpusExample[] = [];
  const problems: string[] = [];
  content.split('\n').forEach((line, i) => {
    if (line.trim() === '') return;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch (error) {
      problems.push(`${name}:${i + 1}: not JSON (${(error as Error).message})`);
      return;
    }
    const parsed = corpusLine.safeParse(value);
    if (!parsed.success) {
      const reasons = parsed.error.issues.map(
        (issue) => `${issue.path.join('.') || 'line'}: ${issue.message}`,
      );
      problems.push(`${name}:${i + 1}: ${reasons.join('; ')}`);
      return;
    }
    examples.push({ ...parsed.data, language });
  });
  return { examples, problems };
}

/**
 * Reads one split of the corpus for the given languages (both by default), Chinese first.
 * Throws when a file is missing or has a bad line, naming the file and line.
 */
export function loadCorpus(
  split: CorpusSplit,
  options: { languages?: readonly CorpusLanguage[]; dir?: string } = {},
): CorpusExample[] {
  const dir = options.dir ?? CORPUS_DIR;
  const examples: CorpusExample[] = [];
  for (const language of options.languages ?? CORPUS_LANGUAGES) {
    const file = path.join(dir, language, `${split}.jsonl`);
    const parsed = parseCorpus(fs.readFileSync(file, 'utf8'), language, path.relative(process.cwd(), file));
    if (parsed.problems.length > 0) {
      throw new Error(`The corpus has bad lines:\n${parsed.problems.map((p) => `  - ${p}`).join('\n')}`);
    }
    examples.push(...parsed.examples);
  }
  return examples;
}
