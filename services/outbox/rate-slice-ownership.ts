/**
 * What one instance knows about a channel's slices: the ones it won and the ones a rival
 * took, around now. Pure bookkeeping; the claims themselves are in rate-slice-records.ts.
 */

/** Slices remembered per channel, won or lost: enough for `share` and `owns` around now. */
const REMEMBERED = 64;

/** One channel's slices as this instance knows them. */
export interface ChannelSlices {
  won: Set<number>;
  lost: Set<number>;
  claiming: boolean;
  /** After a failed round (the database is away), no new round before this. */
  retryAt: number;
  failures: number;
}

/** A channel this instance has not claimed on yet. */
export function createChannelSlices(): ChannelSlices {
  return { won: new Set(), lost: new Set(), claiming: false, retryAt: 0, failures: 0 };
}

/** Slices from `first` on worth trying until `count` would be won (none: nothing to do). */
export function slicesToTry(state: ChannelSlices, first: number, count: number): number[] {
  const slices: number[] = [];
  let won = 0;
  // Look a little further than asked: slices a rival holds do not count.
  for (let slice = first; slice < first + count * 3 && won + slices.length < count; slice++) {
    if (state.won.has(slice)) won++;
    else if (!state.lost.has(slice)) slices.push(slice);
  }
  return slices;
}

/** Keeps only the `REMEMBERED` newest slices of a set. */
export function trimSlices(set: Set<number>): void {
  // Sets iterate in insertion order, and slices are claimed in increasing order.
  for (const slice of set) {
    if (set.size <= REMEMBERED) break;
    set.delete(slice);
  }
}

/** The share of the slices from `since` on that this instance won: 1 with no rival seen, at least 0.05. */
export function wonShare(state: ChannelSlices | undefined, since: number): number {
  if (!state) return 1;
  const count = (set: Set<number>) => [...set].filter((slice) => slice >= since).length;
  const won = count(state.won);
  const lost = count(state.lost);
  return won + lost === 0 ? 1 : Math.max(won / (won + lost), 0.05);
}
