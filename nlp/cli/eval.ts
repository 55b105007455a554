import { parseArgs } from 'node:util';
import { CORPUS_LANGUAGES, loadCorpus, type CorpusExample, type CorpusSplit } from '../corpus';
import { evaluate, missedTargets, TARGETS, type Evaluation } from '../evaluate';
import { INTENTS } from '../labels';
import {
  createUnderstanding,
  DEFAULT_AMBIGUITY_MARGIN,
  DEFAULT_CONFIDENCE_THRESHOLD,
  type Understander,
} from '../understand';
import { DEFAULT_TRAINING_SPLITS, loadModel } from '../model-cache';

/*
 * `npm run eval`: scores the shipped model on the frozen test split, per language, prints the
 * tables and exits 1 when a target of issue 3 is missed.
 *   --split dev   score on dev instead, with a model trained on train only (for tuning)
 *   --verbose     also list the messages each figure got wrong
 *   --tune        on dev: fallback rate and accuracy for a grid of thresholds
 */

const percent = (x: number): string => `${(x * 100).toFixed(1)}%`;
const fixed = (x: number): string => x.toFixed(3);
const pad = (s: string | number, n: number): string => String(s).padStart(n);
const padEnd = (s: string, n: number): string => s.padEnd(n);

function report(language: string, e: Evaluation, verbose: boolean): string {
  const lines: string[] = [];
  lines.push(`== ${language}: ${e.count} messages`);
  lines.push(
    `${padEnd('intent', 16)}${pad('precision', 10)}${pad('recall', 8)}${pad('F1', 8)}${pad('support', 9)}`,
  );
  for (const intent of INTENTS) {
    const s = e.intents[intent];
    lines.push(
      `${padEnd(intent, 16)}${pad(fixed(s.precision), 10)}${pad(fixed(s.recall), 8)}${pad(fixed(s.f1), 8)}${pad(s.support, 9)}`,
    );
  }
  lines.push(`${padEnd('macro-F1', 16)}${pad(fixed(e.macroF1), 34)}   (target >= ${TARGETS.macroF1})`);
  lines.push('');
  lines.push(`confusion (rows: true intent, columns: predicted)`);
  const short = ['help', 'consult', 'dissat', 'other'];
  lines.push(`${padEnd('', 16)}${short.map((s) => pad(s, 9)).join('')}`);
  for (const gold of INTENTS) {
    lines.push(`${padEnd(gold, 16)}${INTENTS.map((p) => pad(e.confusion[gold][p], 9)).join('')}`);
  }
  lines.push('');
  lines.push(`category accuracy    ${fixed(e.categoryAccuracy)}   (target >= ${TARGETS.categoryAccuracy})`);
  const m = e.emergency;
  lines.push(
    `emergency recall     ${fixed(m.recall)}   (target ${TARGETS.emergencyRecall}; ${m.truePositives} caught, ${m.falseNegatives} missed)`,
  );
  lines.push(
    `emergency precision  ${fixed(m.precision)}   (target >= ${TARGETS.emergencyPrecision}; ${m.falsePositives} false alarms)`,
  );
  lines.push(
    `fallback rate        ${percent(e.fallbackRate)}   (intent accuracy when not falling back: ${percent(e.accuracyWhenConfident)})`,
  );
  if (verbose) {
    const show = (
      title: string,
      list: Evaluation['mistakes']['intent'],
      what: (i: number) => string,
    ): void => {
      if (list.length === 0) return;
      lines.push('', `${title} (${list.length}):`);
      list.forEach((_, i) => lines.push(`  ${what(i)}`));
    };
    show('intent mistakes', e.mistakes.intent, (i) => {
      const { example, result } = e.mistakes.intent[i]!;
      return `${example.intent} -> ${result.intent} (${fixed(result.confidence)}): ${example.text}`;
    });
    show('category mistakes', e.mistakes.category, (i) => {
      const { example, result } = e.mistakes.category[i]!;
      return `${example.category} -> ${result.category} (${fixed(result.categoryConfidence)}): ${example.text}`;
    });
    show(
      'emergencies missed',
      e.mistakes.emergencyMissed,
      (i) => e.mistakes.emergencyMissed[i]!.example.text,
    );
    show('false alarms', e.mistakes.emergencyFalse, (i) => {
      const { example, result } = e.mistakes.emergencyFalse[i]!;
      return `${result.emergency?.kind} "${result.emergency?.evidence}": ${example.text}`;
    });
  }
  return lines.join('\n');
}

function tune(
  understanderFor: (threshold: number, margin: number) => Understander,
  examples: CorpusExample[],
): void {
  process.stdout.write(
    `threshold  margin  fallback  accuracy-when-confident  (dev, ${examples.length} messages)\n`,
  );
  for (const threshold of [0.3, 0.4, 0.5, 0.55, 0.6, 0.65, 0.7, 0.75, 0.8]) {
    for (const margin of [0, 0.05, 0.1, 0.15, 0.2, 0.3]) {
      const e = evaluate(understanderFor(threshold, margin), examples);
      process.stdout.write(
        `${pad(threshold.toFixed(2), 9)}${pad(margin.toFixed(2), 8)}${pad(percent(e.fallbackRate), 10)}${pad(percent(e.accuracyWhenConfident), 25)}\n`,
      );
    }
  }
}

function main(): number {
  const { values } = parseArgs({
    options: {
      split: { type: 'string', default: 'test' },
      verbose: { type: 'boolean', default: false },
      tune: { type: 'boolean', default: false },
    },
  });
  const split = values.split as CorpusSplit;
  if (split !== 'test' && split !== 'dev') {
    process.stderr.write(`eval: --split must be test or dev, not "${values.split}"\n`);
    return 64;
  }
  // Never train on what is scored: dev is scored by a model trained on train only.
  const trainingSplits: readonly CorpusSplit[] =
    split === 'dev' || values.tune ? ['train'] : DEFAULT_TRAINING_SPLITS;
  const { model, source, milliseconds } = loadModel({ splits: trainingSplits });
  process.stdout.write(
    `model: trained on ${trainingSplits.join('+')} (${source === 'cache' ? 'loaded from cache' : 'trained'} in ${Math.round(milliseconds)} ms); ` +
      `thresholds: confidence ${DEFAULT_CONFIDENCE_THRESHOLD}, margin ${DEFAULT_AMBIGUITY_MARGIN}; scored on ${values.tune ? 'dev' : split}\n\n`,
  );
  if (values.tune) {
    tune(
      (confidenceThreshold, ambiguityMargin) =>
        createUnderstanding({ model, confidenceThreshold, ambiguityMargin }),
      loadCorpus('dev'),
    );
    return 0;
  }
  const understander = createUnderstanding({ model });
  const missed: string[] = [];
  for (const language of CORPUS_LANGUAGES) {
    const evaluation = evaluate(understander, loadCorpus(split, { languages: [language] }));
    process.stdout.write(`${report(language, evaluation, values.verbose)}\n\n`);
    missed.push(...missedTargets(evaluation, language));
  }
  if (missed.length > 0) {
    process.stdout.write(`TARGETS MISSED:\n${missed.map((line) => `  - ${line}`).join('\n')}\n`);
    return 1;
  }
  process.stdout.write('All targets met.\n');
  return 0;
}

process.exitCode = main();
