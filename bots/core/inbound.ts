import type { Connection } from 'mongoose';
import type { Clock } from '../../services/clock';
import type { InboundMessage } from '../../services/channels/types';
import type { Logger } from '../../services/logging/logger';
import { createHandlingLease, type Claim, type HandlingResult } from '../../services/messages/handling-lease';
import type { MessageRecord } from '../../services/messages/message-model';
import { createMessageRecovery } from '../../services/messages/message-recovery';
import { createMessageStore, type StoredMessage } from '../../services/messages/message-store';
import { detectEmergency } from '../../nlp';
import { createArrivals } from './arrivals';
import { attemptHandling } from './inbound-attempt';
import { createKeyedQueue } from './keyed-queue';

/** The emergency rules alone (no model): cheap enough for every message the moment it is stored. */
const isEmergencyAtIntake = (text: string): boolean => detectEmergency(text) !== undefined;

export type { HandlingResult } from '../../services/messages/handling-lease';

/**
 * The inbound path: `receive` stores the message (unique on channel + platform id) and
 * returns, so a webhook can answer at once; handling runs afterwards, in order per sender,
 * fair across channels and senders, under a lease on the message. An emergency is handled
 * on a priority lane at once, whatever backlog of ordinary messages is queued. A message
 * whose handling was cut short (crash, restart) is handled again once its lease is over,
 * found by `recover`, which also runs on start.
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

  const arrivals = createArrivals({ store, lease, clock });
  const process = (id: unknown, taken?: Claim) => {
    if (taken) arrivals.started(taken);
    return attemptHandling({ lease, handle: deps.handle, logger }, id, taken);
  };

  // Fair across channels and senders (each channel a lane); an emergency goes ahead of every queue.
  const schedule = (message: StoredMessage, urgent: boolean, taken?: Claim) => {
    queue.push(`${message.channel}:${message.senderId}`, () => process(message.id, taken), {
      lane: message.channel,
      urgent,
    });
  };

  return {
    /** Stores the message; resolves `{ stored: false }` for a duplicate delivery. Never waits for handling. */
    async receive(message: InboundMessage): Promise<{ stored: boolean; id?: string }> {
      // Stored already taken by this instance, which is about to handle it: no claim to write.
      const arrived = await arrivals.store(message);
      if (!arrived) {
        deps.onDuplicate?.(message.channel);
        return { stored: false };
      }
      const { stored, taken } = arrived;
      schedule(stored, isEmergencyAtIntake(message.text), taken);
      return { stored: true, id: String(stored.id) };
    },

    /**
     * Schedules the messages free to handle (left by a crash, a failed attempt or a store
     * whose webhook timed out) and returns how many. Messages under a live lease are left to
     * their holder until it ends.
     */
    async recover(): Promise<number> {
      const free = await recovery.free();
      for (const message of free) schedule(message, false);
      return free.length;
    },

    /**
     * Gives up the handling scheduled here and not started yet (what is running finishes):
     * those messages stay stored as received, for `recover` on this or another instance.
     * Returns how many were let go (freed at once, also those this instance took on arrival).
     * For a shutdown that must not wait out a backlog.
     */
    async release(): Promise<number> {
      const dropped = queue.clear();
      await arrivals.letGo();
      return dropped;
    },

    /** Resolves once every scheduled message has been handled. */
    idle: () => queue.idle(),
    get backlog(): number {
      return queue.size;
    },
  };
}

export type InboundPipeline = ReturnType<typeof createInboundPipeline>;
