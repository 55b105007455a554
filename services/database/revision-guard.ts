import { setTimeout as sleep } from 'node:timers/promises';
import mongoose from 'mongoose';
import { REVISION_FIELD, WRITE_CONFLICT_MARKER } from './engine-sql';

/**
 * Attempts of one write that keeps meeting conflicts before the error reaches the caller. Each
 * conflict means another write to the same document won, so n writers piled up on one document
 * all finish within n attempts.
 */
const MAX_ATTEMPTS = 100;
/** Upserts that race on the key they filter by: the second attempt finds the winner's document. */
const MAX_DUPLICATE_UPSERT_ATTEMPTS = 3;

/**
 * The writes that read documents first and may meet a conflict. An `updateMany` is retried as
 * a whole: documents it updated before the conflict no longer match a filter on the state it
 * sets, or get the same `$set` again.
 */
const RETRIED_WRITES = ['updateOne', 'updateMany', 'replaceOne', 'findOneAndUpdate', 'findOneAndReplace'];
/** Writes that return the document they changed. */
const RETURNING_WRITES = new Set(['findOneAndUpdate', 'findOneAndReplace', 'findOneAndDelete']);

type Method = (...args: unknown[]) => unknown;
type Cursor = { map(transform: (document: unknown) => unknown): Cursor };

/**
 * True when the engine refused a write because the document changed between the engine's
 * read and its write (the embedded engine's revision check; MongoDB never reports this).
 */
export function isWriteConflict(error: unknown): boolean {
  return error instanceof Error && error.message.includes(WRITE_CONFLICT_MARKER);
}

let installed = false;

/**
 * The client side of the embedded engine's revision check, so callers see MongoDB's
 * semantics on either engine: a write refused as a conflict is retried (it then applies to
 * the current document, or matches nothing); an upsert that loses an insert race on its own
 * key is retried, as MongoDB's server does; and the engine's revision field never reaches a
 * caller. On MongoDB none of this ever triggers. Idempotent.
 */
export function installRevisionGuard(): void {
  if (installed) return;
  installed = true;
  const prototype = mongoose.mongo.Collection.prototype as unknown as Record<string, Method>;
  for (const name of RETRIED_WRITES) wrap(prototype, name, retryingConflicts);
  for (const name of RETURNING_WRITES) wrap(prototype, name, hidingRevisionOfResult);
  for (const name of ['find', 'aggregate']) {
    wrap(
      prototype,
      name,
      (original) =>
        function hidingRevisionOfCursor(this: unknown, ...args: unknown[]) {
          return (original.apply(this, args) as Cursor).map(withoutRevision);
        },
    );
  }
}

function wrap(target: Record<string, Method>, name: string, wrapper: (original: Method) => Method): void {
  const original = target[name];
  if (original) target[name] = wrapper(original);
}

function retryingConflicts(original: Method): Method {
  return async function retried(this: unknown, ...args: unknown[]) {
    for (let attempt = 1; ; attempt++) {
      try {
        return await original.apply(this, args);
      } catch (error) {
        const retry =
          (isWriteConflict(error) && attempt < MAX_ATTEMPTS) ||
          (isDuplicateKey(error) && isUpsert(args) && attempt < MAX_DUPLICATE_UPSERT_ATTEMPTS);
        if (!retry) throw error;
        // The winner has written already; a short, growing pause spreads a pile-up.
        if (attempt > 2) await sleep(Math.random() * Math.min(attempt * 2, 50));
      }
    }
  };
}

function hidingRevisionOfResult(original: Method): Method {
  return async function hiding(this: unknown, ...args: unknown[]) {
    const result = await original.apply(this, args);
    withoutRevision(result);
    // With includeResultMetadata the driver returns `{ value, ok, lastErrorObject }`.
    if (result && typeof result === 'object' && 'lastErrorObject' in result)
      withoutRevision((result as { value?: unknown }).value);
    return result;
  };
}

function withoutRevision(document: unknown): unknown {
  if (document && typeof document === 'object') delete (document as Record<string, unknown>)[REVISION_FIELD];
  return document;
}

function isDuplicateKey(error: unknown): boolean {
  return (error as { code?: unknown } | undefined)?.code === 11000;
}

function isUpsert(args: unknown[]): boolean {
  const options = args[2] as { upsert?: unknown } | undefined;
  return options?.upsert === true;
}
