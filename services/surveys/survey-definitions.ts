import type { Connection } from 'mongoose';
import type { Clock } from '../clock';
import { AppError } from '../errors';
import { DEFAULT_SURVEY, type SurveyDefinitionInput } from './default-survey';
import {
  SURVEY_DIMENSIONS,
  SURVEY_MEASURES,
  surveyModels,
  type SurveyDefinitionRecord,
  type SurveyQuestion,
} from './survey-model';
import { isDuplicateKey } from '../outbox/outbox';

/** A survey file that cannot be used; lists every problem at once. */
export class SurveyDefinitionError extends AppError {
  readonly problems: readonly string[];
  constructor(problems: readonly string[]) {
    super(
      'survey_definition_invalid',
      `Invalid survey definition:\n${problems.map((p) => `  - ${p}`).join('\n')}`,
    );
    this.problems = problems;
  }
}

function isLocalized(value: unknown): boolean {
  const text = (value ?? {}) as Record<string, unknown>;
  return [text.zh, text.en].every((part) => typeof part === 'string' && part.trim() !== '');
}

/** Checks a parsed survey file; every problem is named (question by position and id). */
export function validateSurveyDefinition(input: unknown): SurveyDefinitionInput {
  const problems: string[] = [];
  const doc = (input ?? {}) as Record<string, unknown>;
  if (typeof doc.surveyId !== 'string' || !/^[a-z0-9_-]{1,40}$/.test(doc.surveyId))
    problems.push('surveyId must be 1-40 characters of a-z, 0-9, _ and -');
  if (!isLocalized(doc.title)) problems.push('title needs non-empty zh and en texts');
  if (!isLocalized(doc.intro)) problems.push('intro needs non-empty zh and en texts');
  const questions = Array.isArray(doc.questions) ? (doc.questions as Array<Record<string, unknown>>) : [];
  if (questions.length === 0) problems.push('questions must be a non-empty list');
  if (questions.length > 50) problems.push('at most 50 questions');
  const ids = new Set<string>();
  questions.forEach((q, index) => {
    const where = `question ${index + 1}${typeof q?.id === 'string' ? ` (${q.id})` : ''}`;
    if (typeof q?.id !== 'string' || !/^[a-z0-9_.-]{1,40}$/.test(q.id))
      problems.push(`${where}: id must be 1-40 characters of a-z, 0-9, _ . -`);
    else if (ids.has(q.id)) problems.push(`${where}: id is used twice`);
    else ids.add(q.id);
    if (q?.kind !== 'scale' && q?.kind !== 'text') problems.push(`${where}: kind must be scale or text`);
    if (!(SURVEY_MEASURES as readonly unknown[]).includes(q?.measure))
      problems.push(`${where}: measure must be one of ${SURVEY_MEASURES.join(', ')}`);
    const dimension = q?.dimension ?? '';
    if (q?.measure === 'perceived' || q?.measure === 'expectation') {
      if (!(SURVEY_DIMENSIONS as readonly unknown[]).includes(dimension))
        problems.push(
          `${where}: ${String(q.measure)} questions need a dimension, one of ${SURVEY_DIMENSIONS.join(', ')}`,
        );
    } else if (dimension !== '')
      problems.push(`${where}: only perceived and expectation questions have a dimension`);
    if ((q?.measure === 'comment') !== (q?.kind === 'text'))
      problems.push(`${where}: comment questions, and only they, are of kind text`);
    if (!isLocalized(q?.prompt)) problems.push(`${where}: prompt needs non-empty zh and en texts`);
    if (q?.optional !== undefined && typeof q.optional !== 'boolean')
      problems.push(`${where}: optional must be true or false`);
  });
  if (problems.length > 0) throw new SurveyDefinitionError(problems);
  return {
    surveyId: doc.surveyId as string,
    title: doc.title as SurveyDefinitionInput['title'],
    intro: doc.intro as SurveyDefinitionInput['intro'],
    questions: questions.map((q): SurveyQuestion => ({
      id: q.id as string,
      kind: q.kind as SurveyQuestion['kind'],
      measure: q.measure as SurveyQuestion['measure'],
      dimension: (q.dimension ?? '') as SurveyQuestion['dimension'],
      prompt: q.prompt as SurveyQuestion['prompt'],
      optional: q.optional === true,
    })),
  };
}

/**
 * Survey definitions: versioned, never edited in place. Importing a changed survey adds
 * version n+1; importing the same content again adds nothing. Campaigns name the version
 * they used, so answers keep their meaning.
 */
export function createSurveyDefinitions(deps: { connection: Connection; clock: Clock }) {
  const { Definitions } = surveyModels(deps.connection);

  const latest = async (surveyId: string): Promise<SurveyDefinitionRecord | undefined> =>
    (await Definitions.find({ surveyId }).sort({ version: -1 }).limit(1).lean<SurveyDefinitionRecord[]>())[0];

  const sameContent = (a: SurveyDefinitionInput, b: SurveyDefinitionInput) =>
    JSON.stringify([a.title, a.intro, a.questions]) === JSON.stringify([b.title, b.intro, b.questions]);

  async function importDefinition(
    input: unknown,
  ): Promise<{ definition: SurveyDefinitionRecord; created: boolean }> {
    const valid = validateSurveyDefinition(input);
    await Definitions.init();
    for (let attempt = 0; attempt < 5; attempt++) {
      const current = await latest(valid.surveyId);
      if (current && sameContent(valid, normalize(current))) return { definition: current, created: false };
      const version = (current?.version ?? 0) + 1;
      const record: SurveyDefinitionRecord = {
        _id: `${valid.surveyId}@${version}`,
        surveyId: valid.surveyId,
        version,
        title: valid.title,
        intro: valid.intro,
        questions: valid.questions,
        createdAt: deps.clock.now(),
      };
      try {
        await Definitions.create(record);
        return { definition: record, created: true };
      } catch (error) {
        if (!isDuplicateKey(error)) throw error; // another import took this version: look again
      }
    }
    throw new AppError('survey_import_busy', 'The survey changed too often at once; try again');
  }

  return {
    importDefinition,
    /** The newest version of a survey; the default survey is stored as version 1 on first use. */
    async current(surveyId = DEFAULT_SURVEY.surveyId): Promise<SurveyDefinitionRecord> {
      const found = await latest(surveyId);
      if (found) return found;
      if (surveyId !== DEFAULT_SURVEY.surveyId)
        throw new AppError('survey_not_found', `No survey ${surveyId} was imported`);
      return (await importDefinition(DEFAULT_SURVEY)).definition;
    },
    async get(definitionId: string): Promise<SurveyDefinitionRecord> {
      const found = await Definitions.findById(definitionId).lean<SurveyDefinitionRecord>();
      if (!found) throw new AppError('survey_not_found', `No survey definition ${definitionId}`);
      return found;
    },
  };
}

export type SurveyDefinitions = ReturnType<typeof createSurveyDefinitions>;

function normalize(record: SurveyDefinitionRecord): SurveyDefinitionInput {
  return {
    surveyId: record.surveyId,
    title: { zh: record.title.zh, en: record.title.en },
    intro: { zh: record.intro.zh, en: record.intro.en },
    questions: record.questions.map((q) => ({
      id: q.id,
      kind: q.kind,
      measure: q.measure,
      dimension: q.dimension ?? '',
      prompt: { zh: q.prompt.zh, en: q.prompt.en },
      optional: q.optional === true,
    })),
  };
}
