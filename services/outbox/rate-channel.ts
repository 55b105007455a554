import type { ChannelName } from '../channels/types';
import { cooledDown, createBucket, type Bucket } from './rate-buckets';
import type { Grid } from './rate-grid';
import type { ChannelLimit, SendSlot } from './rate-limiter';

/** A send waiting for its slot. */
export interface Waiter {
  conversationId: string;
  priority: number;
  seq: number;
  resolve: (slot: SendSlot) => void;
  reject: (error: Error) => void;
}

/** Everything the limiter knows about one channel. */
export interface ChannelState {
  name: ChannelName;
  limit: ChannelLimit;
  global: Bucket;
  /** Set when the channel's rate is shared with other instances; it then replaces `global`. */
  grid: Grid | undefined;
  conversations: Map<string, Bucket>;
  waiters: Waiter[];
  pausedUntil: number;
  timer: NodeJS.Timeout | undefined;
}

/** A fresh channel state under `limit`; given a `grid`, its overall rate goes on that shared schedule. */
export function createChannelState(
  name: ChannelName,
  limit: ChannelLimit,
  grid: Grid | undefined,
): ChannelState {
  return {
    name,
    limit,
    global: createBucket(limit.perSecond, limit.burst ?? 1),
    grid,
    conversations: new Map(),
    waiters: [],
    pausedUntil: 0,
    timer: undefined,
  };
}

const newConversationBucket = (channel: ChannelState, conversationId: string): Bucket =>
  createBucket(
    channel.limit.conversationPerSecond?.(conversationId) ?? channel.limit.perConversationPerSecond,
    channel.limit.burst ?? 1,
  );

/** The conversation's bucket as it stands, or a fresh one that is not remembered. */
export function peekConversation(channel: ChannelState, conversationId: string): Bucket {
  return channel.conversations.get(conversationId) ?? newConversationBucket(channel, conversationId);
}

/** The conversation's bucket, created and remembered on first use. */
export function conversationBucket(channel: ChannelState, conversationId: string): Bucket {
  let found = channel.conversations.get(conversationId);
  if (!found) {
    found = newConversationBucket(channel, conversationId);
    channel.conversations.set(conversationId, found);
  }
  return found;
}

/** Forgets conversations that have cooled down, so the map does not grow forever. */
export function forgetCooledConversations(channel: ChannelState, at: number): void {
  for (const [id, b] of channel.conversations) if (cooledDown(b, at)) channel.conversations.delete(id);
}
