import { loadCorpus } from '../../nlp/corpus';
import { createUnderstanding, modelFromJSON, trainModel } from '../../nlp';

const format = (n: number, digits = 0): string =>
  n.toLocaleString('en-US', { maximumFractionDigits: digits });

function percentile(sorted: Float64Array, p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
}

/**
 * Prints the nlp figures with targets: classification throughput on one core and
 * p50/p99 latency (target >= 5,000/s, p99 < 2 ms), full training time (< 15 s) and start-up
 * from a cached model (< 1 s). Uses the corpus (train+dev to train, test to classify).
 */
export async function benchClassification(): Promise<void> {
  const examples = [...loadCorpus('train'), ...loadCorpus('dev')];
  const messages = loadCorpus('test').map((e) => e.text);

  let started = performance.now();
  const model = trainModel({ examples });
  const trainingMs = performance.now() - started;

  const serialized = JSON.stringify(model.toJSON());
  started = performance.now();
  const restored = modelFromJSON(JSON.parse(serialized));
  if (!restored) throw new Error('the serialized model did not load');
  const understander = createUnderstanding({ model: restored });
  understander.understand(messages[0] ?? 'hello');
  const startupMs = performance.now() - started;

  // Warm up the JIT and the stem cache, then time every call.
  for (let i = 0; i < 2_000; i++) understander.understand(messages[i % messages.length] as string);
  const rounds = Math.max(1, Math.ceil(50_000 / messages.length));
  const latencies = new Float64Array(rounds * messages.length);
  let n = 0;
  started = performance.now();
  for (let round = 0; round < rounds; round++) {
    for (const message of messages) {
      const t = performance.now();
      understander.understand(message);
      latencies[n++] = performance.now() - t;
    }
  }
  const totalMs = performance.now() - started;
  latencies.sort();

  const lines = [
    'nlp',
    `  training (${format(examples.length)} examples)      ${format(trainingMs)} ms   (target < 15,000 ms)`,
    `  start-up from cached model (${format(serialized.length / 1024)} KiB)  ${format(startupMs, 1)} ms   (target < 1,000 ms)`,
    `  classification throughput        ${format((n / totalMs) * 1000)} /s on one core (target >= 5,000/s; ${format(n)} messages)`,
    `  latency p50 / p99                ${format(percentile(latencies, 50), 3)} ms / ${format(percentile(latencies, 99), 3)} ms (target p99 < 2 ms)`,
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
}
