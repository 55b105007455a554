import type { Scored, TrainingDocument } from './bayes-model';

/** The serialized form of a {@link LinearModel}. */
export interface LinearModelJson {
  kind: 'softmax-regression';
  labels: string[];
  vocabulary: string[];
  /** Row-major: weights[token * labels.length + label], rounded to 5 decimals. */
  weights: number[];
  bias: number[];
}

/** A multinomial logistic regression over token presence; scores are probabilities. */
export interface LinearModel<L extends string> {
  readonly labels: readonly L[];
  /** Every label with its probability, most probable first; [] when no token is known. */
  classify(tokens: readonly string[]): Scored<L>[];
  /** How many distinct tokens of the message the model has seen in training. */
  knownTokens(tokens: readonly string[]): number;
  toJSON(): LinearModelJson;
}

export interface LinearOptions {
  /** Passes over the training data; default 30. */
  epochs?: number;
  /** AdaGrad base learning rate; default 0.3 (0.5 before, compared on the dev split and train folds). */
  learningRate?: number;
  /** L2 penalty applied to the weights an example touches; default 1e-4. */
  l2?: number;
  /** Weigh each label by the inverse of its frequency, which helps macro-F1; default true. */
  balanced?: boolean;
  /** Seed of the example shuffle, so training is reproducible; default 1. */
  seed?: number;
}

/** mulberry32: a tiny seeded PRNG, so two trainings on the same data give the same model. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Encoded {
  indices: Int32Array;
  value: number;
  label: number;
  weight: number;
}

/**
 * Trains a softmax regression with AdaGrad on token presence (each message scaled to unit
 * length, so long messages do not shout). Deterministic for a given seed and input order.
 */
export function trainLinearModel<L extends string>(
  labels: readonly L[],
  documents: ReadonlyArray<TrainingDocument<L>>,
  options: LinearOptions = {},
): LinearModel<L> {
  const epochs = options.epochs ?? 30;
  const learningRate = options.learningRate ?? 0.3;
  const l2 = options.l2 ?? 1e-4;
  const K = labels.length;
  const labelIndex = new Map(labels.map((label, i) => [label, i]));
  const vocabulary = new Map<string, number>();
  const encoded: Encoded[] = [];
  const labelWeight = new Float64Array(K);
  for (const document of documents) {
    const label = labelIndex.get(document.label);
    if (label === undefined || document.tokens.length === 0) continue;
    const unique = [...new Set(document.tokens)];
    const indices = new Int32Array(unique.length);
    unique.forEach((token, i) => {
      let index = vocabulary.get(token);
      if (index === undefined) {
        index = vocabulary.size;
        vocabulary.set(token, index);
      }
      indices[i] = index;
    });
    encoded.push({ indices, value: 1 / Math.sqrt(unique.length), label, weight: document.weight });
    labelWeight[label] = (labelWeight[label] as number) + document.weight;
  }
  // Balanced: each label contributes as if it had the mean label frequency.
  const seen = [...labelWeight].filter((w) => w > 0);
  const mean = seen.reduce((a, b) => a + b, 0) / Math.max(1, seen.length);
  const balance = labels.map((_, k) =>
    options.balanced === false || (labelWeight[k] as number) === 0 ? 1 : mean / (labelWeight[k] as number),
  );

  const V = vocabulary.size;
  const weights = new Float64Array(V * K);
  const bias = new Float64Array(K);
  const squaredWeights = new Float64Array(V * K).fill(1e-8);
  const squaredBias = new Float64Array(K).fill(1e-8);
  const logits = new Float64Array(K);
  const next = random(options.seed ?? 1);
  const order = encoded.map((_, i) => i);

  for (let epoch = 0; epoch < epochs; epoch++) {
    for (let i = order.length - 1; i > 0; i--) {
      const j = Math.floor(next() * (i + 1));
      [order[i], order[j]] = [order[j] as number, order[i] as number];
    }
    for (const position of order) {
      const example = encoded[position] as Encoded;
      const { indices, value } = example;
      const sum = softmaxInto(logits, weights, bias, indices, value);
      const scale = example.weight * (balance[example.label] as number);
      for (let k = 0; k < K; k++) {
        // Gradient of the cross-entropy: predicted probability minus the one-hot target.
        const gradient = ((logits[k] as number) / sum - (k === example.label ? 1 : 0)) * scale;
        squaredBias[k] = (squaredBias[k] as number) + gradient * gradient;
        bias[k] = (bias[k] as number) - (learningRate * gradient) / Math.sqrt(squaredBias[k] as number);
        for (const index of indices) {
          const at = index * K + k;
          const g = gradient * value + l2 * (weights[at] as number);
          squaredWeights[at] = (squaredWeights[at] as number) + g * g;
          weights[at] =
            (weights[at] as number) - (learningRate * g) / Math.sqrt(squaredWeights[at] as number);
        }
      }
    }
  }

  const round = (x: number): number => Math.round(x * 1e5) / 1e5;
  return createLinearModel(labels, {
    kind: 'softmax-regression',
    labels: [...labels],
    vocabulary: [...vocabulary.keys()],
    weights: Array.from(weights, round),
    bias: Array.from(bias, round),
  });
}

/**
 * The softmax numerators of one message: `out[k] = exp(bias[k] + Σ weights[index·K + k] ·
 * value − max)` over its feature indices; returns their sum. Training and classification
 * share it, so a model scores a message exactly as it was trained to.
 */
function softmaxInto(
  out: Float64Array,
  weights: Float64Array,
  bias: Float64Array,
  indices: ArrayLike<number>,
  value: number,
): number {
  const K = out.length;
  for (let k = 0; k < K; k++) out[k] = bias[k] as number;
  for (let i = 0; i < indices.length; i++) {
    const row = (indices[i] as number) * K;
    for (let k = 0; k < K; k++) out[k] = (out[k] as number) + (weights[row + k] as number) * value;
  }
  let max = -Infinity;
  for (let k = 0; k < K; k++) max = Math.max(max, out[k] as number);
  let sum = 0;
  for (let k = 0; k < K; k++) {
    out[k] = Math.exp((out[k] as number) - max);
    sum += out[k] as number;
  }
  return sum;
}

/** Rebuilds a linear model from its JSON in time linear in its size (no training). */
export function createLinearModel<L extends string>(
  labels: readonly L[],
  json: LinearModelJson,
): LinearModel<L> {
  const K = labels.length;
  if (json.labels.join('\n') !== labels.join('\n')) throw new Error('linear model labels do not match');
  const vocabulary = new Map<string, number>();
  json.vocabulary.forEach((token, i) => vocabulary.set(token, i));
  const weights = Float64Array.from(json.weights);
  const bias = Float64Array.from(json.bias);
  const logits = new Float64Array(K);

  // Deduplication without a set of every token: known tokens are stamped in place, only the
  // unknown ones (usually a few) go into a set. Classification is on the path of every message.
  const stamps = new Uint32Array(vocabulary.size);
  let stamp = 0;

  /** The known tokens' indices, and how many distinct tokens the message has, known or not. */
  const indicesOf = (tokens: readonly string[]): { indices: number[]; unique: number } => {
    stamp = stamp === 0xffffffff ? 1 : stamp + 1;
    if (stamp === 1) stamps.fill(0);
    const indices: number[] = [];
    const unknown = new Set<string>();
    for (const token of tokens) {
      const index = vocabulary.get(token);
      if (index === undefined) unknown.add(token);
      else if (stamps[index] !== stamp) {
        stamps[index] = stamp;
        indices.push(index);
      }
    }
    return { indices, unique: indices.length + unknown.size };
  };

  return {
    labels,
    knownTokens: (tokens) => indicesOf(tokens).indices.length,
    classify(tokens) {
      const { indices, unique } = indicesOf(tokens);
      if (indices.length === 0) return [];
      // Same scaling as in training: the message's distinct-token count, known or not.
      const sum = softmaxInto(logits, weights, bias, indices, 1 / Math.sqrt(unique));
      return labels
        .map((label, k) => ({ label, probability: (logits[k] as number) / sum }))
        .sort((a, b) => b.probability - a.probability);
    },
    toJSON: () => json,
  };
}
