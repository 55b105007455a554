import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { createUnderstanding, modelFromJSON, type Correction, type Understander } from '../../nlp';
import type { ModelSource } from '../../nlp/model-cache';

/** A model ready to answer, with where it came from and which corrections it learned. */
export interface TrainedUnderstanding {
  understander: Understander;
  /** Hash of the training input. */
  hash: string;
  source: 'cache' | 'trained';
  milliseconds: number;
  /** Whether the model learned the correction with this correctionKey. */
  learned(key: string): boolean;
}

/**
 * Trains (or reads from `cacheDir`) the model for the corpus plus `corrections`, off the
 * event loop in a worker thread. Rejects when the worker fails or returns an unreadable model.
 */
export async function trainUnderstanding(options: {
  corrections: Correction[];
  cacheDir?: string | false;
  confidenceThreshold?: number;
  ambiguityMargin?: number;
}): Promise<TrainedUnderstanding> {
  const result = await trainInWorker({ corrections: options.corrections, cacheDir: options.cacheDir });
  const model = modelFromJSON(result.model);
  if (!model) throw new Error('the training worker returned an unreadable model');
  return {
    understander: createUnderstanding({
      model,
      confidenceThreshold: options.confidenceThreshold,
      ambiguityMargin: options.ambiguityMargin,
    }),
    hash: model.trainingHash,
    source: result.source === 'cache' ? 'cache' : 'trained',
    milliseconds: result.milliseconds,
    learned: (key) => model.correctionFor(key) !== undefined,
  };
}

/** Trains a model off the event loop: the worker runs the TypeScript source through tsx in development. */
function trainInWorker(
  source: ModelSource,
): Promise<{ model: unknown; source: string; milliseconds: number }> {
  const compiled = !__filename.endsWith('.ts');
  const workerFile = path.join(__dirname, compiled ? 'train-worker.js' : 'train-worker.ts');
  const worker = compiled
    ? new Worker(workerFile, { workerData: source })
    : new Worker(
        `require(${JSON.stringify(require.resolve('tsx/cjs'))}); require(${JSON.stringify(workerFile)});`,
        {
          eval: true,
          workerData: source,
        },
      );
  return new Promise((resolve, reject) => {
    worker.once(
      'message',
      (message: { model?: unknown; source: string; milliseconds: number; error?: string }) => {
        if (message.error !== undefined) reject(new Error(message.error));
        else resolve({ model: message.model, source: message.source, milliseconds: message.milliseconds });
        void worker.terminate();
      },
    );
    worker.once('error', reject);
    worker.once('exit', (code) => {
      if (code !== 0) reject(new Error(`the training worker exited with code ${code}`));
    });
  });
}
