import type { Connection, mongo } from 'mongoose';
import type { Clock } from '../clock';
import { trusted } from '../database/connect';
import { arrivalVerbs } from './arrival-lease';
import { createLeaseContext, FREE, type Claim, type LeaseContext } from './lease-context';
import type { MessageRecord } from './message-model';

export type { ArrivalLease, Claim } from './lease-context';

/** What the dialog did with a message, stored on it. */
export interface HandlingResult {
  outcome: string;
  identityId?: string;
  caseId?: string;
  language?: string;
  understanding?: {
    intent?: string;
    confidence?: number;
    category?: string;
    emergency?: string;
    fallback?: boolean;
  };
}

/** Tries (cut-short ones included) after which a handler error marks a message failed. */
export const MAX_FAILED_TRIES = 3;
/**
 * Attempts after which a message nobody finished is no longer taken (recovery marks it
 * failed): a message whose holders keep dying with it in hand is killing the process.
 */
export const MAX_ATTEMPTS = 10;

/**
 * The handling lease on the message document: `claim` takes a free message (received, and
 * never leased or its lease over) in one conditional update, so one holder at a time
 * handles it; a message is also stored already taken by the instance that received it
 * (`onArrival`, `keep`), which saves that update when it is handled soon after; `settle` and
 * `handBack` write the outcome only while the lease is still this attempt's (a holder that
 * outlived its lease, and was taken over, writes nothing).
 */
export function createHandlingLease(deps: { connection: Connection; clock: Clock; leaseMs: number }) {
  const ctx = createLeaseContext(deps);
  return { holder: ctx.holder, ...arrivalVerbs(ctx), ...attemptVerbs(ctx) };
}

/** Claiming a free message for one attempt, and writing that attempt's outcome. */
function attemptVerbs(ctx: LeaseContext) {
  const { Messages, holder, ours } = ctx;
  return {
    /** Takes the message for one attempt, or returns undefined when it is not free to take. */
    async claim(id: unknown): Promise<Claim | undefined> {
      const now = ctx.clock.now();
      const leaseUntil = now.getTime() + ctx.leaseMs;
      const record = await Messages.findOneAndUpdate(
        {
          _id: id,
          status: 'received',
          leaseUntil: trusted({ $lte: now }),
          attempts: trusted({ $lt: MAX_ATTEMPTS }),
        },
        { $set: { holder, leaseUntil: new Date(leaseUntil) }, $inc: { attempts: 1 } },
        { returnDocument: 'after' },
      ).lean<MessageRecord>();
      return record ? { record, holder, attempt: record.attempts, leaseUntil } : undefined;
    },

    /**
     * Marks the message processed with what handling did; false when the lease was lost.
     * Every message ends here, so it goes to the driver as the stored types already (the
     * schema's timestamp included): mongoose's casting of it cost more than the write itself.
     */
    async settle(claim: Claim, result: HandlingResult): Promise<boolean> {
      const now = ctx.clock.now();
      const { matchedCount } = await Messages.collection.updateOne(
        ours(claim) as mongo.Filter<mongo.Document>,
        {
          $set: {
            ...FREE,
            status: 'processed',
            outcome: result.outcome,
            identityId: result.identityId ?? '',
            caseId: result.caseId ?? '',
            language: result.language ?? '',
            understanding: storedUnderstanding(result.understanding),
            processedAt: now,
            error: '',
            updatedAt: now,
          },
        },
      );
      return matchedCount > 0;
    },

    /**
     * Hands the message back after a handler error, free for the next attempt, or marks it
     * failed when this was try `MAX_FAILED_TRIES`.
     */
    async handBack(claim: Claim, error: unknown): Promise<void> {
      const message = error instanceof Error ? error.message : String(error);
      await Messages.updateOne(ours(claim), {
        $set: {
          ...FREE,
          status: claim.attempt >= MAX_FAILED_TRIES ? 'failed' : 'received',
          error: message.slice(0, 500),
        },
      });
    },
  };
}

export type HandlingLease = ReturnType<typeof createHandlingLease>;

/** The understanding as the schema keeps it: its known fields, those that are set. */
function storedUnderstanding(understanding: HandlingResult['understanding'] = {}) {
  const { intent, confidence, category, emergency, fallback } = understanding;
  return Object.fromEntries(
    Object.entries({ intent, confidence, category, emergency, fallback }).filter(
      ([, value]) => value !== undefined,
    ),
  );
}
