import { readyAt, type Bucket } from './rate-buckets';
import { peekConversation, type ChannelState } from './rate-channel';

/**
 * Roughly how long a send asked for at `at` would wait for its slot: the pause, then the
 * sends queued before it at the channel's rate (at this instance's `share` of the points
 * when the rate is shared) and, given a conversation, at that conversation's rate.
 */
export function estimateWaitMs(
  channel: ChannelState,
  at: number,
  share: () => number,
  conversationId?: string,
): number {
  const pause = Math.max(0, channel.pausedUntil - at);
  const start = (b: Bucket) => Math.max(pause, readyAt(b) - at, 0);
  const g = channel.grid;
  const globalWait = g
    ? pause + (channel.waiters.length * g.intervalMs) / share()
    : start(channel.global) + channel.waiters.length * channel.global.intervalMs;
  if (conversationId === undefined) return globalWait;
  const conversation = peekConversation(channel, conversationId);
  const queued = channel.waiters.filter((waiter) => waiter.conversationId === conversationId).length;
  return Math.max(globalWait, start(conversation) + queued * conversation.intervalMs);
}
