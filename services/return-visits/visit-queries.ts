import { trusted } from '../database/connect';
import type { Identity } from '../owners/owner-model';
import type { ReturnVisitRecord, ReturnVisitStep } from './return-visit-model';
import type { VisitContext } from './visit-context';

const OPEN_STEPS: ReturnVisitStep[] = ['solved', 'rating', 'comment', 'detail'];

/**
 * Whether `identity` may answer the visit: the identity it was sent to, or another verified
 * identity of the same owner.
 */
export function mayAnswer(
  visit: Pick<ReturnVisitRecord, 'identityKey' | 'ownerId'>,
  identity: Pick<Identity, 'key' | 'verified' | 'ownerId'>,
): boolean {
  return (
    visit.identityKey === identity.key ||
    (visit.ownerId !== '' && identity.verified && visit.ownerId === identity.ownerId)
  );
}

/** The visit whose button carries `token`, if `identity` may answer it. */
export async function visitOfButton(
  ctx: VisitContext,
  token: string,
  identity: Identity,
): Promise<ReturnVisitRecord | undefined> {
  const found = await ctx.Visits.findOne({ buttonToken: token }).lean<ReturnVisitRecord>();
  return found && mayAnswer(found, identity) ? found : undefined;
}

/** The identity's visit with a question open, the one asked most recently. */
export async function openVisit(
  ctx: VisitContext,
  identityKey: string,
): Promise<ReturnVisitRecord | undefined> {
  const [visit] = await ctx.Visits.find({ identityKey, step: trusted({ $in: OPEN_STEPS }) })
    .sort({ stepAskedAt: -1 })
    .limit(1)
    .lean<ReturnVisitRecord[]>();
  return visit;
}

/** Visits answered or flagged in [from, to), each once. */
export async function visitsBetween(ctx: VisitContext, from: Date, to: Date): Promise<ReturnVisitRecord[]> {
  const [answered, flagged] = await Promise.all([
    ctx.Visits.find({ answeredAt: trusted({ $gte: from, $lt: to }) }).lean<ReturnVisitRecord[]>(),
    ctx.Visits.find({ phoneFlaggedAt: trusted({ $gte: from, $lt: to }) }).lean<ReturnVisitRecord[]>(),
  ]);
  const byId = new Map([...answered, ...flagged].map((visit) => [visit._id, visit]));
  return [...byId.values()];
}
