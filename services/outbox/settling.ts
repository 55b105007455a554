import { trusted } from '../database/connect';
import { adapterFor, describe, heldBy, type Claim, type DispatcherState } from './dispatcher-state';
import { toOutboxEntry, type OutboxEntry, type OutboxRecord } from './outbox-model';
import { classifySendFailure, forLog, retryDelayMs, type FailureKind } from './send-failure';

/** The dead-letter reason of an entry whose sending process stopped during its send. */
export const OUTCOME_UNKNOWN_REASON =
  'outcome_unknown: the sending process stopped during the send; the owner may or may not have it';

/** How long to wait between tries of a write that must land (the record of a send). */
const PERSIST_RETRY = { baseMs: 250, maxMs: 5000 };
/** Tries at recording a late delivery over an entry that keeps changing under it. */
const LATE_DELIVERY_TRIES = 10;

type DeadDetails = { kind?: FailureKind; status?: number; outcomeUnknown?: boolean };

/**
 * Retries a write that must land, because it records a send that went out or is about to,
 * with backoff until it does or `stop()` gave up waiting. Losing it would mean a resend
 * (or, for an attempt, a send refused for nothing). The entry stays in `held` meanwhile,
 * so this instance never claims it again. False: stopped first.
 */
export async function persist(
  state: DispatcherState,
  claim: Claim,
  what: string,
  write: () => Promise<void>,
): Promise<boolean> {
  for (let tries = 1; ; tries++) {
    try {
      await write();
      if (tries > 1)
        state.log.info({ ...describe(claim), what, tries }, 'Outbox record written after retries');
      return true;
    } catch (error) {
      if (state.halted) {
        state.held.delete(claim.id);
        state.log.error(
          { err: error, ...describe(claim), what },
          'Stopped before an outbox record could be written; the next holder will not send this entry again',
        );
        return false;
      }
      if (tries === 1 || tries % 20 === 0)
        state.log.error(
          { err: error, ...describe(claim), what, tries },
          'Could not write an outbox record; retrying until the database answers',
        );
      const waitMs = Math.min(PERSIST_RETRY.maxMs, PERSIST_RETRY.baseMs * 2 ** (tries - 1));
      await new Promise((resolve) => setTimeout(resolve, waitMs).unref());
    }
  }
}

/** Deletes this holder's attempt records (and those it took over): their outcome is known now. */
const forgetAttempts = (state: DispatcherState, claim: Claim) =>
  state.attempts.deleteMany({ entryId: claim.id, generation: trusted({ $lte: claim.generation }) });

/** A holder's write; false when the entry is no longer this holder's (its lease ran out and was taken). */
async function settle(state: DispatcherState, claim: Claim, set: Partial<OutboxRecord>): Promise<boolean> {
  const result = await state.entries.updateOne(heldBy(state, claim), { $set: set });
  state.held.delete(claim.id);
  return result.matchedCount > 0;
}

const entryAfter = (claim: Claim, patch: Partial<OutboxRecord>): OutboxEntry =>
  toOutboxEntry({
    ...claim.record,
    failures: claim.failures,
    throttles: claim.throttles,
    partsSent: claim.partsSent,
    ...patch,
  });

export async function notify<T>(
  state: DispatcherState,
  hook: ((event: T) => void | Promise<void>) | undefined,
  event: T,
) {
  if (!hook) return;
  try {
    await hook(event);
  } catch (error) {
    state.log.error({ err: error }, 'An outbox hook failed; the entry itself is settled');
  }
}

/**
 * The platform accepted a send that outlived this holder's lease. The delivery is a fact,
 * so it is recorded over whatever the next holder decided (an outcome-unknown dead letter,
 * most likely), with a versioned write; unless a delivery was recorded first.
 */
async function recordLateDelivery(
  state: DispatcherState,
  claim: Claim,
  sent: Partial<OutboxRecord>,
): Promise<'late' | 'twice'> {
  for (let tries = 0; tries < LATE_DELIVERY_TRIES; tries++) {
    const current = await state.entries
      .findById(claim.record._id, { status: 1, holder: 1, generation: 1, sentAt: 1 })
      .lean<OutboxRecord>();
    if (!current) return 'late';
    if (current.status === 'sent')
      // Our own write of an earlier try, whose answer was lost, or another delivery.
      return current.holder === state.instanceId && current.sentAt?.getTime() === sent.sentAt?.getTime()
        ? 'late'
        : 'twice';
    const result = await state.entries.updateOne(
      {
        _id: claim.record._id,
        status: current.status,
        holder: current.holder,
        generation: current.generation,
      },
      { $set: { ...sent, holder: state.instanceId } },
    );
    if (result.matchedCount > 0) return 'late';
  }
  throw new Error('The entry kept changing while its late delivery was recorded');
}

/** Records the delivery (through a database outage if need be), then tells `onSent`. */
export async function markSent(
  state: DispatcherState,
  claim: Claim,
  platformMessageId: string | undefined,
  parts: number,
): Promise<void> {
  claim.partsSent = parts;
  const sent = {
    status: 'sent' as const,
    sentAt: state.clock.now(),
    platformMessageId: platformMessageId ?? '',
    partsSent: parts,
    lastError: '',
  };
  let outcome = 'held' as 'held' | 'late' | 'twice';
  const recorded = await persist(state, claim, 'delivery', async () => {
    const result = await state.entries.updateOne(heldBy(state, claim), { $set: sent });
    if (result.matchedCount === 0) outcome = await recordLateDelivery(state, claim, sent);
  });
  if (!recorded) return;
  // Its attempt records stay for the hourly purge: a sent entry is never taken over, so
  // nobody reads them, and the send path is one write shorter.
  state.held.delete(claim.id);
  state.options.metrics?.sent.inc({ channel: claim.record.address.channel });
  if (outcome === 'twice') {
    state.log.warn(describe(claim), 'Delivered after another instance already had; the owner got it twice');
    return;
  }
  if (outcome === 'late')
    state.log.warn(describe(claim), 'Delivered after losing the lease; recorded as sent all the same');
  await notify(state, state.options.onSent, {
    entry: entryAfter(claim, sent),
    ...(platformMessageId !== undefined ? { platformMessageId } : {}),
  });
}

/** Hands the entry back, due at once (the dispatcher is stopping, or has no adapter for it). */
export async function handBack(state: DispatcherState, claim: Claim): Promise<void> {
  // No request went out under this generation, so its records go first.
  await forgetAttempts(state, claim);
  await settle(state, claim, {
    status: 'pending',
    nextAttemptAt: state.clock.now(),
    partsSent: claim.partsSent,
  });
}

/** Gives up on the entry: stored with the reason, logged without its text, `onDeadLetter` told. */
export async function deadLetter(
  state: DispatcherState,
  claim: Claim,
  reason: string,
  details: DeadDetails = {},
): Promise<void> {
  const now = state.clock.now();
  const dead = {
    status: 'dead' as const,
    failures: claim.failures,
    throttles: claim.throttles,
    deadReason: reason,
    lastError: reason,
    deadAt: now,
    partsSent: claim.partsSent,
  };
  // A known outcome: the records go before the entry settles, so a crash in between leaves
  // a plain expired lease. An unknown one's stay until the entry is dead.
  if (!details.outcomeUnknown) await forgetAttempts(state, claim);
  if (!(await settle(state, claim, dead))) {
    state.log.warn(describe(claim), 'Lost the lease before dead-lettering; the new holder decides');
    return;
  }
  if (details.outcomeUnknown) await forgetAttempts(state, claim).catch(() => undefined);
  state.options.metrics?.deadLetters.inc({ channel: claim.record.address.channel });
  state.log.warn(
    { ...describe(claim), ...details, failures: claim.failures, reason: forLog(reason) },
    'Outbox entry dead-lettered',
  );
  await notify(state, state.options.onDeadLetter, { entry: entryAfter(claim, dead), reason, ...details });
}

/**
 * A send failed: dead-lettered when the platform said no for good or the entry ran out of
 * attempts, else due again after its backoff (or exactly the platform's retry-after).
 */
export async function retryOrDeadLetter(state: DispatcherState, claim: Claim, error: unknown): Promise<void> {
  const failure = classifySendFailure(error);
  const channel = claim.record.address.channel;
  const now = state.clock.now().getTime();
  state.options.metrics?.failures.inc({ channel, kind: failure.kind });
  // No request to this channel before the platform's wait is over, from any send of ours.
  if (failure.retryAfterMs !== undefined && failure.pausesChannel !== false)
    state.limiter.pause(channel, new Date(now + failure.retryAfterMs));
  const details = { kind: failure.kind, ...(failure.status !== undefined ? { status: failure.status } : {}) };
  if (failure.permanent) return deadLetter(state, claim, failure.reason, details);
  const throttled = failure.retryAfterMs !== undefined;
  claim.failures += throttled ? 0 : 1;
  claim.throttles += throttled ? 1 : 0;
  if (claim.failures >= state.maxAttempts)
    return deadLetter(
      state,
      claim,
      `gave up after ${claim.failures} failed attempts; last: ${failure.reason}`,
      details,
    );
  if (claim.throttles > state.maxThrottles)
    return deadLetter(
      state,
      claim,
      `rate limited ${claim.throttles} times; last: ${failure.reason}`,
      details,
    );
  const { retry } = state.options;
  const delayMs =
    failure.retryAfterMs ??
    retryDelayMs(claim.failures, {
      baseMs: retry?.baseMs ?? 5000,
      maxMs: retry?.maxMs ?? 10 * 60_000,
      random: retry?.random,
    });
  await forgetAttempts(state, claim);
  const stillHeld = await settle(state, claim, {
    status: 'pending',
    failures: claim.failures,
    throttles: claim.throttles,
    nextAttemptAt: new Date(now + delayMs),
    lastError: failure.reason,
    partsSent: claim.partsSent,
  });
  if (!stillHeld)
    state.log.warn(
      { ...describe(claim), ...details },
      'Send failed after losing the lease; the new holder decides',
    );
  else
    state.log.info(
      {
        ...describe(claim),
        ...details,
        failures: claim.failures,
        retryInMs: delayMs,
        reason: forLog(failure.reason),
      },
      'Outbox send failed; will retry',
    );
}

/**
 * For an entry taken over after its holder's lease ran out: settles it here when sending
 * again is not allowed. An attempt record of an earlier holder says a request was about to
 * go out and nothing says how it ended; the platforms have no idempotency key, so sending
 * again could reach the owner twice: the entry is dead-lettered instead (at-most-once when
 * the outcome is unknown). True: settled, do not send.
 */
export async function settleIfAbandoned(
  state: DispatcherState,
  claim: Claim,
  parts: number,
): Promise<boolean> {
  const records = await state.attempts.find({ entryId: claim.id }, { part: 1, generation: 1 }).lean();
  const cut = records.filter(
    (record) => record.generation < claim.generation && record.part >= claim.partsSent && record.part < parts,
  );
  const resendable = adapterFor(state, claim.record.address.channel)?.capabilities.idempotentSends === true;
  if (cut.length > 0 && !resendable) {
    state.options.metrics?.failures.inc({ channel: claim.record.address.channel, kind: 'outcome_unknown' });
    state.log.warn(
      { ...describe(claim), part: Math.min(...cut.map((record) => record.part)) },
      'The process sending this entry stopped during the send; not sent again (the owner may or may not have it)',
    );
    await deadLetter(state, claim, OUTCOME_UNKNOWN_REASON, { outcomeUnknown: true });
    return true;
  }
  if (claim.failures >= state.maxAttempts) {
    await deadLetter(
      state,
      claim,
      `lease expired ${claim.failures} times: the sending process stopped or hung`,
    );
    return true;
  }
  return false;
}
