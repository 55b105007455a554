import { setTimeout as sleep } from 'node:timers/promises';
import type { Clock } from '../../services/clock';
import type { InboundMessage } from '../../services/channels/types';
import type { ArrivalLease, Claim, HandlingLease } from '../../services/messages/handling-lease';
import { messageKey, type ArrivedMessage, type MessageStore } from '../../services/messages/message-store';

/**
 * Messages stored already taken by this instance (see `onArrival` in the handling lease):
 * the claim each is handled with, the ones whose handling has not started yet (so `letGo`
 * can free them), and the stores that failed on our side.
 */
export function createArrivals(deps: {
  store: MessageStore;
  lease: Pick<HandlingLease, 'onArrival' | 'letGo' | 'letGoOfStore'>;
  clock: Clock;
}) {
  const { store, lease, clock } = deps;
  const waiting = new Set<Claim>();

  /**
   * A store that failed on our side may still have landed, taken by this instance with no
   * handling scheduled: freed as soon as the database answers, for the recovery sweep to
   * find (and not only when its lease ends). Tries at growing intervals within the lease.
   */
  async function freeIfLanded(key: string, arrival: ArrivalLease): Promise<void> {
    for (let waitMs = 1000; clock.now().getTime() + waitMs < arrival.leaseUntil.getTime(); waitMs *= 2) {
      await sleep(waitMs, undefined, { ref: false });
      const freed = await lease.letGoOfStore(key, arrival).catch(() => false);
      if (freed) return;
    }
  }

  return {
    /** Stores the message taken by this instance, with the claim to handle it; undefined for a duplicate. */
    async store(message: InboundMessage): Promise<{ stored: ArrivedMessage; taken: Claim } | undefined> {
      const arrival = lease.onArrival();
      const stored = await store.store(message, arrival).catch((error: unknown) => {
        void freeIfLanded(messageKey(message), arrival);
        throw error;
      });
      if (!stored) return undefined;
      const taken: Claim = {
        record: stored.record,
        holder: arrival.holder,
        attempt: arrival.attempts,
        leaseUntil: arrival.leaseUntil.getTime(),
      };
      waiting.add(taken);
      return { stored, taken };
    },

    /** Its handling starts now. */
    started(taken: Claim): void {
      waiting.delete(taken);
    },

    /** Frees the messages taken whose handling has not started (it will not start here). */
    async letGo(): Promise<void> {
      const claims = [...waiting];
      waiting.clear();
      await lease.letGo(claims);
    },
  };
}
