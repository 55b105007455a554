import type { ChannelName } from '../channels/types';
import type { Clock } from '../clock';
import { AppError } from '../errors';

/** How fast one dispatcher may send into a channel. `Infinity` means no limit. */
export interface ChannelLimit {
  /** Sends per second over the whole channel (the bot's or app's overall limit). */
  perSecond: number;
  /** Sends per second into one conversation (chat, Slack channel, contact). */
  perConversationPerSecond: number;
  /** Sends allowed back to back before pacing starts; default 1, i.e. evenly spaced. */
  burst?: number;
  /** A different per-conversation rate for some conversations (Telegram groups: 20 a minute). */
  conversationPerSecond?: (conversationId: string) => number | undefined;
}

/**
 * Published platform limits (DESIGN, platform facts). They are per sender, i.e. per bot:
 * with several instances, give each `limits` divided by the instance count, or accept
 * that the 429 handling absorbs the excess.
 */
export const DEFAULT_CHANNEL_LIMITS: Record<ChannelName, ChannelLimit> = {
  // Telegram group and supergroup chat ids are negative.
  telegram: {
    perSecond: 30,
    perConversationPerSecond: 1,
    conversationPerSecond: (id) => (id.startsWith('-') ? 20 / 60 : undefined),
  },
  slack: { perSecond: 10, perConversationPerSecond: 1 },
  wechat: { perSecond: 10, perConversationPerSecond: 1 },
  web: { perSecond: Infinity, perConversationPerSecond: 20 },
};

/** Why a wait for a send slot ended without one: the dispatcher is stopping. */
export class LimiterCancelledError extends AppError {
  constructor() {
    super('outbox_limiter_cancelled', 'The dispatcher is stopping; the send slot was not granted');
  }
}

interface Bucket {
  /** Theoretical arrival time of the next send (GCRA), in clock milliseconds. */
  tat: number;
  intervalMs: number;
  toleranceMs: number;
}

interface Waiter {
  conversationId: string;
  priority: number;
  seq: number;
  resolve: () => void;
  reject: (error: Error) => void;
}

interface ChannelState {
  limit: ChannelLimit;
  global: Bucket;
  conversations: Map<string, Bucket>;
  waiters: Waiter[];
  pausedUntil: number;
  timer: NodeJS.Timeout | undefined;
}

/** Longest real sleep between checks, so a fake clock moved by a test is noticed quickly. */
const MAX_TICK_MS = 100;

/**
 * Token buckets (GCRA) per channel and per conversation, shared by every send of one
 * dispatcher. A send waits for its slot instead of running into a 429; `pause` holds a
 * whole channel while the platform's retry-after runs. Waiters are served most urgent
 * first (lowest priority number), then in arrival order; a waiter whose conversation is
 * still cooling down does not hold up other conversations.
 */
export function createRateLimiter(deps: {
  clock: Clock;
  limits?: Partial<Record<ChannelName, Partial<ChannelLimit>>>;
}) {
  const channels = new Map<ChannelName, ChannelState>();
  let seq = 0;
  const now = () => deps.clock.now().getTime();

  const bucket = (perSecond: number, burst: number): Bucket => {
    const intervalMs = Number.isFinite(perSecond) && perSecond > 0 ? 1000 / perSecond : 0;
    return { tat: 0, intervalMs, toleranceMs: Math.max(0, burst - 1) * intervalMs };
  };

  const state = (channel: ChannelName): ChannelState => {
    let found = channels.get(channel);
    if (!found) {
      const limit: ChannelLimit = { ...DEFAULT_CHANNEL_LIMITS[channel], ...deps.limits?.[channel] };
      found = {
        limit,
        global: bucket(limit.perSecond, limit.burst ?? 1),
        conversations: new Map(),
        waiters: [],
        pausedUntil: 0,
        timer: undefined,
      };
      channels.set(channel, found);
    }
    return found;
  };

  const conversationBucket = (channel: ChannelState, conversationId: string): Bucket => {
    let found = channel.conversations.get(conversationId);
    if (!found) {
      const perSecond =
        channel.limit.conversationPerSecond?.(conversationId) ?? channel.limit.perConversationPerSecond;
      found = bucket(perSecond, channel.limit.burst ?? 1);
      channel.conversations.set(conversationId, found);
    }
    return found;
  };

  const readyAt = (b: Bucket) => b.tat - b.toleranceMs;
  const take = (b: Bucket, at: number) => {
    b.tat = Math.max(b.tat, at) + b.intervalMs;
  };

  const arm = (channel: ChannelState, delayMs: number) => {
    channel.timer = setTimeout(() => pump(channel), Math.min(Math.max(Math.ceil(delayMs), 0), MAX_TICK_MS));
    channel.timer.unref();
  };

  const pump = (channel: ChannelState): void => {
    if (channel.timer) clearTimeout(channel.timer);
    channel.timer = undefined;
    for (;;) {
      const at = now();
      if (channel.waiters.length === 0) {
        // Forget conversations that have cooled down, so the map does not grow forever.
        for (const [id, b] of channel.conversations) if (b.tat <= at) channel.conversations.delete(id);
        return;
      }
      if (at < channel.pausedUntil) return arm(channel, channel.pausedUntil - at);
      const globalReady = readyAt(channel.global);
      if (globalReady > at) return arm(channel, globalReady - at);
      let best: Waiter | undefined;
      let earliest = Infinity;
      for (const waiter of channel.waiters) {
        const ready = readyAt(conversationBucket(channel, waiter.conversationId));
        if (ready > at) {
          earliest = Math.min(earliest, ready);
          continue;
        }
        if (
          !best ||
          waiter.priority < best.priority ||
          (waiter.priority === best.priority && waiter.seq < best.seq)
        )
          best = waiter;
      }
      if (!best) return arm(channel, earliest - at);
      take(channel.global, at);
      take(conversationBucket(channel, best.conversationId), at);
      channel.waiters.splice(channel.waiters.indexOf(best), 1);
      best.resolve();
    }
  };

  return {
    /**
     * Resolves when this send may go: both the channel's and the conversation's slots are
     * taken. Rejects with `LimiterCancelledError` when `cancelAll` runs first.
     */
    acquire(channelName: ChannelName, conversationId: string, priority = 0): Promise<void> {
      const channel = state(channelName);
      return new Promise<void>((resolve, reject) => {
        channel.waiters.push({ conversationId, priority, seq: seq++, resolve, reject });
        pump(channel);
      });
    },

    /** No sends on this channel before `until` (a platform's retry-after). Extends, never shortens. */
    pause(channelName: ChannelName, until: Date): void {
      const channel = state(channelName);
      channel.pausedUntil = Math.max(channel.pausedUntil, until.getTime());
      pump(channel);
    },

    /** Roughly how long a send enqueued now on this channel would wait for its slot. */
    estimateWaitMs(channelName: ChannelName, conversationId?: string): number {
      const channel = state(channelName);
      const at = now();
      const pause = Math.max(0, channel.pausedUntil - at);
      const start = (b: Bucket) => Math.max(pause, readyAt(b) - at, 0);
      const globalWait = start(channel.global) + channel.waiters.length * channel.global.intervalMs;
      if (conversationId === undefined) return globalWait;
      const conversation =
        channel.conversations.get(conversationId) ??
        bucket(
          channel.limit.conversationPerSecond?.(conversationId) ?? channel.limit.perConversationPerSecond,
          channel.limit.burst ?? 1,
        );
      const queued = channel.waiters.filter((waiter) => waiter.conversationId === conversationId).length;
      return Math.max(globalWait, start(conversation) + queued * conversation.intervalMs);
    },

    /** Sends waiting for a slot, per channel (for tests and diagnostics). */
    waiting(channelName: ChannelName): number {
      return channels.get(channelName)?.waiters.length ?? 0;
    },

    /** Rejects every waiting send (the dispatcher is stopping); buckets and pauses are kept. */
    cancelAll(): void {
      for (const channel of channels.values()) {
        if (channel.timer) clearTimeout(channel.timer);
        channel.timer = undefined;
        const waiters = channel.waiters.splice(0);
        for (const waiter of waiters) waiter.reject(new LimiterCancelledError());
      }
    },
  };
}

export type RateLimiter = ReturnType<typeof createRateLimiter>;
