import { Types } from 'mongoose';
import { CHANNEL_NAMES, type ChannelName } from '../channels/types';
import { trusted } from '../database/connect';
import { adapterFor, describe, type Claim, type DispatcherState } from './dispatcher-state';
import { URGENT_PRIORITY, type OutboxRecord } from './outbox-model';

/** Claim order: most urgent purpose first, then the longest due, then the oldest. */
const CLAIM_ORDER = { priority: 1, nextAttemptAt: 1, _id: 1 } as const;

const inClaimOrder = (a: OutboxRecord, b: OutboxRecord): number =>
  a.priority - b.priority ||
  a.nextAttemptAt.getTime() - b.nextAttemptAt.getTime() ||
  String(a._id).localeCompare(String(b._id));

/**
 * Entries free to claim on these channels: pending ones that are due, and 'sending' ones
 * whose holder's lease ran out (it died or hung). Each query names one status, so sent
 * entries are never read. Entries this instance holds are left out even past their lease:
 * it may still be recording their send through a database outage.
 */
async function candidates(state: DispatcherState, channels: ChannelName[], limit: number, now: Date) {
  const held = [...state.held.keys()].map((id) => new Types.ObjectId(id));
  const common = {
    'address.channel': trusted({ $in: channels }),
    ...(held.length > 0 ? { _id: trusted({ $nin: held }) } : {}),
  };
  // Urgent entries first, by their own priority (an equality found at once): they never wait
  // for the read of a long queue of ordinary ones; that read comes in the next pass.
  const urgent = await state.entries
    .find({ status: 'pending', priority: URGENT_PRIORITY, nextAttemptAt: trusted({ $lte: now }), ...common })
    .sort(CLAIM_ORDER)
    .limit(limit)
    .lean<OutboxRecord[]>();
  if (urgent.length > 0) return { list: urgent, more: true };
  const [due, abandoned] = await Promise.all(
    [
      { status: 'pending' as const, nextAttemptAt: trusted({ $lte: now }) },
      { status: 'sending' as const, leaseUntil: trusted({ $lt: now }) },
    ].map((free) =>
      state.entries
        .find({ ...free, ...common })
        .sort(CLAIM_ORDER)
        .limit(limit)
        .lean<OutboxRecord[]>(),
    ),
  );
  return {
    list: [...due!, ...abandoned!].sort(inClaimOrder).slice(0, limit),
    more: due!.length === limit || abandoned!.length === limit,
  };
}

/**
 * Claims one entry, if it is still free and still as read: one conditional write that
 * takes the next generation and the lease. Of instances racing for an entry exactly one
 * wins; the others match nothing. Taking over an expired lease counts as a failure.
 */
async function claimOne(state: DispatcherState, candidate: OutboxRecord): Promise<Claim | undefined> {
  const now = state.clock.now();
  const reclaimed = candidate.status === 'sending';
  const free = reclaimed
    ? { status: 'sending' as const, leaseUntil: trusted({ $lt: now }) }
    : { status: 'pending' as const, nextAttemptAt: trusted({ $lte: now }) };
  const leaseUntil = now.getTime() + state.leaseMs;
  const claimed = {
    status: 'sending' as const,
    holder: state.instanceId,
    leaseUntil: new Date(leaseUntil),
    generation: candidate.generation + 1,
    failures: candidate.failures + (reclaimed ? 1 : 0),
  };
  // The generation and the progress in the filter pin every field the claim relies on,
  // so the entry as claimed is the one read plus this write (no second read).
  const { generation, partsSent } = candidate;
  const result = await state.entries.updateOne(
    { _id: candidate._id, ...free, generation, partsSent },
    { $set: claimed },
  );
  if (result.matchedCount === 0) return undefined;
  const record: OutboxRecord = { ...candidate, ...claimed };
  const claim: Claim = {
    record,
    id: String(record._id),
    generation: record.generation,
    leaseUntil,
    failures: record.failures,
    throttles: record.throttles,
    partsSent: record.partsSent,
    reclaimed,
  };
  state.held.set(claim.id, claim);
  if (reclaimed) {
    state.options.metrics?.failures.inc({ channel: record.address.channel, kind: 'lease_expired' });
    state.log.warn(
      describe(claim),
      'Took over an entry whose lease expired; it may have been delivered already',
    );
  }
  return claim;
}

/**
 * One claim pass: claims up to `max` free entries this instance can send within their
 * lease, one after the other, and starts each at once (so its wait for a send slot counts
 * in the estimate for the next one). `limited`: there may be more to claim as soon as
 * there is room.
 */
export async function claimPass(
  state: DispatcherState,
  max: number,
  start: (claim: Claim) => Promise<void>,
): Promise<{ tasks: Promise<void>[]; limited: boolean }> {
  const tasks: Promise<void>[] = [];
  let limited = false;
  const channels = CHANNEL_NAMES.filter((channel) => {
    if (!adapterFor(state, channel)) return false;
    if (state.limiter.estimateWaitMs(channel) < state.claimBudgetMs) return true;
    limited = true;
    return false;
  });
  if (channels.length === 0 || max <= 0) return { tasks, limited: true };
  const { list, more } = await candidates(state, channels, max * 2 + 20, state.clock.now());
  limited ||= more;
  for (const candidate of list) {
    if (state.stopping) break;
    if (tasks.length >= max) {
      limited = true;
      break;
    }
    const { channel, conversationId } = candidate.address;
    // Leave what this instance could not send within the lease to a later pass or another instance.
    if (state.limiter.estimateWaitMs(channel, conversationId) >= state.claimBudgetMs) {
      limited = true;
      continue;
    }
    // One claim at a time: the attempt-record writes of sends under way, which the pacing
    // waits for, must not queue behind a burst of claims.
    const claim = await claimOne(state, candidate);
    if (claim) tasks.push(start(claim));
  }
  return { tasks, limited };
}
