import type { Connection } from 'mongoose';
import type { Clock } from '../clock';
import { newInstanceId } from '../instance-id';
import { messageModel, type MessageRecord } from './message-model';

/** The lease fields of a message nobody holds. */
export const FREE = { holder: '', leaseUntil: new Date(0) };

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

/** What the lease's verbs share: the messages, this holder and the lease length. */
export function createLeaseContext(deps: { connection: Connection; clock: Clock; leaseMs: number }) {
  return {
    Messages: messageModel(deps.connection),
    // Readable in the database: which process holds a message, and which of its claims.
    holder: newInstanceId(),
    clock: deps.clock,
    leaseMs: deps.leaseMs,
    /** The filter that matches the message only while it is still this attempt's. */
    ours: (claim: Claim) => ({ _id: claim.record._id, holder: claim.holder, attempts: claim.attempt }),
  };
}

export type LeaseContext = ReturnType<typeof createLeaseContext>;
