import { trusted } from '../database/connect';
import { FREE, type ArrivalLease, type Claim, type LeaseContext } from './lease-context';

/**
 * A message stored already taken by the instance that received it, for its first attempt:
 * handled soon after, it needs no claim write. `keep` checks (and if need be renews) that
 * lease when handling starts; `letGo` and `letGoOfStore` free messages whose handling will
 * not start here after all.
 */
export function arrivalVerbs(ctx: LeaseContext) {
  const { Messages, holder, clock, leaseMs, ours } = ctx;
  return {
    /** The lease fields to store a message with: taken by this holder for its first attempt. */
    onArrival(): ArrivalLease {
      return { holder, leaseUntil: new Date(clock.now().getTime() + leaseMs), attempts: 1 };
    },

    /**
     * A claim taken on arrival, when its handling starts: as it is while at least half its
     * lease is left (no database work), else renewed; undefined when it is no longer this
     * attempt's (the lease ran out and another holder took the message).
     */
    async keep(claim: Claim): Promise<Claim | undefined> {
      const now = clock.now().getTime();
      if (claim.leaseUntil - now >= leaseMs / 2) return claim;
      const leaseUntil = now + leaseMs;
      const { matchedCount } = await Messages.updateOne(
        { ...ours(claim), status: 'received', leaseUntil: new Date(claim.leaseUntil) },
        { $set: { leaseUntil: new Date(leaseUntil) } },
      );
      return matchedCount > 0 ? { ...claim, leaseUntil } : undefined;
    },

    /** Frees messages taken on arrival whose handling will not start here after all. */
    async letGo(claims: Claim[]): Promise<void> {
      if (claims.length === 0) return;
      await Messages.updateMany(
        {
          _id: trusted({ $in: claims.map((claim) => claim.record._id) }),
          holder,
          attempts: 1,
          status: 'received',
        },
        { $set: { ...FREE, attempts: 0 } },
      );
    },

    /**
     * Frees the message stored under `key` with this arrival lease, if it is there: its store
     * failed on our side, so no handling was scheduled, yet the insert may have landed. Returns
     * whether it was found.
     */
    async letGoOfStore(key: string, arrival: ArrivalLease): Promise<boolean> {
      const { matchedCount } = await Messages.updateOne(
        { key, holder, attempts: 1, leaseUntil: arrival.leaseUntil, status: 'received' },
        { $set: { ...FREE, attempts: 0 } },
      );
      return matchedCount > 0;
    },
  };
}
