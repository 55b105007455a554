import { renderForChannel } from '../channels/render';
import type { Address, ChannelAdapter, OutboundMessage, SendResult } from '../channels/types';
import { ChannelError } from '../errors';
import { adapterFor, describe, heldBy, type Claim, type DispatcherState } from './dispatcher-state';
import { isDuplicateKey, toAddress, toOutboundMessage, type OutboxAttemptRecord } from './outbox-model';
import { LimiterCancelledError, type SendSlot } from './rate-limiter';
import { handBack, markSent, persist, retryOrDeadLetter, settleIfAbandoned } from './settling';

/**
 * Extends the lease when the send could outlive it. The write lands only while the entry
 * is still this holder's generation, so it fails once another instance took it over.
 */
async function keepLease(state: DispatcherState, claim: Claim): Promise<boolean> {
  const now = state.clock.now().getTime();
  if (now + state.sendTimeoutMs + state.leaseMarginMs <= claim.leaseUntil) return true;
  const leaseUntil = now + state.leaseMs;
  const kept = await state.entries.updateOne(heldBy(state, claim), {
    $set: { leaseUntil: new Date(leaseUntil) },
  });
  if (kept.matchedCount === 0) {
    state.held.delete(claim.id);
    state.log.warn(describe(claim), 'Lost the lease before sending; another instance has the entry');
    return false;
  }
  claim.leaseUntil = leaseUntil;
  return true;
}

/** Inserts the record that a request for this part is about to go out (see `settleIfAbandoned`). */
function recordAttempt(state: DispatcherState, claim: Claim, part: number): Promise<boolean> {
  const attempt: OutboxAttemptRecord = {
    _id: `${claim.id}:${part}:${claim.generation}`,
    entryId: claim.id,
    part,
    generation: claim.generation,
    holder: state.instanceId,
    createdAt: state.clock.now(),
  };
  return persist(state, claim, 'attempt', async () => {
    try {
      // The driver's insert: the record is ours and needs no casting, and it is on the send path.
      await state.attempts.collection.insertOne(attempt as unknown as OutboxAttemptRecord & { _id: never });
    } catch (error) {
      // Only this holder writes its generation's ids: an earlier try landed after all.
      if (!isDuplicateKey(error)) throw error;
    }
  });
}

/**
 * Records a delivered part of a split message. A fact whoever holds the entry now, so it is
 * not fenced, and only ever moves forward.
 */
function recordPart(state: DispatcherState, claim: Claim, partsSent: number, platformMessageId?: string) {
  claim.partsSent = partsSent;
  return persist(state, claim, 'part', async () => {
    await state.entries.updateOne(
      { _id: claim.record._id },
      { $max: { partsSent }, $set: { platformMessageId: platformMessageId ?? '' } },
    );
  });
}

/**
 * A send slot for this part, with the attempt record written just before the slot's time (on
 * channels whose sends cannot be repeated safely); undefined when the entry was handed back
 * or is no longer this holder's. The record is
 * written as late as recent writes allow: a crash after it and before the request leaves an
 * entry nobody may send again. A slot whose time passed meanwhile (a very slow database) is
 * left unused (it still counts) and another is awaited, ahead of every other send.
 */
async function slotFor(state: DispatcherState, claim: Claim, address: Address, part: number) {
  // A channel whose sends can be repeated safely needs no record: a resend finds the first copy.
  const unrecorded = adapterFor(state, address.channel)?.capabilities.idempotentSends === true;
  let attempted = false;
  for (;;) {
    let granted: SendSlot;
    try {
      const priority = attempted ? -Infinity : claim.record.priority;
      granted = await state.limiter.acquire(address.channel, address.conversationId, priority);
    } catch (error) {
      if (!(error instanceof LimiterCancelledError)) throw error;
      await handBack(state, claim);
      return undefined;
    }
    if (!(await keepLease(state, claim))) return undefined;
    if (!attempted && !unrecorded) {
      if (!(await granted.due(state.attemptWrites.expectedMs()))) continue;
      const writing = state.clock.now().getTime();
      if (!(await recordAttempt(state, claim, part))) return undefined;
      state.attemptWrites.took(state.clock.now().getTime() - writing);
      attempted = true;
    }
    if (await granted.due()) return granted;
  }
}

function sendWithTimeout(
  state: DispatcherState,
  adapter: ChannelAdapter,
  address: Address,
  message: OutboundMessage,
  slot: SendSlot,
): Promise<SendResult> {
  const sending = Promise.resolve().then(() => {
    slot.started();
    return adapter.send(address, message);
  });
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () =>
        reject(
          new ChannelError('send_timeout', `No answer within ${state.sendTimeoutMs} ms; delivery unknown`, {
            kind: 'network',
          }),
        ),
      state.sendTimeoutMs,
    );
    timer.unref();
  });
  sending.catch(() => undefined); // a late failure after the timeout is not unhandled
  return Promise.race([sending, timeout]).finally(() => clearTimeout(timer));
}

/**
 * Delivers a claimed entry: rendered for its channel, each part on its own rate slot after
 * its attempt record, then settled. Never throws: a database error before a send leaves the
 * entry to whoever claims it after the lease (a send that went out is recorded by `persist`).
 */
export async function deliver(state: DispatcherState, claim: Claim): Promise<void> {
  try {
    const adapter = adapterFor(state, claim.record.address.channel);
    if (!adapter) return await handBack(state, claim);
    const address = toAddress(claim.record);
    // The one place channel limits shape a message; idempotent, so entries enqueued
    // already rendered pass through unchanged.
    const parts = renderForChannel(toOutboundMessage(claim.record), adapter.capabilities);
    // Before waiting for a slot: a slot held through these reads would often go unused.
    if (claim.reclaimed && (await settleIfAbandoned(state, claim, parts.length))) return;
    let platformMessageId = claim.record.platformMessageId || undefined;
    for (let part = claim.partsSent; part < parts.length; part++) {
      if (state.stopping) return await handBack(state, claim);
      const slot = await slotFor(state, claim, address, part);
      if (!slot) return;
      // What the outbox knows of this send, for adapters that choose how to send by it.
      const delivery = {
        key: claim.record.key,
        purpose: claim.record.purpose,
        part,
        parts: parts.length,
      };
      let result: SendResult;
      try {
        result = await sendWithTimeout(state, adapter, address, { ...parts[part]!, delivery }, slot);
      } catch (error) {
        return await retryOrDeadLetter(state, claim, error);
      }
      platformMessageId = result.platformMessageId ?? platformMessageId;
      if (part < parts.length - 1 && !(await recordPart(state, claim, part + 1, platformMessageId))) return;
    }
    await markSent(state, claim, platformMessageId, parts.length);
  } catch (error) {
    state.held.delete(claim.id);
    state.log.error(
      { err: error, ...describe(claim) },
      'Outbox delivery failed; retried after the lease expires',
    );
  }
}
