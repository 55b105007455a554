import type { Connection } from 'mongoose';
import type { ChannelName } from '../channels/types';
import type { Clock } from '../clock';
import { AppError } from '../errors';
import type { Logger } from '../logging/logger';
import { createRateSlices, type RateSlices } from './rate-slices';

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

interface Bucket {
  /** The next send's slot on the bucket's schedule, in clock milliseconds. */
  next: number;
  intervalMs: number;
  /** How late a send may be and still keep the schedule (so the next ones catch up). */
  toleranceMs: number;
  /** Restarting after a pause in traffic, this many sends may go back to back (`burst`). */
  burst: number;
  /** At most `windowCount` sends in any `windowMs` (the hard ceiling); 0 = no ceiling. */
  windowCount: number;
  windowMs: number;
  /** The last `windowCount` sends: grant times, moved to start times when they start. */
  recent: number[];
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

interface Waiter {
  conversationId: string;
  priority: number;
  seq: number;
  resolve: (slot: SendSlot) => void;
  reject: (error: Error) => void;
}

/**
 * A channel's schedule when instances share its rate: send points every `intervalMs` on the
 * wall clock (point n at n * intervalMs), `perSlice` points to a slice; an instance sends
 * only on points of slices it owns, at most `toleranceMs` after the point.
 */
interface Grid {
  intervalMs: number;
  perSlice: number;
  toleranceMs: number;
  /** The first point not used yet. */
  nextPoint: number;
}

interface ChannelState {
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

/** Longest real sleep between checks, so a fake clock moved by a test is noticed quickly. */
const MAX_TICK_MS = 100;
/**
 * How far behind its schedule a bucket may be and still catch up. Timers fire late (Node
 * rounds up, and a busy event loop adds more), and spacing each send from the previous one
 * never gives that time back: 2 ms late per send at 50/s is 10% of the rate gone. On the
 * loaded 2-core dev machine stalls of 100-190 ms were common, hence a quarter second. The
 * window ceiling keeps the catching up from ever exceeding the limit; the price is that
 * after a stall a few sends to different conversations may go back to back.
 */
const CATCH_UP_MS = 250;
/**
 * Added to each second of the schedule, for requests that reach the platform a little later
 * or sooner than granted (a busy event loop, on either side). With 20 ms the campaign bench
 * still saw one 429 in 2,000 sends; 40 ms costs 4% of the rate and absorbed it.
 */
const PLATFORM_MARGIN_MS = 40;
/** A shared schedule's slices last about this long: short enough that instances interleave finely. */
const SLICE_TARGET_MS = 250;
/** How many slices ahead an instance with waiting sends claims (its own included). */
const SLICES_AHEAD = 3;
/** A point on a shared schedule may be used this late (the rest of the margin is for the network). */
const GRID_TOLERANCE_MS = 15;
/**
 * A point on a shared schedule is granted at least this long before it comes (longer when
 * the sender says its writes take longer: `leadMs`), so that what the sender writes before
 * a request (its attempt record) is done by then and the request leaves on the point.
 * Granted at the point, a write slowed by a busy database made requests of two instances
 * reach the platform up to 50 ms off their points: 429s.
 */
const GRID_LEAD_MS = 100;
/** No more than this (a database that slow is better waited out than planned for). */
const MAX_GRID_LEAD_MS = 2000;
/**
 * Shared, this instance's own ceiling counts a window of one second plus this, from when its
 * sends started: it only holds back a send when an earlier one of its own started much
 * later than its point. With the whole margin (40 ms) it held back nearly every 30th send a
 * few ms (each start is a little late), which made the next 30th later still, until one
 * missed its point: 3.5% of the rate lost.
 */
const GRID_CEILING_SLACK_MS = 5;
/** How often a shared limiter deletes old slice records. */
const FORGET_SLICES_EVERY_MS = 30_000;

/**
 * Rate limits per channel and per conversation, shared by every send of one dispatcher.
 * A send waits for its slot instead of running into a 429; `pause` holds a whole channel
 * while the platform's retry-after runs. Each bucket keeps a schedule of evenly spaced
 * slots; a send granted late (up to `CATCH_UP_MS`) keeps the schedule, so the next ones
 * catch up, and no window of a second (plus `PLATFORM_MARGIN_MS`) ever holds more than
 * `perSecond` sends of one bucket.
 * With `shareWith`, each channel's overall rate is shared with every other instance on the
 * database instead: sends go on a wall-clock schedule of `perSecond` points a second (plus
 * the margin), and an instance uses only points in slices it won (rate-slices.ts).
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
  const slices: RateSlices | undefined =
    deps.shareWith &&
    createRateSlices({
      ...deps.shareWith,
      clock: deps.clock,
      onClaimed: (name) => {
        const channel = channels.get(name);
        if (channel) pump(channel);
      },
    });
  let forgotSlicesAt = now();
  const lead = () => Math.min(MAX_GRID_LEAD_MS, Math.max(GRID_LEAD_MS, deps.leadMs?.() ?? 0));

  const grid = (perSecond: number): Grid | undefined => {
    if (!slices || !(Number.isFinite(perSecond) && perSecond > 0)) return undefined;
    const intervalMs = (1000 + PLATFORM_MARGIN_MS) / perSecond;
    return {
      intervalMs,
      perSlice: Math.max(1, Math.round(SLICE_TARGET_MS / intervalMs)),
      toleranceMs: Math.min(GRID_TOLERANCE_MS, intervalMs / 2),
      nextPoint: 0,
    };
  };
  const sliceOf = (g: Grid, point: number) => Math.floor(point / g.perSlice);
  /** The earliest point still usable at `at`, owned or not. */
  const firstPoint = (g: Grid, at: number) =>
    Math.max(g.nextPoint, Math.ceil((at - g.toleranceMs) / g.intervalMs));
  /**
   * The next point this instance may send on, claiming slices ahead since it has sends
   * waiting; undefined while it owns none (a claim round calls `pump` when it ends).
   */
  const ownPoint = (channel: ChannelState, g: Grid, at: number): number | undefined => {
    if (!slices) return undefined;
    if (at - forgotSlicesAt >= FORGET_SLICES_EVERY_MS) {
      forgotSlicesAt = at;
      slices
        .forgetOld()
        .catch((error: unknown) =>
          deps.shareWith?.logger.warn({ err: error }, 'Could not delete old send slot records'),
        );
    }
    const first = firstPoint(g, at);
    const current = sliceOf(g, first);
    slices.claimAhead(channel.name, current, SLICES_AHEAD);
    for (let slice = current; slice < current + SLICES_AHEAD; slice++)
      if (slices.owns(channel.name, slice)) return Math.max(first, slice * g.perSlice);
    return undefined;
  };

  const bucket = (perSecond: number, burst: number): Bucket => {
    const none = { next: 0, intervalMs: 0, toleranceMs: 0, burst: 1, windowCount: 0, windowMs: 0 };
    if (!(Number.isFinite(perSecond) && perSecond > 0)) return { ...none, recent: [] };
    const intervalMs = 1000 / perSecond;
    const sends = Math.max(1, Math.floor(burst));
    // A whole number of sends per window: 50/s is 50 a second, 20/min is 1 every 3 s.
    const windowCount = Math.max(1, Math.floor(perSecond), sends);
    return {
      next: -Infinity,
      intervalMs,
      toleranceMs: CATCH_UP_MS + (sends - 1) * intervalMs,
      burst: sends,
      windowCount,
      windowMs: (windowCount * 1000) / perSecond + PLATFORM_MARGIN_MS,
      recent: [],
    };
  };

  const state = (channel: ChannelName): ChannelState => {
    let found = channels.get(channel);
    if (!found) {
      const limit: ChannelLimit = { ...DEFAULT_CHANNEL_LIMITS[channel], ...deps.limits?.[channel] };
      found = {
        name: channel,
        limit,
        global: bucket(limit.perSecond, limit.burst ?? 1),
        grid: grid(limit.perSecond),
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

  /** When the next send may go: its slot, within the window ceiling. */
  const readyAt = (b: Bucket) => {
    if (b.windowCount === 0 || b.recent.length < b.windowCount) return b.next;
    // The oldest of the last `windowCount` sends (restamped ones may be out of order).
    return Math.max(b.next, Math.min(...b.recent) + b.windowMs);
  };
  /** When the window ceiling alone lets the next send go. */
  const ceilingAt = (b: Bucket) =>
    b.windowCount === 0 || b.recent.length < b.windowCount ? -Infinity : Math.min(...b.recent) + b.windowMs;
  /** Takes the bucket's next slot at `at`; returns where the grant is remembered (-1: nowhere). */
  const take = (b: Bucket, at: number): number => {
    if (b.windowCount === 0) return -1;
    // Late by less than the tolerance: keep the schedule, so the next sends make up for it.
    // Later than that, traffic had stopped: start a new schedule now.
    b.next = at - b.next <= b.toleranceMs ? b.next + b.intervalMs : at - (b.burst - 2) * b.intervalMs;
    if (b.recent.length < b.windowCount) return b.recent.push(at) - 1;
    // Replace the oldest stamp, not the oldest grant: a send restamped when it started late
    // is newer than grants after it, and dropping it first would let a window overfill.
    // (A grant not started yet has the oldest stamp only if it is a window late.)
    const index = b.recent.indexOf(Math.min(...b.recent));
    b.recent[index] = at;
    return index;
  };
  const restamp = (b: Bucket, index: number, grantedAt: number, startedAt: number) => {
    if (index >= 0 && b.recent[index] === grantedAt) b.recent[index] = Math.max(grantedAt, startedAt);
  };
  /** Undoes `take` for a slot that was not used, unless later grants moved on since. */
  const untake = (b: Bucket, index: number, grantedAt: number, taken: { before: number; after: number }) => {
    if (b.next === taken.after) b.next = taken.before;
    if (index >= 0 && b.recent[index] === grantedAt) b.recent[index] = -Infinity;
  };
  /** Nothing left to remember: a new bucket would behave the same. */
  const cooledDown = (b: Bucket, at: number) =>
    at - b.next > b.toleranceMs && (b.recent.length === 0 || Math.max(...b.recent) + b.windowMs <= at);

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
        for (const [id, b] of channel.conversations) if (cooledDown(b, at)) channel.conversations.delete(id);
        return;
      }
      if (at < channel.pausedUntil) return arm(channel, channel.pausedUntil - at);
      // When the send goes, and how late it may still go. Alone: now, within the catch-up.
      // Shared: on the next point this instance owns, granted a little ahead (`lead`);
      // the points come on top of this instance's own ceiling, which counts from when sends
      // really started (a send held up after its grant bunches up with the next ones otherwise).
      const g = channel.grid;
      let sendAt = at;
      let latest = at + CATCH_UP_MS;
      let point: number | undefined;
      if (g) {
        // The platform's own second (not the schedule's longer one): see GRID_CEILING_SLACK_MS.
        const ceiling = ceilingAt(channel.global) - PLATFORM_MARGIN_MS + GRID_CEILING_SLACK_MS;
        point = ownPoint(channel, g, Math.max(at, ceiling));
        if (point === undefined) return arm(channel, MAX_TICK_MS); // a claim round pumps when it ends
        sendAt = Math.max(point * g.intervalMs, ceiling);
        latest = point * g.intervalMs + g.toleranceMs;
        if (sendAt - lead() > at) return arm(channel, sendAt - lead() - at);
      } else {
        const ready = readyAt(channel.global);
        if (ready > at) return arm(channel, ready - at);
      }
      let best: Waiter | undefined;
      let earliest = Infinity;
      for (const waiter of channel.waiters) {
        const ready = readyAt(conversationBucket(channel, waiter.conversationId));
        if (ready > sendAt) {
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
      if (!best) return arm(channel, earliest - (g ? lead() : 0) - at);
      const global = channel.global;
      const conversation = conversationBucket(channel, best.conversationId);
      if (g && point !== undefined) g.nextPoint = point + 1;
      const before = conversation.next;
      const slots = [take(global, sendAt), take(conversation, sendAt)] as const;
      const conversationTaken = { before, after: conversation.next };
      channel.waiters.splice(channel.waiters.indexOf(best), 1);
      best.resolve({
        due: async (aheadMs = 0) => {
          for (let left = sendAt - aheadMs - now(); left > 0; left = sendAt - aheadMs - now())
            await new Promise((resolve) => setTimeout(resolve, Math.min(left, MAX_TICK_MS)));
          // A retry-after that came meanwhile holds slots granted before it, too.
          if (now() <= latest && now() >= channel.pausedUntil) return true;
          // Unused, the slot gives its conversation's turn back (the chat got nothing), so
          // the retry does not wait out that chat's second. The channel's part stays spent.
          untake(conversation, slots[1], sendAt, conversationTaken);
          return false;
        },
        started: () => {
          const startedAt = now();
          restamp(global, slots[0], sendAt, startedAt);
          restamp(conversation, slots[1], sendAt, startedAt);
        },
      });
    }
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
      const g = channel.grid;
      const globalWait = g
        ? // Shared: this instance gets about its recent share of the points.
          pause +
          (channel.waiters.length * g.intervalMs) /
            (slices as RateSlices).share(channel.name, sliceOf(g, firstPoint(g, at)) - 16)
        : start(channel.global) + channel.waiters.length * channel.global.intervalMs;
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
