import type { Connection } from 'mongoose';
import type { Clock } from '../clock';
import { trusted } from '../database/connect';
import { messageModel, type MessageRecord } from './message-model';
import { newInstanceId } from '../instance-id';

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

const EPOCH = new Date(0);
const FREE = { holder: '', leaseUntil: EPOCH };

/** A message this holder won: its handling is theirs until the lease ends. */
export interface Claim {
  record: MessageRecord;
  holder: string;
  attempt: number;
  /** When the lease ends (ms since the epoch). */
  leaseUntil: number;
}

/** The lease fields of a message stored already taken for its first attempt (see `onArrival`). */
export interface ArrivalLease {
  holder: string;
  leaseUntil: Date;
  attempts: number;
}

/**
 * The handling lease on the message document: `claim` takes a free message (received, and
 * never leased or its lease over) in one conditional update, so one holder at a time
 * handles it; a message is also stored already taken by the instance that received it
 * (`onArrival`, `keep`), which saves that update when it is handled soon after; `settle` and
 * `handBack` write the outcome only while the lease is still this attempt's (a holder that
 * outlived its lease, and was taken over, writes nothing).
 */
export function createHandlingLease(deps: { connection: Connection; clock: Clock; leaseMs: number }) {
  const Messages = messageModel(deps.connection);
  // Readable in the database: which process holds a message, and which of its claims.
  const holder = newInstanceId();
  const ours = (claim: Claim) => ({ _id: claim.record._id, holder: claim.holder, attempts: claim.attempt });

  return {
    holder,

    /** The lease fields to store a message with: taken by this holder for its first attempt. */
    onArrival(): ArrivalLease {
      return { holder, leaseUntil: new Date(deps.clock.now().getTime() + deps.leaseMs), attempts: 1 };
    },

    /**
     * A claim taken on arrival, when its handling starts: as it is while at least half its
     * lease is left (no database work), else renewed; undefined when it is no longer this
     * attempt's (the lease ran out and another holder took the message).
     */
    async keep(claim: Claim): Promise<Claim | undefined> {
      const now = deps.clock.now().getTime();
      if (claim.leaseUntil - now >= deps.leaseMs / 2) return claim;
      const leaseUntil = now + deps.leaseMs;
      const { matchedCount } = await Messages.updateOne(
        { ...ours(claim), status: 'received', leaseUntil: new Date(claim.leaseUntil) },
        { $set: { leaseUntil: new Date(leaseUntil) } },
      );
      return matchedCount > 0 ? { ...claim, leaseUntil } : undefined;
    },

    /** Frees messages taken on arrival whose handling will not start here after all. */
    async letGo(claims: Claim[]): Promise<void> {
      if (claims.length === 0) return;
      await Messages.updateMany(
        {
          _id: trusted({ $in: claims.map((claim) => claim.record._id) }),
          holder,
          attempts: 1,
          status: 'received',
        },
        { $set: { ...FREE, attempts: 0 } },
      );
    },

    /**
     * Frees the message stored under `key` with this arrival lease, if it is there: its store
     * failed on our side, so no handling was scheduled, yet the insert may have landed. Returns
     * whether it was found.
     */
    async letGoOfStore(key: string, arrival: ArrivalLease): Promise<boolean> {
      const { matchedCount } = await Messages.updateOne(
        { key, holder, attempts: 1, leaseUntil: arrival.leaseUntil, status: 'received' },
        { $set: { ...FREE, attempts: 0 } },
      );
      return matchedCount > 0;
    },

    /** Takes the message for one attempt, or returns undefined when it is not free to take. */
    async claim(id: unknown): Promise<Claim | undefined> {
      const now = deps.clock.now();
      const leaseUntil = now.getTime() + deps.leaseMs;
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

    /** Marks the message processed with what handling did; false when the lease was lost. */
    async settle(claim: Claim, result: HandlingResult): Promise<boolean> {
      const { matchedCount } = await Messages.updateOne(ours(claim), {
        $set: {
          ...FREE,
          status: 'processed',
          outcome: result.outcome,
          identityId: result.identityId ?? '',
          caseId: result.caseId ?? '',
          language: result.language ?? '',
          understanding: result.understanding ?? {},
          processedAt: deps.clock.now(),
          error: '',
        },
      });
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
