import type { ChannelName } from '../channels/types';
import type { Logger } from '../logging/logger';
import { PLATFORM_MARGIN_MS } from './rate-buckets';
import type { RateSlices } from './rate-slices';

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
export const GRID_CEILING_SLACK_MS = 5;
/** How often a shared limiter deletes old slice records. */
const FORGET_SLICES_EVERY_MS = 30_000;
/** How many slices back `recentShare` looks. */
const SHARE_SLICES = 16;

/**
 * A channel's schedule when instances share its rate: send points every `intervalMs` on the
 * wall clock (point n at n * intervalMs), `perSlice` points to a slice; an instance sends
 * only on points of slices it owns, at most `toleranceMs` after the point.
 */
export interface Grid {
  intervalMs: number;
  perSlice: number;
  toleranceMs: number;
  /** The first point not used yet. */
  nextPoint: number;
}

/** The shared schedule for `perSecond` sends a second; undefined when there is no limit to share. */
export function createGrid(perSecond: number): Grid | undefined {
  if (!(Number.isFinite(perSecond) && perSecond > 0)) return undefined;
  const intervalMs = (1000 + PLATFORM_MARGIN_MS) / perSecond;
  return {
    intervalMs,
    perSlice: Math.max(1, Math.round(SLICE_TARGET_MS / intervalMs)),
    toleranceMs: Math.min(GRID_TOLERANCE_MS, intervalMs / 2),
    nextPoint: 0,
  };
}

/** How long before its point a shared slot is granted, given how long the sender says its writes take. */
export function gridLeadMs(senderLeadMs: number | undefined): number {
  return Math.min(MAX_GRID_LEAD_MS, Math.max(GRID_LEAD_MS, senderLeadMs ?? 0));
}

const sliceOf = (g: Grid, point: number) => Math.floor(point / g.perSlice);

/** The earliest point still usable at `at`, owned or not. */
const firstPoint = (g: Grid, at: number) =>
  Math.max(g.nextPoint, Math.ceil((at - g.toleranceMs) / g.intervalMs));

/**
 * Finds the next point this instance may send on, claiming slices ahead since it has sends
 * waiting; undefined while it owns none (a claim round calls `onClaimed` when it ends).
 * Deletes old slice records every 30 s on the way.
 */
export function createPointFinder(
  slices: Pick<RateSlices, 'claimAhead' | 'owns' | 'forgetOld'>,
  logger: Logger,
  startAt: number,
) {
  let forgotSlicesAt = startAt;
  return (channel: ChannelName, g: Grid, at: number): number | undefined => {
    if (at - forgotSlicesAt >= FORGET_SLICES_EVERY_MS) {
      forgotSlicesAt = at;
      slices
        .forgetOld()
        .catch((error: unknown) => logger.warn({ err: error }, 'Could not delete old send slot records'));
    }
    const first = firstPoint(g, at);
    const current = sliceOf(g, first);
    slices.claimAhead(channel, current, SLICES_AHEAD);
    for (let slice = current; slice < current + SLICES_AHEAD; slice++)
      if (slices.owns(channel, slice)) return Math.max(first, slice * g.perSlice);
    return undefined;
  };
}

/** The share of the channel's recent slices this instance won (1 when alone). */
export function recentShare(
  slices: Pick<RateSlices, 'share'>,
  channel: ChannelName,
  g: Grid,
  at: number,
): number {
  return slices.share(channel, sliceOf(g, firstPoint(g, at)) - SHARE_SLICES);
}
