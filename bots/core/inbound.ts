import type { Connection } from 'mongoose';
import type { Clock } from '../../services/clock';
import type { InboundMessage } from '../../services/channels/types';
import type { Logger } from '../../services/logging/logger';
import { createHandlingLease, type HandlingResult } from '../../services/messages/handling-lease';
import type { MessageRecord } from '../../services/messages/message-model';
import { createMessageRecovery } from '../../services/messages/message-recovery';
import { createMessageStore, type StoredMessage } from '../../services/messages/message-store';
import { createKeyedQueue } from './keyed-queue';

export type { HandlingResult } from '../../services/messages/handling-lease';

/**
 * The inbound path: `receive` stores the message (unique on channel + platform id) and
 * returns, so a webhook can answer at once; handling runs afterwards, in order per sender,
 * under a lease on the message. A message whose handling was cut short (crash, restart) is
 * handled again once its lease is over, found by `recover`, which also runs on start.
 */
export function createInboundPipeline(deps: {
  connection: Connection;
  clock: Clock;
  logger: Logger;
  handle: (message: MessageRecord) => Promise<HandlingResult>;
  onDuplicate?: (channel: string) => void;
  concurrency?: number;
  leaseMs?: number;
}) {
  const { connection, clock, logger } = deps;
  const store = createMessageStore({ connection });
  const lease = createHandlingLease({ connection, clock, leaseMs: deps.leaseMs ?? 60_000 });
  const recovery = createMessageRecovery({ connection, clock, logger });
  const queue = createKeyedQueue({
    concurrency: deps.concurrency ?? 8,
    onError: (error, key) => logger.error({ err: error, sender: key }, 'Message handling failed'),
  });

  /** One attempt: nothing happens unless the message is free and this holder wins it. */
  const process = async (id: unknown): Promise<void> => {
    const claim = await lease.claim(id);
    if (!claim) return;
    let result: HandlingResult;
    try {
      result = await deps.handle(claim.record);
    } catch (error) {
      await lease.handBack(claim, error).catch(() => undefined);
      throw error;
    }
    if (!(await lease.settle(claim, result)))
      logger.warn(
        { messageId: String(claim.record._id), attempt: claim.attempt },
        'Message handled after its lease ended; the holder that took it over records the outcome',
      );
  };

  const schedule = (message: StoredMessage) => {
    queue.push(`${message.channel}:${message.senderId}`, () => process(message.id));
  };

  return {
    /** Stores the message; resolves `{ stored: false }` for a duplicate delivery. Never waits for handling. */
    async receive(message: InboundMessage): Promise<{ stored: boolean; id?: string }> {
      const stored = await store.store(message);
      if (!stored) {
        deps.onDuplicate?.(message.channel);
        return { stored: false };
      }
      schedule(stored);
      return { stored: true, id: String(stored.id) };
    },

    /**
     * Schedules the messages free to handle (left by a crash, a failed attempt or a store
     * whose webhook timed out) and returns how many. Messages under a live lease are left to
     * their holder until it ends.
     */
    async recover(): Promise<number> {
      const free = await recovery.free();
      for (const message of free) schedule(message);
      return free.length;
    },

    /**
     * Gives up the handling scheduled here and not started yet (what is running finishes):
     * those messages stay stored as received, for `recover` on this or another instance.
     * Returns how many were let go. For a shutdown that must not wait out a backlog.
     */
    release: (): number => queue.clear(),

    /** Resolves once every scheduled message has been handled. */
    idle: () => queue.idle(),
    get backlog(): number {
      return queue.size;
    },
  };
}

export type InboundPipeline = ReturnType<typeof createInboundPipeline>;
