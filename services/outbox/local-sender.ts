import type { ChannelName } from '../channels/types';
import { adapterFor, type Claim, type DispatcherState } from './dispatcher-state';
import type { LocalSender } from './enqueue';
import type { OutboxRecord } from './outbox-model';

/**
 * How a dispatcher sends entries on local channels (`capabilities.local`: the web chat) as
 * they are queued: the entry is stored already claimed by this instance, so no other pass,
 * poll or claim write stands between the queue and the send. Should this instance stop
 * before the send is recorded, the lease runs out and any dispatcher takes the entry over,
 * as after any claim (a local channel's send can be repeated safely).
 */
export function localSender(state: DispatcherState, start: (claim: Claim) => unknown): LocalSender {
  return {
    holdFor(channel: ChannelName, now: Date) {
      if (state.stopping || state.halted) return undefined;
      if (adapterFor(state, channel)?.capabilities.local !== true) return undefined;
      return { holder: state.instanceId, leaseUntil: new Date(now.getTime() + state.leaseMs) };
    },
    send(record: OutboxRecord) {
      const claim: Claim = {
        record,
        id: String(record._id),
        generation: record.generation,
        leaseUntil: record.leaseUntil.getTime(),
        failures: record.failures,
        throttles: record.throttles,
        partsSent: record.partsSent,
        reclaimed: false,
      };
      state.held.set(claim.id, claim);
      start(claim);
    },
  };
}
