import type { Model } from 'mongoose';

/** Inserts of one collection on their way to the database at once; more wait for the next batch. */
const BATCHES_IN_FLIGHT = 2;
/** A batch closes at this many documents (one caller's records are never split). */
const BATCH_DOCUMENTS = 500;

interface Waiting {
  documents: Array<Record<string, unknown>>;
  done: (inserted: boolean[]) => void;
  failed: (error: unknown) => void;
}

interface Batches {
  waiting: Waiting[];
  inFlight: number;
  flushQueued: boolean;
}

const batchesOf = new WeakMap<Model<never>, Batches>();

/**
 * Inserts `documents` (cast and validated already) unordered, together with whatever other
 * inserts into the same collection are waiting: concurrent callers share one `insertMany`
 * (a group commit), and each learns for its own documents whether they went in (false: a
 * unique key was taken). An error other than a duplicate key fails every caller of that batch.
 * Alone, an insert goes at once (on the next turn of the event loop).
 */
export function insertBatched<T>(
  model: Model<T>,
  documents: Array<Record<string, unknown>>,
): Promise<boolean[]> {
  const key = model as unknown as Model<never>;
  let batches = batchesOf.get(key);
  if (!batches) {
    batches = { waiting: [], inFlight: 0, flushQueued: false };
    batchesOf.set(key, batches);
  }
  const state = batches;
  return new Promise((done, failed) => {
    state.waiting.push({ documents, done, failed });
    queueFlush(model, state);
  });
}

function queueFlush<T>(model: Model<T>, state: Batches): void {
  if (state.flushQueued || state.inFlight >= BATCHES_IN_FLIGHT || state.waiting.length === 0) return;
  state.flushQueued = true;
  // Inserts made in the same turn of the event loop join this batch.
  setImmediate(() => {
    state.flushQueued = false;
    flush(model, state);
  });
}

function flush<T>(model: Model<T>, state: Batches): void {
  while (state.inFlight < BATCHES_IN_FLIGHT && state.waiting.length > 0) {
    const batch: Waiting[] = [];
    let size = 0;
    while (
      state.waiting.length > 0 &&
      (batch.length === 0 || size + state.waiting[0]!.documents.length <= BATCH_DOCUMENTS)
    ) {
      const next = state.waiting.shift()!;
      batch.push(next);
      size += next.documents.length;
    }
    state.inFlight++;
    void insertUnordered(
      model,
      batch.flatMap((waiting) => waiting.documents),
    )
      .then(
        (inserted) => {
          let offset = 0;
          for (const waiting of batch) {
            waiting.done(inserted.slice(offset, offset + waiting.documents.length));
            offset += waiting.documents.length;
          }
        },
        (error: unknown) => {
          for (const waiting of batch) waiting.failed(error);
        },
      )
      .finally(() => {
        state.inFlight--;
        queueFlush(model, state);
      });
  }
}

/** One unordered insert; for each document whether it went in (false: its unique key was taken). */
async function insertUnordered<T>(
  model: Model<T>,
  documents: Array<Record<string, unknown>>,
): Promise<boolean[]> {
  try {
    // The driver's insert: the documents are cast already; string `_id`s are ours.
    await model.collection.insertMany(documents as never[], { ordered: false });
    return documents.map(() => true);
  } catch (error) {
    const reported = (error as { writeErrors?: unknown }).writeErrors;
    const writeErrors = (Array.isArray(reported) ? reported : reported ? [reported] : []) as Array<{
      index: number;
      code: unknown;
    }>;
    if (writeErrors.length === 0 || writeErrors.some((writeError) => writeError.code !== 11000)) throw error;
    const inserted = documents.map(() => true);
    for (const writeError of writeErrors) inserted[writeError.index] = false;
    return inserted;
  }
}
