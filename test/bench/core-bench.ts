import { loadCorpus } from '../../nlp/corpus';
import { createCoreHarness } from '../support/core-harness';
import { format, percentile, type startBenchDatabase } from './bench-database';

/**
 * End-to-end message handling on the real engine: from `inbound.receive` (stored) until the
 * reply is queued in the outbox, at 20 messages in flight, each from a different owner so
 * every message takes the full path (identity, classification, case or FAQ, reply).
 */
export async function benchCore(databases: Awaited<ReturnType<typeof startBenchDatabase>>): Promise<void> {
  const database = await databases.open('core');
  const h = createCoreHarness(database.connection);
  const texts = loadCorpus('test').map((example) => example.text);
  const total = 600;
  const concurrency = 20;
  const latencies: number[] = [];

  // Warm up: JIT, model, indexes.
  for (let i = 0; i < 20; i++) await h.send(texts[i % texts.length] as string, { from: `warm-${i}` });

  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < total) {
        const i = next++;
        const t = performance.now();
        await h.deliverAndWait(h.message(texts[i % texts.length] as string, { from: `bench-${i}` }));
        latencies.push(performance.now() - t);
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  process.stdout.write(
    [
      'end to end (inbound stored -> reply queued, real engine, concurrency 20)',
      `  throughput                       ${format(total / seconds, 1)} messages/s (${total} messages)`,
      `  latency p50 / p99                ${format(percentile(latencies, 50), 1)} ms / ${format(percentile(latencies, 99), 1)} ms`,
    ].join('\n') + '\n',
  );
}
