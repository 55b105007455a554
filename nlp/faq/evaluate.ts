import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { PROJECT_ROOT } from '../project-root';
import { FAQ_LANGUAGES, type FaqLanguage } from './schema';
import type { FaqIndex } from './search';

/** Questions owners might ask of the sample FAQ, written apart from its entries. */
export interface FaqQuestion {
  text: string;
  language: FaqLanguage;
  /** The entry id that answers it, or null when no entry does (it must be handed over). */
  expected: string | null;
}

/** dev tunes the FAQ thresholds; test is held aside and only scored. */
export type FaqQuestionSplit = 'dev' | 'test';

export const FAQ_QUESTIONS_DIR = path.join(PROJECT_ROOT, 'nlp/knowledge/faq-questions');

const questionLine = z.object({
  text: z.string().min(1),
  language: z.enum(FAQ_LANGUAGES),
  expected: z.string().min(1).nullable(),
});

/** Reads one split of the FAQ question set; throws naming the line of any bad one. */
export function loadFaqQuestions(split: FaqQuestionSplit, dir = FAQ_QUESTIONS_DIR): FaqQuestion[] {
  const file = path.join(dir, `${split}.jsonl`);
  return fs
    .readFileSync(file, 'utf8')
    .split('\n')
    .flatMap((line, i) => {
      if (line.trim() === '') return [];
      const parsed = questionLine.safeParse(JSON.parse(line));
      if (!parsed.success) throw new Error(`${file}:${i + 1}: ${parsed.error.message}`);
      return [parsed.data];
    });
}

/** How the FAQ did on a question set. */
export interface FaqEvaluation {
  count: number;
  /** Questions some entry answers. */
  answerable: number;
  right: number;
  /** A wrong entry, or any entry for a question none answers. */
  wrong: number;
  handedOver: number;
  /** Right answers among the answerable questions. */
  top1Accuracy: number;
  /** Wrong answers among all questions: what an owner would be told that is not so. */
  wrongAnswerRate: number;
  mistakes: Array<{ question: FaqQuestion; answered: string | undefined; score: number }>;
}

/** Asks every question of the index and counts right answers, wrong answers and hand-overs. */
export function evaluateFaq(index: FaqIndex, questions: readonly FaqQuestion[]): FaqEvaluation {
  let right = 0;
  let wrong = 0;
  const mistakes: FaqEvaluation['mistakes'] = [];
  for (const question of questions) {
    const match = index.answer(question.text, question.language);
    if (match?.entry.id === question.expected && match) right++;
    else if (match) wrong++;
    if (match?.entry.id !== (question.expected ?? undefined)) {
      const [best] = index.rank(question.text, question.language, 1);
      mistakes.push({ question, answered: match?.entry.id, score: match?.score ?? best?.score ?? 0 });
    }
  }
  const answerable = questions.filter((question) => question.expected !== null).length;
  return {
    count: questions.length,
    answerable,
    right,
    wrong,
    handedOver: questions.length - right - wrong,
    top1Accuracy: answerable === 0 ? 0 : right / answerable,
    wrongAnswerRate: questions.length === 0 ? 0 : wrong / questions.length,
    mistakes,
  };
}
