import type { Connection } from 'mongoose';
import type { ChannelName } from '../channels/types';
import { trusted } from '../database/connect';
import {
  ownerModels,
  toIdentity,
  toOwner,
  type Identity,
  type IdentityRecord,
  type Owner,
} from './owner-model';

export interface ReachableFilter {
  channels?: ChannelName[];
  buildings?: string[];
  includeDemo?: boolean;
}

/** Identities read per round trip while the verified ones are matched to their owners. */
const IDENTITY_BATCH = 2000;

const later = (a: IdentityRecord, b: IdentityRecord) =>
  a.lastInboundAt.getTime() - b.lastInboundAt.getTime() || String(a._id).localeCompare(String(b._id));

/**
 * Reads over many owners at once, for outreach: each goes by indexed fields and reads only
 * the documents it returns or needs to choose them.
 */
export function createOwnerQueries(deps: { connection: Connection }) {
  const { owners: Owners, identities: Identities } = ownerModels(deps.connection);

  return {
    /**
     * Verified owners with a verified identity we can still reach, one entry per owner, by
     * building and unit: the identity they wrote from most recently (the channel they use,
     * and the one whose WeChat 48-hour window is likeliest open). Demo owners only when asked.
     */
    async listVerifiedReachable(
      filter: ReachableFilter = {},
    ): Promise<Array<{ owner: Owner; identity: Identity }>> {
      const ownerFilter: Record<string, unknown> = { verified: true };
      if (!filter.includeDemo) ownerFilter.demo = false;
      if (filter.buildings) ownerFilter.building = trusted({ $in: filter.buildings.map(String) });
      const owners = await Owners.find(ownerFilter).sort({ building: 1, unit: 1, _id: 1 }).lean();
      const wanted = new Set(owners.map((owner) => String(owner._id)));
      // The verified, reachable identities are one indexed read however many owners are
      // asked for; an estate-wide list needs nearly all of them anyway.
      const identityFilter: Record<string, unknown> = { verified: true, unreachable: false };
      if (filter.channels) identityFilter.channel = trusted({ $in: filter.channels.map(String) });
      const latest = new Map<string, IdentityRecord>();
      const cursor = Identities.find(identityFilter)
        .lean<IdentityRecord>()
        .cursor({ batchSize: IDENTITY_BATCH });
      for await (const identity of cursor as AsyncIterable<IdentityRecord>) {
        if (!wanted.has(identity.ownerId)) continue;
        const current = latest.get(identity.ownerId);
        if (!current || later(identity, current) > 0) latest.set(identity.ownerId, identity);
      }
      return owners.flatMap((owner) => {
        const identity = latest.get(String(owner._id));
        return identity ? [{ owner: toOwner(owner), identity: toIdentity(identity) }] : [];
      });
    },
  };
}

export type OwnerQueries = ReturnType<typeof createOwnerQueries>;
