import type { Connection } from 'mongoose';
import type { ChannelName } from '../channels/types';
import type { Clock } from '../clock';
import type { Logger } from '../logging/logger';
import {
  createChannelSlices,
  slicesToTry,
  trimSlices,
  wonShare,
  type ChannelSlices,
} from './rate-slice-ownership';
import { createSliceRecords } from './rate-slice-records';

/**
 * Sharing a platform's rate limit between instances. A platform limits the bot, not the
 * process: two instances that each pace at the full limit send twice it. So time is cut
 * into slices on the wall clock (a slice holds `perSlice` evenly spaced send points of the
 * channel's schedule, see rate-limiter.ts) and each slice belongs to whichever instance
 * inserts `<channel>:<slice>` into `outbox_rate_slices` first: a unique insert, the one
 * atomic step both engines agree on. An instance claims the slices just ahead of the one
 * it is sending in, only while it has sends waiting, so a busy instance takes all the rate
 * an idle or dead one leaves, at once, with no lease to wait for.
 *
 * Instances must agree on the clock (NTP keeps hosts within a few milliseconds; the
 * schedule's margin absorbs that) and on the channel limits (they read the same config).
 */
export interface RateSlices {
  /** Whether this instance owns the slice (claimed it and it is not forgotten yet). */
  owns(channel: ChannelName, slice: number): boolean;
  /**
   * Claims, in the background, up to `count` slices from `first` on that nobody owns yet,
   * skipping those a rival took; calls `onClaimed` when a claim round ends.
   */
  claimAhead(channel: ChannelName, first: number, count: number): void;
  /**
   * The share of the channel's slices from `since` on that this instance won (1 when
   * alone): how much of the platform's rate it can count on when deciding how much work
   * to take.
   */
  share(channel: ChannelName, since: number): number;
  /** Deletes slice records older than a minute (called now and then by the owner). */
  forgetOld(): Promise<void>;
}

/** Pause after a failed claim round, so a database outage is not hammered. */
const RETRY_AFTER_FAILURE_MS = 1000;

/** The `RateSlices` of this instance, claiming in `outbox_rate_slices`. */
export function createRateSlices(deps: {
  connection: Connection;
  instanceId: string;
  clock: Clock;
  logger: Logger;
  /** Called after each claim round, so waiting sends can be granted. */
  onClaimed: (channel: ChannelName) => void;
}): RateSlices {
  const records = createSliceRecords(deps);
  const channels = new Map<ChannelName, ChannelSlices>();
  const stateOf = (channel: ChannelName): ChannelSlices => {
    let found = channels.get(channel);
    if (!found) {
      found = createChannelSlices();
      channels.set(channel, found);
    }
    return found;
  };

  const claimRound = async (channel: ChannelName, state: ChannelSlices, slices: number[]) => {
    for (const slice of slices) {
      if (await records.claim(channel, slice)) state.won.add(slice);
      else state.lost.add(slice);
    }
    trimSlices(state.won);
    trimSlices(state.lost);
  };

  return {
    owns: (channel, slice) => channels.get(channel)?.won.has(slice) ?? false,

    claimAhead(channel, first, count) {
      const state = stateOf(channel);
      if (state.claiming || deps.clock.now().getTime() < state.retryAt) return;
      // Nothing new to claim: return at once. (Starting a round anyway would call
      // `onClaimed` from a microtask, which asks again: a loop that starves the event loop.)
      const slices = slicesToTry(state, first, count);
      if (slices.length === 0) return;
      state.claiming = true;
      claimRound(channel, state, slices)
        .then(() => {
          state.failures = 0;
        })
        .catch((error: unknown) => {
          // The database is away: no slices, so no sends on this channel until it is back.
          state.retryAt = deps.clock.now().getTime() + RETRY_AFTER_FAILURE_MS;
          if (state.failures++ % 60 === 0)
            deps.logger.warn(
              { err: error, channel, failures: state.failures },
              'Could not claim send slots; retrying every second',
            );
        })
        .finally(() => {
          state.claiming = false;
          deps.onClaimed(channel);
        });
    },

    share: (channel, since) => wonShare(channels.get(channel), since),

    forgetOld: () => records.forgetOld(),
  };
}
