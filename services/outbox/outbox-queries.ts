import type { Model } from 'mongoose';
import type { Clock } from '../clock';
import { trusted } from '../database/connect';
import { toOutboxEntry, type OutboxEntry, type OutboxRecord } from './outbox-model';
import type { OutboxRetention } from './outbox-upkeep';

export interface OutboxStats {
  pending: number;
  /** Pending entries already due: the backlog the dispatchers have not reached yet. */
  due: number;
  /** Held by a dispatcher (also one whose holder died, until its lease runs out and another takes it). */
  sending: number;
  /** Dead letters still kept for inspection and requeue (see `retention.deadMs`). */
  dead: number;
  /** How long the most overdue pending entry has been due; 0 when none is. */
  oldestPendingAgeMs: number;
}

/**
 * What the outbox holds, read by status. Every query names one status, so it only reads
 * that part of the collection: sent entries, the bulk of it, are never read here.
 */
export function createOutboxQueries(deps: {
  entries: Model<OutboxRecord>;
  clock: Clock;
  retention: OutboxRetention;
}) {
  const { entries } = deps;
  const deadSince = () => trusted({ $gte: new Date(deps.clock.now().getTime() - deps.retention.deadMs) });

  return {
    /** The entry for a key; undefined when there is none (never enqueued, or longer ago than the key window). */
    async get(key: string): Promise<OutboxEntry | undefined> {
      if (typeof key !== 'string') return undefined;
      const record = await entries.findOne({ key }).lean<OutboxRecord>();
      return record ? toOutboxEntry(record) : undefined;
    },

    /** Queue depth by status and how far behind the dispatchers are. */
    async stats(): Promise<OutboxStats> {
      const now = deps.clock.now();
      const due = { status: 'pending' as const, nextAttemptAt: trusted({ $lte: now }) };
      const [pending, dueCount, oldest, sending, dead] = await Promise.all([
        entries.countDocuments({ status: 'pending' }),
        entries.countDocuments(due),
        entries.findOne(due, { nextAttemptAt: 1 }).sort({ nextAttemptAt: 1 }).lean<OutboxRecord>(),
        entries.countDocuments({ status: 'sending' }),
        entries.countDocuments({ status: 'dead', deadAt: deadSince() }),
      ]);
      return {
        pending,
        due: dueCount,
        sending,
        dead,
        oldestPendingAgeMs: oldest ? now.getTime() - oldest.nextAttemptAt.getTime() : 0,
      };
    },

    /** Dead letters still kept (see `retention.deadMs`), newest first, for the operations CLI. */
    async deadLetters(options: { limit?: number } = {}): Promise<OutboxEntry[]> {
      const records = await entries
        .find({ status: 'dead', deadAt: deadSince() })
        .sort({ deadAt: -1, _id: -1 })
        .limit(options.limit ?? 100)
        .lean<OutboxRecord[]>();
      return records.map(toOutboxEntry);
    },
  };
}
