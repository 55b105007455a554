import type { Evaluation, Script } from '../evaluate';
import { SCRIPTS, TARGETS } from '../evaluate';
import type { FaqEvaluation } from '../faq';
import { INTENTS } from '../labels';

/*
 * What `npm run eval` prints: one table per language, emergency recall per script, and the
 * FAQ on its held-aside questions.
 */

export const percent = (x: number): string => `${(x * 100).toFixed(1)}%`;
export const fixed = (x: number): string => x.toFixed(3);
export const pad = (s: string | number, n: number): string => String(s).padStart(n);
const padEnd = (s: string, n: number): string => s.padEnd(n);

/** One language's intent, category, emergency and fallback figures (and mistakes, when verbose). */
export function report(language: string, e: Evaluation, verbose: boolean): string {
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

/** Emergency recall and false alarms per script, over every language of the split. */
export function scriptReport(e: Evaluation): string {
  const lines = [
    'emergency recall by script',
    `${padEnd('script', 10)}${pad('messages', 9)}${pad('emergencies', 13)}${pad('caught', 8)}${pad('recall', 8)}${pad('false alarms', 14)}`,
  ];
  for (const script of SCRIPTS as readonly Script[]) {
    const s = e.byScript[script];
    lines.push(
      `${padEnd(script, 10)}${pad(s.messages, 9)}${pad(s.emergencies, 13)}${pad(s.caught, 8)}${pad(fixed(s.recall), 8)}${pad(s.falseAlarms, 14)}`,
    );
  }
  return lines.join('\n');
}

/** FAQ answers on a question set, per language and overall, with the wrong ones when verbose. */
export function faqReport(
  split: string,
  byLanguage: ReadonlyArray<[string, FaqEvaluation]>,
  verbose: boolean,
): string {
  const lines = [
    `FAQ on the held-aside ${split} questions (sample knowledge base)`,
    `${padEnd('language', 10)}${pad('questions', 10)}${pad('right', 7)}${pad('wrong', 7)}${pad('handed over', 13)}${pad('top-1 accuracy', 16)}${pad('wrong-answer rate', 19)}`,
  ];
  for (const [language, e] of byLanguage) {
    lines.push(
      `${padEnd(language, 10)}${pad(e.count, 10)}${pad(e.right, 7)}${pad(e.wrong, 7)}${pad(e.handedOver, 13)}${pad(percent(e.top1Accuracy), 16)}${pad(percent(e.wrongAnswerRate), 19)}`,
    );
  }
  lines.push(
    `(target: wrong-answer rate <= ${percent(TARGETS.faqWrongAnswerRate)}; a hand-over is never wrong)`,
  );
  if (verbose) {
    for (const [, e] of byLanguage) {
      for (const { question, answered, score } of e.mistakes) {
        lines.push(
          `  ${question.expected ?? '(none)'} -> ${answered ?? 'handed over'} (${fixed(score)}): ${question.text}`,
        );
      }
    }
  }
  return lines.join('\n');
}
