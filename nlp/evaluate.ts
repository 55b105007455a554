import type { CorpusExample } from './corpus';
import { INTENTS, type Intent } from './labels';
import { detectLanguage } from './language';
import type { Understander, Understanding } from './understand';

/** How an owner writes: Simplified or Traditional Mandarin, Cantonese, or English. */
export const SCRIPTS = ['zh-Hans', 'zh-Hant', 'yue', 'en'] as const;
export type Script = (typeof SCRIPTS)[number];

/**
 * The script of a corpus message: an English-folder message is `en`; a Chinese-folder one is
 * what language detection says (Cantonese, Traditional, else Simplified, mixed ones included).
 */
export function scriptOf(example: Pick<CorpusExample, 'text' | 'language'>): Script {
  if (example.language === 'en') return 'en';
  const detected = detectLanguage(example.text);
  return detected === 'yue' ? 'yue' : detected === 'zh-Hant' ? 'zh-Hant' : 'zh-Hans';
}

/** Emergency detection in one script. */
export interface ScriptEmergencies {
  messages: number;
  emergencies: number;
  caught: number;
  falseAlarms: number;
  /** caught / emergencies; 1 when the script has no emergency. */
  recall: number;
}

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
  /** Emergency recall and false alarms per script (zh-Hans, zh-Hant, yue, en). */
  byScript: Record<Script, ScriptEmergencies>;
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

/** The targets every language of the test split must meet. */
export const TARGETS = {
  macroF1: 0.93,
  categoryAccuracy: 0.85,
  emergencyRecall: 1,
  emergencyPrecision: 0.9,
  faqWrongAnswerRate: 0.05,
};

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
  const byScript = Object.fromEntries(
    SCRIPTS.map((script) => [script, { messages: 0, emergencies: 0, caught: 0, falseAlarms: 0, recall: 1 }]),
  ) as Record<Script, ScriptEmergencies>;
  for (const example of examples) {
    const result = understander.understand(example.text);
    const script = byScript[scriptOf(example)];
    script.messages++;
    if (example.emergency) script.emergencies++;
    if (example.emergency && result.emergency) script.caught++;
    if (!example.emergency && result.emergency) script.falseAlarms++;
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
  for (const script of Object.values(byScript)) {
    script.recall = script.emergencies === 0 ? 1 : script.caught / script.emergencies;
  }
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
    byScript,
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
