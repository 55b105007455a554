import type { CorpusExample } from './corpus';
import { INTENTS, type Intent } from './labels';
import type { Understander, Understanding } from './understand';

/** Precision, recall and F1 of one label. */
export interface LabelScores {
  precision: number;
  recall: number;
  f1: number;
  support: number;
}

/** The figures `npm run eval` prints and checks, for one set of examples. */
export interface Evaluation {
  count: number;
  intents: Record<Intent, LabelScores>;
  macroF1: number;
  /** confusion[gold][predicted] = count. */
  confusion: Record<Intent, Record<Intent, number>>;
  categoryAccuracy: number;
  emergency: {
    truePositives: number;
    falsePositives: number;
    falseNegatives: number;
    recall: number;
    precision: number;
  };
  /** Share of messages that would fall back, and the intent accuracy on the others. */
  fallbackRate: number;
  accuracyWhenConfident: number;
  /** The examples each figure got wrong, for reading (not for scoring). */
  mistakes: { intent: Mistake[]; category: Mistake[]; emergencyMissed: Mistake[]; emergencyFalse: Mistake[] };
}

export interface Mistake {
  example: CorpusExample;
  result: Understanding;
}

/** The targets of issue 3, per language. */
export const TARGETS = { macroF1: 0.92, categoryAccuracy: 0.85, emergencyRecall: 1, emergencyPrecision: 0.9 };

const ratio = (a: number, b: number): number => (b === 0 ? 0 : a / b);

/** Runs every example through the understander and scores intent, category, emergency and fallback. */
export function evaluate(understander: Understander, examples: readonly CorpusExample[]): Evaluation {
  const confusion = Object.fromEntries(
    INTENTS.map((gold) => [gold, Object.fromEntries(INTENTS.map((p) => [p, 0]))]),
  ) as Record<Intent, Record<Intent, number>>;
  const mistakes: Evaluation['mistakes'] = {
    intent: [],
    category: [],
    emergencyMissed: [],
    emergencyFalse: [],
  };
  let categoryRight = 0;
  let tp = 0;
  let fp = 0;
  let fn = 0;
  let fallbacks = 0;
  let confidentRight = 0;
  for (const example of examples) {
    const result = understander.understand(example.text);
    confusion[example.intent][result.intent]++;
    if (result.intent !== example.intent) mistakes.intent.push({ example, result });
    if (result.category === example.category) categoryRight++;
    else mistakes.category.push({ example, result });
    const flagged = result.emergency !== undefined;
    if (flagged && example.emergency) tp++;
    if (flagged && !example.emergency) {
      fp++;
      mistakes.emergencyFalse.push({ example, result });
    }
    if (!flagged && example.emergency) {
      fn++;
      mistakes.emergencyMissed.push({ example, result });
    }
    if (result.fallback) fallbacks++;
    else if (result.intent === example.intent) confidentRight++;
  }
  const intents = Object.fromEntries(
    INTENTS.map((intent) => {
      const truePositives = confusion[intent][intent];
      const predicted = INTENTS.reduce((sum, gold) => sum + confusion[gold][intent], 0);
      const support = INTENTS.reduce((sum, p) => sum + confusion[intent][p], 0);
      const precision = ratio(truePositives, predicted);
      const recall = ratio(truePositives, support);
      return [intent, { precision, recall, f1: ratio(2 * precision * recall, precision + recall), support }];
    }),
  ) as Record<Intent, LabelScores>;
  const present = INTENTS.filter((intent) => intents[intent].support > 0);
  return {
    count: examples.length,
    intents,
    macroF1: ratio(
      present.reduce((sum, intent) => sum + intents[intent].f1, 0),
      present.length,
    ),
    confusion,
    categoryAccuracy: ratio(categoryRight, examples.length),
    emergency: {
      truePositives: tp,
      falsePositives: fp,
      falseNegatives: fn,
      // No emergency in the set: nothing was missed, and nothing flagged is perfect precision.
      recall: tp + fn === 0 ? 1 : tp / (tp + fn),
      precision: tp + fp === 0 ? 1 : tp / (tp + fp),
    },
    fallbackRate: ratio(fallbacks, examples.length),
    accuracyWhenConfident: ratio(confidentRight, examples.length - fallbacks),
    mistakes,
  };
}

/** The targets an evaluation misses, as readable lines (empty when all are met). */
export function missedTargets(evaluation: Evaluation, label: string): string[] {
  const missed: string[] = [];
  const check = (name: string, value: number, target: number): void => {
    if (value < target) missed.push(`${label}: ${name} ${value.toFixed(3)} is below ${target}`);
  };
  check('intent macro-F1', evaluation.macroF1, TARGETS.macroF1);
  check('category accuracy', evaluation.categoryAccuracy, TARGETS.categoryAccuracy);
  check('emergency recall', evaluation.emergency.recall, TARGETS.emergencyRecall);
  check('emergency precision', evaluation.emergency.precision, TARGETS.emergencyPrecision);
  return missed;
}
