import type { Connection } from 'mongoose';
import type { ChannelName } from '../channels/types';
import type { Clock } from '../clock';
import { AppError } from '../errors';
import type { Logger } from '../logging/logger';
import { createChannelState, type ChannelState } from './rate-channel';
import { estimateWaitMs } from './rate-estimate';
import { pump, rejectWaiters, type GrantingContext } from './rate-granting';
import { createGrid, createPointFinder, gridLeadMs, recentShare } from './rate-grid';
import { createRateSlices } from './rate-slices';

/** How fast one dispatcher may send into a channel. `Infinity` means no limit. */
export interface ChannelLimit {
  /** Sends per second over the whole channel (the bot's or app's overall limit). */
  perSecond: number;
  /** Sends per second into one conversation (chat, Slack channel, contact). */
  perConversationPerSecond: number;
  /** Sends allowed back to back before pacing starts; default 1, i.e. evenly spaced (never over `perSecond` in a second). */
  burst?: number;
  /** A different per-conversation rate for some conversations (Telegram groups: 20 a minute). */
  conversationPerSecond?: (conversationId: string) => number | undefined;
}

/**
 * Limits the platforms publish for bots. They are per sender, i.e. per bot:
 * instances share a channel's rate through the database (`shareWith`, rate-slices.ts).
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

/** A granted send. */
export interface SendSlot {
  /**
   * Waits for the slot's time (now, or a moment ahead on a shared schedule), or until
   * `aheadMs` before it, and says whether the request may still go: false when that time
   * passed by more than the slot allows (the process was held up) or the channel was
   * paused meanwhile (a retry-after); the slot is then lost, though it still counts: ask again.
   */
  due(aheadMs?: number): Promise<boolean>;
  /**
   * Call right before the request goes out: the ceiling counts from then, so a send held up
   * between its grant and the request (a busy event loop, a descheduled process) does not
   * let the one a window later reach the platform within the same second.
   */
  started(): void;
}

/**
 * Rate limits per channel and per conversation, shared by every send of one dispatcher.
 * A send waits for its slot instead of running into a 429; `pause` holds a whole channel
 * while the platform's retry-after runs. Each bucket keeps a schedule of evenly spaced
 * slots; a send granted late (up to `CATCH_UP_MS`) keeps the schedule, so the next ones
 * catch up, and no window of a second (plus `PLATFORM_MARGIN_MS`) ever holds more than
 * `perSecond` sends of one bucket (rate-buckets.ts).
 * With `shareWith`, each channel's overall rate is shared with every other instance on the
 * database instead: sends go on a wall-clock schedule of `perSecond` points a second (plus
 * the margin), and an instance uses only points in slices it won (rate-grid.ts, rate-slices.ts).
 * Waiters are served most urgent first (lowest priority number), then in arrival order;
 * a waiter whose conversation is still cooling down does not hold up other conversations.
 */
export function createRateLimiter(deps: {
  clock: Clock;
  limits?: Partial<Record<ChannelName, Partial<ChannelLimit>>>;
  /** Share each channel's overall rate with the other instances on this database. */
  shareWith?: { connection: Connection; instanceId: string; logger: Logger };
  /** How long before its time a shared slot should be granted: what the sender does first takes about this long. */
  leadMs?: () => number;
}) {
  const channels = new Map<ChannelName, ChannelState>();
  let seq = 0;
  const now = () => deps.clock.now().getTime();
  const slices =
    deps.shareWith &&
    createRateSlices({
      ...deps.shareWith,
      clock: deps.clock,
      onClaimed: (name) => {
        const channel = channels.get(name);
        if (channel) pump(ctx, channel);
      },
    });
  const findPoint = slices && deps.shareWith && createPointFinder(slices, deps.shareWith.logger, now());
  const ctx: GrantingContext = {
    now,
    leadMs: () => gridLeadMs(deps.leadMs?.()),
    ownPoint: (channel, g, at) => findPoint?.(channel.name, g, at),
  };

  const state = (name: ChannelName): ChannelState => {
    let found = channels.get(name);
    if (!found) {
      const limit: ChannelLimit = { ...DEFAULT_CHANNEL_LIMITS[name], ...deps.limits?.[name] };
      found = createChannelState(name, limit, slices && createGrid(limit.perSecond));
      channels.set(name, found);
    }
    return found;
  };

  return {
    /**
     * Resolves when this send may go: both the channel's and the conversation's slots are
     * taken. Rejects with `LimiterCancelledError` when `cancelAll` runs first.
     */
    acquire(channelName: ChannelName, conversationId: string, priority = 0): Promise<SendSlot> {
      const channel = state(channelName);
      return new Promise<SendSlot>((resolve, reject) => {
        channel.waiters.push({ conversationId, priority, seq: seq++, resolve, reject });
        pump(ctx, channel);
      });
    },

    /** No sends on this channel before `until` (a platform's retry-after). Extends, never shortens. */
    pause(channelName: ChannelName, until: Date): void {
      const channel = state(channelName);
      channel.pausedUntil = Math.max(channel.pausedUntil, until.getTime());
      pump(ctx, channel);
    },

    /** Roughly how long a send enqueued now on this channel would wait for its slot. */
    estimateWaitMs(channelName: ChannelName, conversationId?: string): number {
      const channel = state(channelName);
      const at = now();
      // Shared: this instance gets about its recent share of the points.
      const share = () => (slices && channel.grid ? recentShare(slices, channel.name, channel.grid, at) : 1);
      return estimateWaitMs(channel, at, share, conversationId);
    },

    /** Sends waiting for a slot, per channel (for tests and diagnostics). */
    waiting(channelName: ChannelName): number {
      return channels.get(channelName)?.waiters.length ?? 0;
    },

    /** Rejects every waiting send (the dispatcher is stopping); buckets and pauses are kept. */
    cancelAll(): void {
      for (const channel of channels.values()) rejectWaiters(channel, () => new LimiterCancelledError());
    },
  };
}

export type RateLimiter = ReturnType<typeof createRateLimiter>;
