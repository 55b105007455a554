import {
  CATCH_UP_MS,
  ceilingAt,
  PLATFORM_MARGIN_MS,
  readyAt,
  restamp,
  take,
  untake,
  type Bucket,
} from './rate-buckets';
import {
  conversationBucket,
  forgetCooledConversations,
  type ChannelState,
  type Waiter,
} from './rate-channel';
import { GRID_CEILING_SLACK_MS, type Grid } from './rate-grid';
import type { SendSlot } from './rate-limiter';

/** Longest real sleep between checks, so a fake clock moved by a test is noticed quickly. */
const MAX_TICK_MS = 100;

/** What granting needs from the limiter around it. */
export interface GrantingContext {
  now: () => number;
  /** How long before its point a shared slot is granted. */
  leadMs: () => number;
  /** The next point this instance may send on (shared channels); undefined while it owns none. */
  ownPoint: (channel: ChannelState, g: Grid, at: number) => number | undefined;
}

/** When the channel's next send goes and how late it may still go, or how long to wait first. */
type Turn =
  { sendAt: number; latest: number; point: number | undefined; leadMs: number } | { waitMs: number };

/**
 * Alone: now, within the catch-up. Shared: on the next point this instance owns, granted a
 * little ahead (`leadMs`); the points come on top of this instance's own ceiling, which
 * counts from when sends really started (a send held up after its grant bunches up with
 * the next ones otherwise).
 */
function nextTurn(ctx: GrantingContext, channel: ChannelState, at: number): Turn {
  const g = channel.grid;
  if (!g) {
    const ready = readyAt(channel.global);
    return ready > at
      ? { waitMs: ready - at }
      : { sendAt: at, latest: at + CATCH_UP_MS, point: undefined, leadMs: 0 };
  }
  // The platform's own second (not the schedule's longer one): see GRID_CEILING_SLACK_MS.
  const ceiling = ceilingAt(channel.global) - PLATFORM_MARGIN_MS + GRID_CEILING_SLACK_MS;
  const point = ctx.ownPoint(channel, g, Math.max(at, ceiling));
  if (point === undefined) return { waitMs: MAX_TICK_MS }; // a claim round pumps when it ends
  const sendAt = Math.max(point * g.intervalMs, ceiling);
  const leadMs = ctx.leadMs();
  if (sendAt - leadMs > at) return { waitMs: sendAt - leadMs - at };
  return { sendAt, latest: point * g.intervalMs + g.toleranceMs, point, leadMs };
}

/**
 * The most urgent waiter (lowest priority number, then first come) whose conversation is
 * ready by `sendAt`; otherwise when the first of them will be.
 */
export function pickWaiter(
  waiters: readonly Waiter[],
  readyOf: (waiter: Waiter) => number,
  sendAt: number,
): { best: Waiter | undefined; earliest: number } {
  let best: Waiter | undefined;
  let earliest = Infinity;
  for (const waiter of waiters) {
    const ready = readyOf(waiter);
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
  return { best, earliest };
}

/** Stops the channel's pending check, if any. */
function disarm(channel: ChannelState): void {
  if (channel.timer) clearTimeout(channel.timer);
  channel.timer = undefined;
}

/** Rejects every waiting send of the channel and stops its checks; its buckets and pause stay. */
export function rejectWaiters(channel: ChannelState, error: () => Error): void {
  disarm(channel);
  for (const waiter of channel.waiters.splice(0)) waiter.reject(error());
}

function arm(ctx: GrantingContext, channel: ChannelState, delayMs: number): void {
  channel.timer = setTimeout(
    () => pump(ctx, channel),
    Math.min(Math.max(Math.ceil(delayMs), 0), MAX_TICK_MS),
  );
  channel.timer.unref();
}

/** The slot granted to a waiter: both buckets' turns are taken at `sendAt`. */
function grant(
  ctx: GrantingContext,
  channel: ChannelState,
  conversation: Bucket,
  turn: { sendAt: number; latest: number },
): SendSlot {
  const { sendAt, latest } = turn;
  const before = conversation.next;
  const slots = [take(channel.global, sendAt), take(conversation, sendAt)] as const;
  const conversationTaken = { before, after: conversation.next };
  return {
    due: async (aheadMs = 0) => {
      for (let left = sendAt - aheadMs - ctx.now(); left > 0; left = sendAt - aheadMs - ctx.now())
        await new Promise((resolve) => setTimeout(resolve, Math.min(left, MAX_TICK_MS)));
      // A retry-after that came meanwhile holds slots granted before it, too.
      if (ctx.now() <= latest && ctx.now() >= channel.pausedUntil) return true;
      // Unused, the slot gives its conversation's turn back (the chat got nothing), so
      // the retry does not wait out that chat's second. The channel's part stays spent.
      untake(conversation, slots[1], sendAt, conversationTaken);
      return false;
    },
    started: () => {
      const startedAt = ctx.now();
      restamp(channel.global, slots[0], sendAt, startedAt);
      restamp(conversation, slots[1], sendAt, startedAt);
    },
  };
}

/**
 * Grants slots to the channel's waiters while their time has come, then sets a timer for
 * the next check (a shared channel's claim round also calls this when it ends).
 */
export function pump(ctx: GrantingContext, channel: ChannelState): void {
  disarm(channel);
  for (;;) {
    const at = ctx.now();
    if (channel.waiters.length === 0) return forgetCooledConversations(channel, at);
    if (at < channel.pausedUntil) return arm(ctx, channel, channel.pausedUntil - at);
    const turn = nextTurn(ctx, channel, at);
    if ('waitMs' in turn) return arm(ctx, channel, turn.waitMs);
    const readyOf = (waiter: Waiter) => readyAt(conversationBucket(channel, waiter.conversationId));
    const { best, earliest } = pickWaiter(channel.waiters, readyOf, turn.sendAt);
    if (!best) return arm(ctx, channel, earliest - turn.leadMs - at);
    if (channel.grid && turn.point !== undefined) channel.grid.nextPoint = turn.point + 1;
    const slot = grant(ctx, channel, conversationBucket(channel, best.conversationId), turn);
    channel.waiters.splice(channel.waiters.indexOf(best), 1);
    best.resolve(slot);
  }
}
