import { renderForChannel } from '../channels/render';
import type { ChannelName } from '../channels/types';
import { adapterFor, type DispatcherState } from './dispatcher-state';
import type { LocalSender, SentAtOnce } from './enqueue';
import { toAddress, toOutboundMessage, toOutboxEntry, type OutboxRecord } from './outbox-model';
import { notify } from './settling';

/**
 * How a dispatcher sends entries on local channels (`capabilities.local`: the web chat) as
 * they are queued. Such a send is a write to our own database that keeps each delivery
 * once, so it can go out before the entry is stored, and be repeated: the entry is then
 * stored as sent, with no claim, lease or attempt record. A send that fails leaves the
 * entry to be stored pending, for the dispatcher's usual retries.
 */
export function localSender(state: DispatcherState): LocalSender {
  return {
    sendsAtOnce(channel: ChannelName): boolean {
      if (state.stopping || state.halted) return false;
      const capabilities = adapterFor(state, channel)?.capabilities;
      // Sent before it is stored, so a crash in between repeats the send: it must be harmless.
      return capabilities?.local === true && capabilities.idempotentSends === true;
    },

    async send(record: OutboxRecord): Promise<SentAtOnce | undefined> {
      const channel = record.address.channel;
      const adapter = adapterFor(state, channel);
      if (!adapter) return undefined;
      const parts = renderForChannel(toOutboundMessage(record), adapter.capabilities);
      let platformMessageId = '';
      try {
        for (const [part, message] of parts.entries()) {
          const delivery = { key: record.key, purpose: record.purpose, part, parts: parts.length };
          const result = await adapter.send(toAddress(record), { ...message, delivery });
          platformMessageId = result.platformMessageId ?? platformMessageId;
        }
      } catch (error) {
        state.log.warn(
          { err: error, key: record.key, channel },
          'Could not send at once; the entry is queued for the dispatcher',
        );
        return undefined;
      }
      const now = state.clock.now();
      return {
        status: 'sent',
        holder: state.instanceId,
        generation: 1,
        sentAt: now,
        platformMessageId,
        partsSent: parts.length,
      };
    },

    async stored(record: OutboxRecord): Promise<void> {
      state.options.metrics?.sent.inc({ channel: record.address.channel });
      await notify(state, state.options.onSent, {
        entry: toOutboxEntry(record),
        ...(record.platformMessageId ? { platformMessageId: record.platformMessageId } : {}),
      });
    },
  };
}
