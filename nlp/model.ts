import { createHash } from 'node:crypto';
import {
  createBayesModel,
  trainBayesModel,
  type BayesModelJson,
  type BayesOptions,
  type Scored,
  type TrainingDocument,
} from './bayes-model';
import { CATEGORIES, INTENTS, isCategory, isIntent, type Category, type Intent } from './labels';
import {
  createLinearModel,
  trainLinearModel,
  type LinearModelJson,
  type LinearOptions,
} from './linear-model';
import { correctionKey } from './normalize';
import { detectEmergency, type Emergency } from './emergency';
import { tokenize } from './tokenize';

/**
 * The tokens the intent and category learners see: the message's tokens plus what the
 * emergency detector found (an emergency is reported to get help, whatever its wording).
 * The detector never depends on the models; the models may lean on the detector.
 */
export function modelTokens(
  text: string,
  emergency: Emergency | undefined = detectEmergency(text),
): string[] {
  const tokens = tokenize(text);
  if (emergency) tokens.push('@emergency');
  return tokens;
}

/** A message with its labels, as in the corpus; `emergency` trains the learned emergency score. */
export interface LabeledExample {
  text: string;
  intent: Intent;
  category: Category;
  emergency?: boolean;
}

/** A staff member's verdict on a message the bot got wrong. */
export interface Correction {
  text: string;
  intent: Intent;
  category: Category;
}

/** Which learner sits under each label: natural's naive Bayes, a softmax regression, or both averaged. */
export type Engine = 'bayes' | 'linear' | 'ensemble';

export interface TrainOptions {
  /** The intent learner; default linear (tuned on the dev split, docs/nlp.md). */
  engine?: Engine;
  /** The category learner; default linear (ten labels, few examples each: Bayes drags it down). */
  categoryEngine?: Engine;
  /** How many ordinary examples one correction is worth; default 5. */
  correctionWeight?: number;
  bayes?: BayesOptions;
  linear?: LinearOptions;
}

export interface TrainInput {
  examples: readonly LabeledExample[];
  corrections?: readonly Correction[];
  options?: TrainOptions;
}

/** Bumped whenever tokens, features or learners change, so cached models are retrained. */
export const MODEL_VERSION = 6;
const MODEL_FORMAT = 'ownerbot-nlp-model';
const DEFAULT_ENGINE: Engine = 'linear';
const DEFAULT_CATEGORY_ENGINE: Engine = 'linear';
const DEFAULT_CORRECTION_WEIGHT = 5;

type LabelModelJson = BayesModelJson | LinearModelJson | { kind: 'ensemble'; members: LabelModelJson[] };

interface LabelModel<L extends string> {
  classify(tokens: readonly string[]): Scored<L>[];
  knownTokens(tokens: readonly string[]): number;
  toJSON(): LabelModelJson;
}

/** The two labels of the learned emergency score. */
const EMERGENCY_LABELS = ['emergency', 'routine'] as const;
type EmergencyLabel = (typeof EMERGENCY_LABELS)[number];

/** The serialized model: plain JSON, safe to store on disk or in MongoDB. */
export interface ModelJson {
  format: typeof MODEL_FORMAT;
  version: number;
  /** sha256 of the training input (examples, corrections, options and model version). */
  trainingHash: string;
  intent: LabelModelJson;
  category: LabelModelJson;
  /** Emergency or routine, learned from the corpus's emergency flags without the detector's help. */
  emergency: LabelModelJson;
  /** [correctionKey(text), intent, category] for every staff correction, last one wins. */
  corrections: Array<[string, Intent, Category]>;
}

/** A trained understanding model: intent and category learners plus remembered corrections. */
export interface UnderstandingModel {
  readonly trainingHash: string;
  classifyIntent(tokens: readonly string[]): Scored<Intent>[];
  classifyCategory(tokens: readonly string[]): Scored<Category>[];
  /**
   * Probability (0..1) that a message reports an emergency, from its tokens alone: pass
   * `tokenize(text)`, without the detector's `@emergency`, so it stays a second opinion.
   */
  emergencyScore(tokens: readonly string[]): number;
  knownTokens(tokens: readonly string[]): number;
  /** The labels staff gave this exact message (compared after normalization), if any. */
  correctionFor(text: string): { intent: Intent; category: Category } | undefined;
  toJSON(): ModelJson;
}

/**
 * The content hash of a training input. Two inputs with the same hash train the same model,
 * so a cached model whose `trainingHash` equals this can be used without retraining.
 */
export function trainingHash(input: TrainInput): string {
  const hash = createHash('sha256');
  hash.update(JSON.stringify({ format: MODEL_FORMAT, version: MODEL_VERSION, options: input.options ?? {} }));
  for (const e of input.examples) {
    hash.update(`\n${JSON.stringify([e.text, e.intent, e.category, e.emergency ?? null])}`);
  }
  hash.update('\ncorrections');
  for (const c of input.corrections ?? []) hash.update(`\n${JSON.stringify([c.text, c.intent, c.category])}`);
  return hash.digest('hex');
}

function trainLabelModel<L extends string>(
  labels: readonly L[],
  documents: ReadonlyArray<TrainingDocument<L>>,
  options: TrainOptions,
  engine: Engine,
): LabelModelJson {
  const bayes = (): LabelModelJson => trainBayesModel(labels, documents, options.bayes).toJSON();
  const linear = (): LabelModelJson => trainLinearModel(labels, documents, options.linear).toJSON();
  if (engine === 'bayes') return bayes();
  if (engine === 'linear') return linear();
  return { kind: 'ensemble', members: [bayes(), linear()] };
}

function restoreLabelModel<L extends string>(labels: readonly L[], json: LabelModelJson): LabelModel<L> {
  if (json.kind === 'natural-bayes') return createBayesModel(labels, json);
  if (json.kind === 'softmax-regression') return createLinearModel(labels, json);
  const members = json.members.map((member) => restoreLabelModel(labels, member));
  return {
    knownTokens: (tokens) => Math.max(...members.map((member) => member.knownTokens(tokens))),
    classify(tokens) {
      const sums = new Map<L, number>();
      let voters = 0;
      for (const member of members) {
        const scored = member.classify(tokens);
        if (scored.length === 0) continue;
        voters++;
        for (const { label, probability } of scored) sums.set(label, (sums.get(label) ?? 0) + probability);
      }
      if (voters === 0) return [];
      return [...sums]
        .map(([label, sum]) => ({ label, probability: sum / voters }))
        .sort((a, b) => b.probability - a.probability);
    },
    toJSON: () => json,
  };
}

/**
 * Trains the intent and category models on the examples plus staff corrections (each worth
 * `correctionWeight` examples) and remembers every corrected text, so that exact message
 * (after normalization) classifies as corrected from then on. Deterministic.
 */
export function trainModel(input: TrainInput): UnderstandingModel {
  const options = input.options ?? {};
  const weight = options.correctionWeight ?? DEFAULT_CORRECTION_WEIGHT;
  const rows = [
    ...input.examples.map((e) => ({ ...e, weight: 1 })),
    ...(input.corrections ?? []).map((c) => ({ ...c, weight })),
  ].map((row) => ({ ...row, tokens: modelTokens(row.text) }));
  const corrections = new Map<string, [Intent, Category]>();
  for (const c of input.corrections ?? []) corrections.set(correctionKey(c.text), [c.intent, c.category]);
  return restoreModel({
    format: MODEL_FORMAT,
    version: MODEL_VERSION,
    trainingHash: trainingHash(input),
    intent: trainLabelModel(
      INTENTS,
      rows.map((r) => ({ tokens: r.tokens, label: r.intent, weight: r.weight })),
      options,
      options.engine ?? DEFAULT_ENGINE,
    ),
    category: trainLabelModel(
      CATEGORIES,
      rows.map((r) => ({ tokens: r.tokens, label: r.category, weight: r.weight })),
      options,
      options.categoryEngine ?? DEFAULT_CATEGORY_ENGINE,
    ),
    emergency: trainLabelModel(
      EMERGENCY_LABELS,
      input.examples.flatMap((e) =>
        e.emergency === undefined
          ? []
          : [{ tokens: tokenize(e.text), label: e.emergency ? 'emergency' : 'routine', weight: 1 }],
      ),
      // Unbalanced: one message in twelve is an emergency, and balancing the labels pushed short,
      // vague messages ("在不在", "one sec") over 0.9 in cross-validation.
      { ...options, linear: { ...options.linear, balanced: false } },
      'linear',
    ),
    corrections: [...corrections].map(([key, [intent, category]]) => [key, intent, category]),
  });
}

function restoreModel(json: ModelJson): UnderstandingModel {
  const intent = restoreLabelModel(INTENTS, json.intent);
  const category = restoreLabelModel(CATEGORIES, json.category);
  const emergency = restoreLabelModel<EmergencyLabel>(EMERGENCY_LABELS, json.emergency);
  const corrections = new Map(json.corrections.map(([key, i, c]) => [key, { intent: i, category: c }]));
  return {
    trainingHash: json.trainingHash,
    classifyIntent: (tokens) => intent.classify(tokens),
    classifyCategory: (tokens) => category.classify(tokens),
    emergencyScore: (tokens) =>
      emergency.classify(tokens).find((scored) => scored.label === 'emergency')?.probability ?? 0,
    knownTokens: (tokens) => Math.max(intent.knownTokens(tokens), category.knownTokens(tokens)),
    correctionFor: (text) => corrections.get(correctionKey(text)),
    toJSON: () => json,
  };
}

function isLabelModelJson(value: unknown): value is LabelModelJson {
  if (typeof value !== 'object' || value === null) return false;
  const json = value as Record<string, unknown>;
  if (json.kind === 'ensemble') return Array.isArray(json.members) && json.members.every(isLabelModelJson);
  if (json.kind === 'natural-bayes') return typeof json.classifier === 'object' && json.classifier !== null;
  if (json.kind === 'softmax-regression') {
    return Array.isArray(json.vocabulary) && Array.isArray(json.weights) && Array.isArray(json.bias);
  }
  return false;
}

/**
 * Rebuilds a model saved with `toJSON()` without retraining (well under a second). Returns
 * undefined when the JSON is not a model of this MODEL_VERSION: the caller retrains then.
 */
export function modelFromJSON(value: unknown): UnderstandingModel | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const json = value as Partial<ModelJson>;
  if (
    json.format !== MODEL_FORMAT ||
    json.version !== MODEL_VERSION ||
    typeof json.trainingHash !== 'string'
  ) {
    return undefined;
  }
  if (
    !isLabelModelJson(json.intent) ||
    !isLabelModelJson(json.category) ||
    !isLabelModelJson(json.emergency) ||
    !Array.isArray(json.corrections)
  ) {
    return undefined;
  }
  const corrections = json.corrections.filter(
    (c): c is [string, Intent, Category] =>
      Array.isArray(c) && typeof c[0] === 'string' && isIntent(c[1]) && isCategory(c[2]),
  );
  try {
    return restoreModel({ ...(json as ModelJson), corrections });
  } catch {
    return undefined;
  }
}
