import { parseArgs } from 'node:util';
import { CORPUS_LANGUAGES, loadCorpus, type CorpusExample, type CorpusSplit } from '../corpus';
import { evaluate, missedTargets, TARGETS } from '../evaluate';
import {
  createFaqIndex,
  evaluateFaq,
  FAQ_LANGUAGES,
  loadFaqQuestions,
  loadSampleFaq,
  type FaqEvaluation,
  type FaqQuestion,
} from '../faq';
import {
  createUnderstanding,
  DEFAULT_AMBIGUITY_MARGIN,
  DEFAULT_CONFIDENCE_THRESHOLD,
  type Understander,
} from '../understand';
import { DEFAULT_TRAINING_SPLITS, loadModel } from '../model-cache';
import { faqReport, fixed, pad, percent, report, scriptReport } from './eval-report';

/*
 * `npm run eval`: scores the shipped model on the frozen test split, per language and per
 * script, and the sample FAQ on its held-aside test questions; prints the tables and exits 1
 * when a target is missed.
 *   --split dev   score on dev instead, with a model trained on train only (for tuning)
 *   --verbose     also list the messages each figure got wrong
 *   --tune        on dev: fallback rate and accuracy for a grid of thresholds, and the FAQ's
 *                 right / wrong / handed-over answers for a grid of thresholds and margins
 */

function tuneIntent(
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

function tuneFaq(questions: FaqQuestion[]): void {
  const { entries } = loadSampleFaq();
  process.stdout.write(
    `\nFAQ threshold  margin  right  wrong  handed over  (dev, ${questions.length} questions)\n`,
  );
  for (const threshold of [0.2, 0.25, 0.3, 0.35, 0.4]) {
    for (const margin of [0, 0.03, 0.05, 0.08, 0.1, 0.15]) {
      const e = evaluateFaq(createFaqIndex(entries, { threshold, margin }), questions);
      process.stdout.write(
        `${pad(fixed(threshold), 13)}${pad(fixed(margin), 8)}${pad(e.right, 7)}${pad(e.wrong, 7)}${pad(e.handedOver, 13)}\n`,
      );
    }
  }
}

/** The FAQ on one split of its questions, per language and overall. */
function scoreFaq(split: 'dev' | 'test'): Array<[string, FaqEvaluation]> {
  const index = createFaqIndex(loadSampleFaq().entries);
  const questions = loadFaqQuestions(split);
  return [
    ...FAQ_LANGUAGES.map((language): [string, FaqEvaluation] => [
      language,
      evaluateFaq(
        index,
        questions.filter((question) => question.language === language),
      ),
    ]),
    ['all', evaluateFaq(index, questions)],
  ];
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
    tuneIntent(
      (confidenceThreshold, ambiguityMargin) =>
        createUnderstanding({ model, confidenceThreshold, ambiguityMargin }),
      loadCorpus('dev'),
    );
    tuneFaq(loadFaqQuestions('dev'));
    return 0;
  }
  const understander = createUnderstanding({ model });
  const missed: string[] = [];
  for (const language of CORPUS_LANGUAGES) {
    const evaluation = evaluate(understander, loadCorpus(split, { languages: [language] }));
    process.stdout.write(`${report(language, evaluation, values.verbose)}\n\n`);
    missed.push(...missedTargets(evaluation, language));
  }
  process.stdout.write(`${scriptReport(evaluate(understander, loadCorpus(split)))}\n\n`);
  const faq = scoreFaq(split);
  process.stdout.write(`${faqReport(split, faq, values.verbose)}\n\n`);
  const overall = faq.find(([language]) => language === 'all')?.[1];
  if (overall && overall.wrongAnswerRate > TARGETS.faqWrongAnswerRate) {
    missed.push(
      `FAQ: wrong-answer rate ${percent(overall.wrongAnswerRate)} is above ${percent(TARGETS.faqWrongAnswerRate)}`,
    );
  }
  if (missed.length > 0) {
    process.stdout.write(`TARGETS MISSED:\n${missed.map((line) => `  - ${line}`).join('\n')}\n`);
    return 1;
  }
  process.stdout.write('All targets met.\n');
  return 0;
}

process.exitCode = main();
