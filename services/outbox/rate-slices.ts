import { Schema, type Connection } from 'mongoose';
import type { ChannelName } from '../channels/types';
import type { Clock } from '../clock';
import { trusted } from '../database/connect';
import { modelOn } from '../database/model';
import type { Logger } from '../logging/logger';
import { isDuplicateKey } from './outbox';

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

interface SliceRecord {
  _id: string;
  owner: string;
  createdAt: Date;
}

const sliceSchema = new Schema<SliceRecord>(
  { _id: String, owner: String, createdAt: Date },
  { versionKey: false, collection: 'outbox_rate_slices' },
);

/** Slices remembered per channel, won or lost: enough for `share` and `owns` around now. */
const REMEMBERED = 64;
const KEEP_RECORDS_MS = 60_000;
/** Pause after a failed claim round, so a database outage is not hammered. */
const RETRY_AFTER_FAILURE_MS = 1000;

interface ChannelSlices {
  won: Set<number>;
  lost: Set<number>;
  claiming: boolean;
  /** After a failed round (the database is away), no new round before this. */
  retryAt: number;
  failures: number;
}

export function createRateSlices(deps: {
  connection: Connection;
  instanceId: string;
  clock: Clock;
  logger: Logger;
  /** Called after each claim round, so waiting sends can be granted. */
  onClaimed: (channel: ChannelName) => void;
}): RateSlices {
  const Slices = modelOn<SliceRecord>(deps.connection, 'OutboxRateSlice', sliceSchema, 'outbox_rate_slices');
  const channels = new Map<ChannelName, ChannelSlices>();
  const stateOf = (channel: ChannelName): ChannelSlices => {
    let found = channels.get(channel);
    if (!found) {
      found = { won: new Set(), lost: new Set(), claiming: false, retryAt: 0, failures: 0 };
      channels.set(channel, found);
    }
    return found;
  };
  const trim = (set: Set<number>) => {
    // Sets iterate in insertion order, and slices are claimed in increasing order.
    for (const slice of set) {
      if (set.size <= REMEMBERED) break;
      set.delete(slice);
    }
  };

  const claimOne = async (channel: ChannelName, slice: number): Promise<boolean> => {
    try {
      // The driver's insert: the record is ours, needs no casting, and it is on the send path.
      await Slices.collection.insertOne({
        _id: `${channel}:${slice}`,
        owner: deps.instanceId,
        createdAt: deps.clock.now(),
      } as unknown as SliceRecord & { _id: never });
      return true;
    } catch (error) {
      if (isDuplicateKey(error)) return false;
      throw error;
    }
  };

  /** Slices from `first` on worth trying until `count` would be won (none: nothing to do). */
  const toTry = (state: ChannelSlices, first: number, count: number): number[] => {
    const slices: number[] = [];
    let won = 0;
    // Look a little further than asked: slices a rival holds do not count.
    for (let slice = first; slice < first + count * 3 && won + slices.length < count; slice++) {
      if (state.won.has(slice)) won++;
      else if (!state.lost.has(slice)) slices.push(slice);
    }
    return slices;
  };

  const claimRound = async (channel: ChannelName, state: ChannelSlices, slices: number[]) => {
    for (const slice of slices) {
      if (await claimOne(channel, slice)) state.won.add(slice);
      else state.lost.add(slice);
    }
    trim(state.won);
    trim(state.lost);
  };

  return {
    owns: (channel, slice) => channels.get(channel)?.won.has(slice) ?? false,

    claimAhead(channel, first, count) {
      const state = stateOf(channel);
      if (state.claiming || deps.clock.now().getTime() < state.retryAt) return;
      // Nothing new to claim: return at once. (Starting a round anyway would call
      // `onClaimed` from a microtask, which asks again: a loop that starves the event loop.)
      const slices = toTry(state, first, count);
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

    share(channel, since) {
      const state = channels.get(channel);
      if (!state) return 1;
      const count = (set: Set<number>) => [...set].filter((slice) => slice >= since).length;
      const won = count(state.won);
      const lost = count(state.lost);
      return won + lost === 0 ? 1 : Math.max(won / (won + lost), 0.05);
    },

    async forgetOld() {
      await Slices.deleteMany({
        createdAt: trusted({ $lt: new Date(deps.clock.now().getTime() - KEEP_RECORDS_MS) }),
      });
    },
  };
}
