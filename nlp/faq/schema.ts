import { z } from 'zod';
import { CATEGORIES } from '../labels';

/** The languages an FAQ entry can be written in; an entry needs at least one. */
export const FAQ_LANGUAGES = ['zh', 'en'] as const;
export type FaqLanguage = (typeof FAQ_LANGUAGES)[number];
const LANGUAGE_NAMES: Record<FaqLanguage, string> = { zh: 'Chinese', en: 'English' };
const WITH_ARTICLE: Record<FaqLanguage, string> = { zh: 'a Chinese', en: 'an English' };

const nonEmpty = (what: string) =>
  z
    .string({
      error: (issue) => (issue.input === undefined ? `${what} is missing` : `${what} must be a string`),
    })
    .trim()
    .min(1, `${what} must not be empty`);

const questionList = (language: FaqLanguage) =>
  z
    .array(nonEmpty('a question'))
    .min(1, `is empty; leave it out if the entry has no ${LANGUAGE_NAMES[language]} questions`)
    .optional();

/**
 * One entry in Chinese, English or both: each language with questions needs an answer in that
 * language (an answer alone is fine: it is searched too), and an entry needs one of each.
 */
const faqEntrySchema = z
  .object({
    id: nonEmpty('id'),
    topic: nonEmpty('topic'),
    category: z.enum(CATEGORIES, { error: `category must be one of: ${CATEGORIES.join(', ')}` }),
    questions: z.object({ zh: questionList('zh'), en: questionList('en') }),
    answer: z.object({
      zh: nonEmpty('the Chinese answer').optional(),
      en: nonEmpty('the English answer').optional(),
    }),
  })
  .superRefine((entry, context) => {
    if (!entry.questions.zh && !entry.questions.en) {
      context.addIssue({
        code: 'custom',
        path: ['questions'],
        message: 'needs at least one question, in Chinese or English',
      });
    }
    if (!entry.answer.zh && !entry.answer.en) {
      context.addIssue({
        code: 'custom',
        path: ['answer'],
        message: 'needs an answer, in Chinese or English',
      });
    }
    for (const language of FAQ_LANGUAGES) {
      if (entry.questions[language] && !entry.answer[language]) {
        context.addIssue({
          code: 'custom',
          path: ['answer', language],
          message: `missing: an entry with ${LANGUAGE_NAMES[language]} questions needs ${WITH_ARTICLE[language]} answer`,
        });
      }
    }
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

/** One FAQ entry: question variants and the answer in Chinese, English or both. */
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
