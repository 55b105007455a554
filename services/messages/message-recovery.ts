import type { Connection } from 'mongoose';
import type { Clock } from '../clock';
import { trusted } from '../database/connect';
import type { Logger } from '../logging/logger';
import { MAX_ATTEMPTS } from './handling-lease';
import { messageModel } from './message-model';
import type { StoredMessage } from './message-store';

/** Messages scheduled per recovery pass; the next pass takes the rest. */
const RECOVERY_BATCH = 5000;

/**
 * Finds the messages left to handle: received and free (never taken, handed back after an
 * error, or held by a holder that died and whose lease is over), oldest first. One that
 * was taken `MAX_ATTEMPTS` times and never finished is marked failed with the reason
 * instead of being left received for ever.
 */
export function createMessageRecovery(deps: { connection: Connection; clock: Clock; logger: Logger }) {
  const Messages = messageModel(deps.connection);

  const giveUp = async (message: StoredMessage & { attempts: number }, now: Date): Promise<void> => {
    const { matchedCount } = await Messages.updateOne(
      { _id: message.id, status: 'received', attempts: message.attempts, leaseUntil: trusted({ $lte: now }) },
      {
        $set: {
          status: 'failed',
          holder: '',
          leaseUntil: new Date(0),
          error: `handling was taken ${message.attempts} times and never finished (the process stopped while handling it)`,
        },
      },
    );
    if (matchedCount > 0)
      deps.logger.error(
        { messageId: String(message.id), channel: message.channel, attempts: message.attempts },
        'Message marked failed: every instance handling it stopped mid-way',
      );
  };

  return {
    /** The free messages to schedule, oldest first (at most one batch). */
    async free(): Promise<StoredMessage[]> {
      const now = deps.clock.now();
      const found = await Messages.find(
        { status: 'received', leaseUntil: trusted({ $lte: now }) },
        { _id: 1, channel: 1, senderId: 1, attempts: 1 },
      )
        .sort({ receivedAt: 1, _id: 1 })
        .limit(RECOVERY_BATCH)
        .lean<Array<{ _id: unknown; channel: string; senderId: string; attempts: number }>>();
      const free: StoredMessage[] = [];
      for (const { _id, channel, senderId, attempts } of found) {
        const message = { id: _id, channel, senderId };
        if (attempts >= MAX_ATTEMPTS) await giveUp({ ...message, attempts }, now);
        else free.push(message);
      }
      return free;
    },
  };
}

export type MessageRecovery = ReturnType<typeof createMessageRecovery>;
