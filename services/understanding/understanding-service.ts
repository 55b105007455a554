import path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { Connection } from 'mongoose';
import {
  correctionKey,
  createUnderstanding,
  modelFromJSON,
  type Category,
  type Correction,
  type Intent,
  type Understander,
  type Understanding,
  withCorrection,
} from '../../nlp';
import type { ModelSource } from '../../nlp/model-cache';
import type { Clock } from '../clock';
import { AppError } from '../errors';
import type { Logger } from '../logging/logger';
import { correctionModel } from './correction-model';

export interface UnderstandingServiceOptions {
  connection: Connection;
  clock: Clock;
  logger: Logger;
  /** Where trained models are cached; default .cache/nlp in the project; false for none. */
  cacheDir?: string | false;
  /** Corrections arriving within this window are learned in one retraining; default 10 s. */
  retrainDebounceMs?: number;
  confidenceThreshold?: number;
  ambiguityMargin?: number;
}

export interface StaffCorrection {
  text: string;
  intent: Intent;
  category: Category;
  staffId: string;
  caseId?: string;
}

export interface UnderstandingService {
  /** Loads the corrections and the model (from the cache when nothing changed). */
  start(): Promise<void>;
  understand(text: string): Understanding;
  /**
   * Stores a correction; the very next identical message gets the corrected labels, and the
   * model is retrained with it in the background shortly after.
   */
  recordCorrection(correction: StaffCorrection): Promise<void>;
  /** Resolves when no retraining is running or scheduled (tests, shutdown). */
  idle(): Promise<void>;
  stop(): Promise<void>;
  /** Hash of the training input of the model in use. */
  readonly modelHash: string;
  /** Whether the model in use came from the cache or was trained. */
  readonly modelSource: 'cache' | 'trained' | 'none';
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

/**
 * The classifier as the running bot uses it: corpus plus staff corrections from MongoDB.
 * Corrections apply at once through an overlay; retraining folds them into the model,
 * debounced and in a worker thread, and the new model is swapped in when ready.
 */
export function createUnderstandingService(options: UnderstandingServiceOptions): UnderstandingService {
  const Corrections = correctionModel(options.connection);
  const log = options.logger.child({ component: 'understanding' });
  const debounceMs = options.retrainDebounceMs ?? 10_000;
  let understander: Understander | undefined;
  let modelHash = '';
  let modelSource: UnderstandingService['modelSource'] = 'none';
  /** Corrections not yet in the model, by correctionKey. */
  const overlay = new Map<string, { intent: Intent; category: Category }>();
  let timer: NodeJS.Timeout | undefined;
  let training: Promise<void> | undefined;
  let retrainAgain = false;
  let stopped = false;

  async function loadCorrections(): Promise<Correction[]> {
    const stored = await Corrections.find({}, { text: 1, intent: 1, category: 1 })
      .sort({ at: 1, _id: 1 })
      .lean();
    return stored.map(({ text, intent, category }) => ({ text, intent, category }));
  }

  async function train(reason: string): Promise<void> {
    const corrections = await loadCorrections();
    const learned = new Set(overlay.keys());
    const result = await trainInWorker({ corrections, cacheDir: options.cacheDir });
    const model = modelFromJSON(result.model);
    if (!model) throw new Error('the training worker returned an unreadable model');
    understander = createUnderstanding({
      model,
      confidenceThreshold: options.confidenceThreshold,
      ambiguityMargin: options.ambiguityMargin,
    });
    modelHash = model.trainingHash;
    modelSource = result.source === 'cache' ? 'cache' : 'trained';
    // Only what the new model learned leaves the overlay; later corrections stay.
    for (const key of learned) if (model.correctionFor(key)) overlay.delete(key);
    log.info(
      {
        reason,
        source: result.source,
        milliseconds: Math.round(result.milliseconds),
        corrections: corrections.length,
      },
      'Understanding model ready',
    );
  }

  function runTraining(reason: string): Promise<void> {
    if (training) {
      retrainAgain = true;
      return training;
    }
    training = train(reason)
      .catch((error: unknown) =>
        log.error({ err: error }, 'Retraining failed; the previous model stays in use'),
      )
      .finally(() => {
        training = undefined;
        if (retrainAgain && !stopped) {
          retrainAgain = false;
          void runTraining('corrections arrived during training');
        }
      });
    return training;
  }

  function scheduleRetraining(): void {
    if (stopped) return;
    clearTimeout(timer);
    timer = setTimeout(() => {
      timer = undefined;
      void runTraining('staff corrections');
    }, debounceMs);
    timer.unref();
  }

  return {
    get modelHash() {
      return modelHash;
    },
    get modelSource() {
      return modelSource;
    },
    async start() {
      await train('start-up');
    },
    understand(text) {
      if (!understander) throw new AppError('not_started', 'the understanding service has not started');
      const understanding = understander.understand(text);
      const corrected = overlay.get(correctionKey(text));
      return corrected ? withCorrection(understanding, corrected) : understanding;
    },
    async recordCorrection(correction) {
      const key = correctionKey(correction.text);
      if (key === '') throw new AppError('empty_correction', 'a correction needs a message with words in it');
      await Corrections.updateOne(
        { _id: key },
        {
          $set: {
            text: correction.text,
            intent: correction.intent,
            category: correction.category,
            staffId: correction.staffId,
            caseId: correction.caseId ?? '',
            at: options.clock.now(),
          },
        },
        { upsert: true },
      );
      overlay.set(key, { intent: correction.intent, category: correction.category });
      scheduleRetraining();
    },
    async idle() {
      while (timer || training) {
        if (timer) {
          clearTimeout(timer);
          timer = undefined;
          void runTraining('staff corrections');
        }
        await training;
      }
    },
    async stop() {
      stopped = true;
      clearTimeout(timer);
      timer = undefined;
      await training;
    },
  };
}
