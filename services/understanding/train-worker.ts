import { parentPort, workerData } from 'node:worker_threads';
import { loadModel, type ModelSource } from '../../nlp/model-cache';

/*
 * Trains (or reads from the cache) a model in a worker thread, so training never blocks the
 * event loop that answers owners. Posts back the model as JSON, or { error }.
 */
try {
  const { model, source, milliseconds } = loadModel(workerData as ModelSource);
  parentPort?.postMessage({ model: model.toJSON(), source, milliseconds });
} catch (error) {
  parentPort?.postMessage({ error: error instanceof Error ? error.message : String(error) });
}
