import type { Model } from 'mongoose';
import type { Clock } from '../clock';
import { trusted } from '../database/connect';
import type { OutboxAttemptRecord, OutboxRecord } from './outbox-model';

export interface OutboxRetention {
  /** How long sent entries keep their message text (default 7 days). */
  sentMs: number;
  /** How long dead letters stay listed and requeueable, text included (default 30 days). */
  deadMs: number;
  /**
   * How long a sent or dead entry stays at all after it was sent or given up, text erased,
   * so that its key stays taken (default 400 days): the idempotency window.
   */
  keysMs: number;
}

const DAY = 24 * 60 * 60_000;
export const DEFAULT_RETENTION: OutboxRetention = { sentMs: 7 * DAY, deadMs: 30 * DAY, keysMs: 400 * DAY };

/**
 * Attempt records of sent entries, and leftovers of a dispatcher that stopped while
 * settling, go after an hour. One of an entry still held stays: it is how the next holder
 * learns of a cut send.
 */
const STALE_ATTEMPT_MS = 60 * 60_000;

/** What one purge did. */
export interface PurgeReport {
  /** Sent entries whose text was erased. */
  sentTexts: number;
  /** Dead letters whose text was erased (they can no longer be requeued). */
  deadTexts: number;
  /** Entries deleted at the end of the key window: their keys are free again. */
  entries: number;
  attempts: number;
}

/** The outbox's upkeep: a person's requeue of a dead letter, and the scheduled purge. */
export function createOutboxUpkeep(deps: {
  entries: Model<OutboxRecord>;
  attempts: Model<OutboxAttemptRecord>;
  clock: Clock;
  retention: OutboxRetention;
}) {
  const { entries, attempts, retention } = deps;

  /** One statement whatever their number: only the few held entries are named. */
  const purgeStaleAttempts = async (cutoff: Date): Promise<number> => {
    const held = await entries.find({ status: 'sending' }, { _id: 1 }).lean();
    const result = await attempts.deleteMany({
      createdAt: trusted({ $lt: cutoff }),
      entryId: trusted({ $nin: held.map((entry) => String(entry._id)) }),
    });
    return result.deletedCount;
  };

  return {
    /**
     * Gives a dead letter a fresh set of attempts (after the cause was fixed, e.g. the owner
     * unblocked the bot). Returns false when the key is not a dead letter with its text.
     */
    async requeue(key: string): Promise<boolean> {
      if (typeof key !== 'string') return false;
      const dead = await entries.findOne({ key, status: 'dead' }, { generation: 1, message: 1 }).lean();
      if (!dead || !dead.message.text) return false;
      // A person decided: records of earlier sends must not make a later holder take the
      // entry for a cut send. Deleted first, so none of the next holder's can go with them.
      await attempts.deleteMany({
        entryId: String(dead._id),
        generation: trusted({ $lte: dead.generation }),
      });
      const result = await entries.updateOne(
        { _id: dead._id, status: 'dead', generation: dead.generation },
        {
          $set: {
            status: 'pending',
            failures: 0,
            throttles: 0,
            nextAttemptAt: deps.clock.now(),
            deadReason: '',
            deadAt: null,
          },
        },
      );
      return result.modifiedCount > 0;
    },

    /**
     * Erases the texts of sent entries and dead letters past their retention, deletes
     * entries past the key window and leftover attempt records. Idempotent; the dispatcher
     * runs it hourly when given this outbox.
     */
    async purge(): Promise<PurgeReport> {
      const now = deps.clock.now().getTime();
      const before = (ms: number) => trusted({ $lt: new Date(now - ms) });
      const withText = { 'message.text': trusted({ $ne: '' }) };
      const erase = { $set: { 'message.text': '', 'message.buttons': [] } };
      const [sentTexts, deadTexts] = await Promise.all([
        entries.updateMany({ status: 'sent', sentAt: before(retention.sentMs), ...withText }, erase),
        entries.updateMany({ status: 'dead', deadAt: before(retention.deadMs), ...withText }, erase),
      ]);
      const [sent, dead] = await Promise.all([
        entries.deleteMany({ status: 'sent', sentAt: before(retention.keysMs) }),
        entries.deleteMany({ status: 'dead', deadAt: before(retention.keysMs) }),
      ]);
      return {
        sentTexts: sentTexts.modifiedCount,
        deadTexts: deadTexts.modifiedCount,
        entries: sent.deletedCount + dead.deletedCount,
        attempts: await purgeStaleAttempts(new Date(now - STALE_ATTEMPT_MS)),
      };
    },
  };
}
