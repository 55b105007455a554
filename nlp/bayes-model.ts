import { BayesClassifier } from './natural';

/** One training document: its tokens, its label and how much it counts (corrections count more). */
export interface TrainingDocument<L extends string> {
  tokens: readonly string[];
  label: L;
  weight: number;
}

/** A label with its normalized probability. */
export interface Scored<L extends string> {
  label: L;
  probability: number;
}

/** The serialized form of a {@link BayesModel}: natural's own classifier state plus ours. */
export interface BayesModelJson {
  kind: 'natural-bayes';
  labels: string[];
  temperature: number;
  /** natural's (apparatus) Bayes state: per-label feature counts and label totals. */
  classifier: {
    classFeatures: Record<string, Record<string, number>>;
    classTotals: Record<string, number>;
    totalExamples: number;
    smoothing: number;
  };
}

/** A naive Bayes label model whose scores are normalized probabilities. */
export interface BayesModel<L extends string> {
  readonly labels: readonly L[];
  /** Every label with its probability, most probable first; [] when no token is known. */
  classify(tokens: readonly string[]): Scored<L>[];
  /** How many distinct tokens of the message the model has seen in training. */
  knownTokens(tokens: readonly string[]): number;
  toJSON(): BayesModelJson;
}

export interface BayesOptions {
  /** natural's additive smoothing for a feature a label never saw; default 1. */
  smoothing?: number;
  /** Softmax temperature applied to the log scores (naive Bayes is over-confident); default 1. */
  temperature?: number;
}

/*
 * natural's BayesClassifier.addDocument/train turn every document into a dense vector over the
 * whole vocabulary (and classify does the same per call), which is quadratic for character
 * bigram vocabularies. Its underlying classifier also accepts sparse observations, so we feed
 * those: { 0: 'token', 1: 'token', ... }. Its getClassifications multiplies probabilities and
 * underflows to 0 on long messages, so scoring is done here, in log space, from its counts, and
 * normalized with a softmax. Tokens no label has seen are skipped rather than smoothed: natural
 * would otherwise make every unseen token a vote for the smallest label.
 */

function observation(tokens: readonly string[]): Record<string, string> {
  const unique = [...new Set(tokens)];
  const sparse: Record<string, string> = {};
  unique.forEach((token, i) => (sparse[i] = token));
  return sparse;
}

/** Trains natural's naive Bayes on token arrays; a document of weight w is added w times (rounded up). */
export function trainBayesModel<L extends string>(
  labels: readonly L[],
  documents: ReadonlyArray<TrainingDocument<L>>,
  options: BayesOptions = {},
): BayesModel<L> {
  const bayes = new BayesClassifier(undefined, options.smoothing ?? 1);
  for (const document of documents) {
    if (document.tokens.length === 0) continue;
    const sparse = observation(document.tokens);
    for (let i = 0; i < Math.ceil(document.weight); i++) bayes.classifier.addExample(sparse, document.label);
  }
  const { classFeatures, classTotals, totalExamples, smoothing } = bayes.classifier;
  return createBayesModel(labels, {
    kind: 'natural-bayes',
    labels: [...labels],
    temperature: options.temperature ?? 1,
    classifier: {
      classFeatures: classFeatures as unknown as Record<string, Record<string, number>>,
      classTotals,
      totalExamples,
      smoothing,
    },
  });
}

/** Rebuilds a Bayes model from its JSON; scoring is exactly that of the model that was saved. */
export function createBayesModel<L extends string>(
  labels: readonly L[],
  json: BayesModelJson,
): BayesModel<L> {
  const { classFeatures, classTotals, totalExamples, smoothing } = json.classifier;
  const present = labels.filter((label) => classTotals[label] !== undefined);
  // Precomputed per label: log prior, log of the smoothed count of an unseen token, and the
  // log probability of every token it has seen.
  const tables = present.map((label) => {
    const total = classTotals[label] as number;
    const logProbability = new Map<string, number>();
    for (const [token, count] of Object.entries(classFeatures[label] ?? {})) {
      logProbability.set(token, Math.log(count / total));
    }
    return {
      label,
      logPrior: Math.log(total / totalExamples),
      logUnseen: Math.log(smoothing / total),
      logProbability,
    };
  });
  const vocabulary = new Set<string>();
  for (const table of tables) for (const token of table.logProbability.keys()) vocabulary.add(token);
  const temperature = json.temperature;

  const knownTokens = (tokens: readonly string[]): number => {
    let known = 0;
    for (const token of new Set(tokens)) if (vocabulary.has(token)) known++;
    return known;
  };

  return {
    labels,
    knownTokens,
    classify(tokens) {
      const unique = [...new Set(tokens)].filter((token) => vocabulary.has(token));
      if (unique.length === 0 || tables.length === 0) return [];
      const scores = tables.map((table) => {
        let score = table.logPrior;
        for (const token of unique) score += table.logProbability.get(token) ?? table.logUnseen;
        return score / temperature;
      });
      const max = Math.max(...scores);
      const exps = scores.map((score) => Math.exp(score - max));
      const sum = exps.reduce((a, b) => a + b, 0);
      return tables
        .map((table, i) => ({ label: table.label, probability: (exps[i] as number) / sum }))
        .sort((a, b) => b.probability - a.probability);
    },
    toJSON: () => json,
  };
}
