import type { Connection } from 'mongoose';
import { correctionKey, withCorrection, type Category, type Intent, type Understanding } from '../../nlp';
import type { Clock } from '../clock';
import { AppError } from '../errors';
import type { Logger } from '../logging/logger';
import { createCorrectionStore, type StaffCorrection } from './correction-store';
import { createRetraining } from './retraining';
import { trainUnderstanding, type TrainedUnderstanding } from './worker-training';

export type { StaffCorrection } from './correction-store';

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

/**
 * The classifier as the running bot uses it: corpus plus staff corrections from MongoDB.
 * Corrections apply at once through an overlay; retraining folds them into the model,
 * debounced and in a worker thread, and the new model is swapped in when ready.
 */
export function createUnderstandingService(options: UnderstandingServiceOptions): UnderstandingService {
  const corrections = createCorrectionStore(options.connection, options.clock);
  const log = options.logger.child({ component: 'understanding' });
  let current: TrainedUnderstanding | undefined;
  /** Corrections not yet in the model, by correctionKey. */
  const overlay = new Map<string, { intent: Intent; category: Category }>();

  async function train(reason: string): Promise<void> {
    const stored = await corrections.all();
    const pending = [...overlay.keys()];
    const trained = await trainUnderstanding({
      corrections: stored,
      cacheDir: options.cacheDir,
      confidenceThreshold: options.confidenceThreshold,
      ambiguityMargin: options.ambiguityMargin,
    });
    current = trained;
    // Only what the new model learned leaves the overlay; later corrections stay.
    for (const key of pending) if (trained.learned(key)) overlay.delete(key);
    log.info(
      {
        reason,
        source: trained.source,
        milliseconds: Math.round(trained.milliseconds),
        corrections: stored.length,
      },
      'Understanding model ready',
    );
  }
  const retraining = createRetraining({ train, debounceMs: options.retrainDebounceMs ?? 10_000, log });

  return {
    get modelHash() {
      return current?.hash ?? '';
    },
    get modelSource() {
      return current?.source ?? 'none';
    },
    async start() {
      await train('start-up');
    },
    understand(text) {
      if (!current) throw new AppError('not_started', 'the understanding service has not started');
      const understanding = current.understander.understand(text);
      const corrected = overlay.get(correctionKey(text));
      return corrected ? withCorrection(understanding, corrected) : understanding;
    },
    async recordCorrection(correction) {
      const key = await corrections.save(correction);
      overlay.set(key, { intent: correction.intent, category: correction.category });
      retraining.schedule();
    },
    idle: () => retraining.idle(),
    stop: () => retraining.stop(),
  };
}
