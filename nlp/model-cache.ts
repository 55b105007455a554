import fs from 'node:fs';
import path from 'node:path';
import { loadCorpus, type CorpusSplit } from './corpus';
import {
  modelFromJSON,
  trainModel,
  trainingHash,
  type Correction,
  type TrainInput,
  type UnderstandingModel,
} from './model';
import { PROJECT_ROOT } from './project-root';

/** The splits the shipped model learns from: train, plus dev once thresholds were tuned on it (docs/nlp.md). */
export const DEFAULT_TRAINING_SPLITS: readonly CorpusSplit[] = ['train', 'dev'];

/** Where trained models are cached by default (git-ignored). */
export const DEFAULT_MODEL_CACHE_DIR = path.join(PROJECT_ROOT, '.cache/nlp');

/** How a model was obtained, for callers to report. */
export interface LoadedModel {
  model: UnderstandingModel;
  source: 'cache' | 'trained';
  milliseconds: number;
}

export interface ModelSource {
  splits?: readonly CorpusSplit[];
  /** Staff corrections learned on top of the corpus. */
  corrections?: readonly Correction[];
  /** false: neither read nor write a cache. */
  cacheDir?: string | false;
}

/**
 * The model for the corpus splits plus corrections: read from the cache when one was trained
 * on exactly this input (content hash), else trained and cached, so a start-up with nothing
 * changed does not retrain. A cache that cannot be read or written is ignored.
 */
export function loadModel(source: ModelSource = {}): LoadedModel {
  const started = performance.now();
  const input: TrainInput = {
    examples: (source.splits ?? DEFAULT_TRAINING_SPLITS).flatMap((split) => loadCorpus(split)),
    corrections: source.corrections ?? [],
  };
  const hash = trainingHash(input);
  const cacheDir = source.cacheDir ?? DEFAULT_MODEL_CACHE_DIR;
  const file = cacheDir === false ? undefined : path.join(cacheDir, `model-${hash.slice(0, 16)}.json`);
  if (file && fs.existsSync(file)) {
    try {
      const model = modelFromJSON(JSON.parse(fs.readFileSync(file, 'utf8')));
      if (model?.trainingHash === hash) {
        return { model, source: 'cache', milliseconds: performance.now() - started };
      }
    } catch {
      // A damaged cache file is retrained and overwritten below.
    }
  }
  const model = trainModel(input);
  if (file && cacheDir) {
    try {
      fs.mkdirSync(cacheDir, { recursive: true });
      // Write then rename, so a concurrent reader never sees half a file.
      fs.writeFileSync(`${file}.${process.pid}.tmp`, JSON.stringify(model.toJSON()));
      fs.renameSync(`${file}.${process.pid}.tmp`, file);
      pruneCache(cacheDir);
    } catch {
      // Read-only checkout: fine, the next run trains again.
    }
  }
  return { model, source: 'trained', milliseconds: performance.now() - started };
}

/** Each set of corrections trains a new model; keep the few newest so the folder stays small. */
const KEPT_MODELS = 4;

function pruneCache(cacheDir: string): void {
  const models = fs
    .readdirSync(cacheDir)
    .filter((name) => /^model-[0-9a-f]{16}\.json$/.test(name))
    .map((name) => ({ name, mtime: fs.statSync(path.join(cacheDir, name)).mtimeMs }))
    .sort((a, b) => b.mtime - a.mtime);
  for (const old of models.slice(KEPT_MODELS)) fs.rmSync(path.join(cacheDir, old.name), { force: true });
}
