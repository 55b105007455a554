/**
 * The outbox dispatcher: claims due entries with a lease, sends them through the channel
 * adapters within per-channel rate limits, retries what is worth retrying and
 * dead-letters the rest. Any number of instances may run against one database.
 *
 * Claiming. Neither engine gives us more than single-document guarantees, and FerretDB
 * 1.x does not even give those: its findAndModify and conditional updates read, then
 * write by _id, so two instances both "win" the same entry (measured: two claim loops on
 * 300 entries claimed 276 of them twice). A unique insert is atomic on both engines, so
 * a claim is the insert of a token `<entryId>:<generation>` into `outbox_claims`, where
 * generation = the entry's `attempts` + 1: exactly one instance wins each generation.
 * Only then is the entry marked `sending` with `leaseOwner`, `leaseUntil` and
 * `attempts = generation`. Every later write of the holder is fenced on
 * (_id, attempts, leaseOwner, status 'sending').
 *
 * Crash between send and acknowledgement. If the process dies after the platform
 * accepted a message but before the entry is marked `sent`, nothing marks it: its lease
 * runs out (`leaseMs`, default 60 s) and another claim sends it again. Delivery is thus
 * at-least-once; enqueue is exactly-once per key (see outbox.ts). The duplicate window
 * is only the time between the platform's 2xx and our one `updateOne`, a few
 * milliseconds, because the entry is marked sent right after the 2xx, before hooks or
 * metrics run, and a reclaimed entry is read once more just before its send in case
 * the previous holder's acknowledgement landed meanwhile. A holder that gets its 2xx
 * after losing the lease still records the delivery (a fact, whoever holds the lease),
 * so a third claim does not send it again.
 *
 * Rate limits. One token-bucket limiter per dispatcher (`rate-limiter.ts`) paces every
 * send, per channel and per conversation, so sends wait for a slot instead of running
 * into 429s; a retry-after pauses the whole channel for exactly that long. A pass only
 * claims what the limiter can send within half the lease (minus the send timeout), and
 * the lease is renewed before a send that would otherwise outlive it. Limits are per
 * dispatcher: N instances send up to N times the configured rate.
 */
import { randomBytes } from 'node:crypto';
import os from 'node:os';
import type { Connection } from 'mongoose';
import { renderForChannel } from '../channels/render';
import {
  CHANNEL_NAMES,
  type Address,
  type ChannelAdapter,
  type ChannelName,
  type OutboundMessage,
  type SendResult,
} from '../channels/types';
import type { Clock } from '../clock';
import { trusted } from '../database/connect';
import { AppError, ChannelError } from '../errors';
import type { Logger } from '../logging/logger';
import { isDuplicateKey, type Outbox } from './outbox';
import type { OutboxMetrics } from './outbox-metrics';
import {
  outboxModels,
  toAddress,
  toOutboundMessage,
  toOutboxEntry,
  type OutboxEntry,
  type OutboxRecord,
} from './outbox-model';
import { createRateLimiter, LimiterCancelledError, type ChannelLimit } from './rate-limiter';
import { classifySendFailure, forLog, retryDelayMs, type FailureKind } from './send-failure';

export interface DeadLetterEvent {
  entry: OutboxEntry;
  reason: string;
  /** Set when the last failure was a send error (not an expired lease). */
  kind?: FailureKind;
  /** The platform's HTTP status, when it gave one (403: the owner blocked the bot). */
  status?: number;
}

export interface SentEvent {
  entry: OutboxEntry;
  platformMessageId?: string;
}

export interface DispatcherOptions {
  connection: Connection;
  /** The adapters this instance may send through; entries for other channels are left to other instances. */
  adapters: ReadonlyMap<ChannelName, ChannelAdapter> | ((channel: ChannelName) => ChannelAdapter | undefined);
  clock: Clock;
  logger: Logger;
  /** Names this instance in leases; default host:pid:random. */
  instanceId?: string;
  /** Overrides of `DEFAULT_CHANNEL_LIMITS`, per channel. */
  limits?: Partial<Record<ChannelName, Partial<ChannelLimit>>>;
  /** How long a claim is exclusive (default 60 s). */
  leaseMs?: number;
  /** A send without an answer after this long counts as a network failure (default leaseMs / 3). */
  sendTimeoutMs?: number;
  /** Failed attempts before an entry is dead-lettered (default 8). */
  maxAttempts?: number;
  /** 429 answers with a retry-after before an entry is dead-lettered (default 50). */
  maxThrottles?: number;
  /** Most entries claimed and not yet finished at once (default 100). */
  batchSize?: number;
  /** Pause between claim passes when there is nothing to do (default 1 s; `wake()` cuts it short). */
  pollIntervalMs?: number;
  /** How long `stop()` waits for sends in flight (default 10 s). */
  stopTimeoutMs?: number;
  /** Backoff after the n-th failure: baseMs * 2^(n-1), at most maxMs, with jitter (defaults 5 s, 10 min). */
  retry?: { baseMs?: number; maxMs?: number; random?: () => number };
  /** Given, its `purge()` runs every `purgeIntervalMs` (default 1 h) while the dispatcher runs. */
  outbox?: Outbox;
  purgeIntervalMs?: number;
  metrics?: OutboxMetrics;
  /** Called once per dead letter (e.g. to mark an owner's identity unreachable on 403). */
  onDeadLetter?: (event: DeadLetterEvent) => void | Promise<void>;
  onSent?: (event: SentEvent) => void | Promise<void>;
}

/** A won claim: the entry as read plus what this holder knows about its lease. */
interface Claim {
  record: OutboxRecord;
  generation: number;
  leaseUntil: number;
  failures: number;
  throttles: number;
  partsSent: number;
  /** Taken over from a holder whose lease expired: it may have sent already. */
  reclaimed: boolean;
}

/**
 * Creates a dispatcher. `start()` runs claim passes until `stop()`; `runOnce()` runs one
 * pass and waits for its sends (tests, CLI). One failing entry never stops either.
 */
export function createDispatcher(options: DispatcherOptions) {
  const { entries: Entries, claims: Claims } = outboxModels(options.connection);
  const clock = options.clock;
  const leaseMs = options.leaseMs ?? 60_000;
  const sendTimeoutMs = options.sendTimeoutMs ?? Math.round(leaseMs / 3);
  const maxAttempts = options.maxAttempts ?? 8;
  const maxThrottles = options.maxThrottles ?? 50;
  const batchSize = options.batchSize ?? 100;
  const pollIntervalMs = options.pollIntervalMs ?? 1000;
  const stopTimeoutMs = options.stopTimeoutMs ?? 10_000;
  const purgeIntervalMs = options.purgeIntervalMs ?? 60 * 60_000;
  const retry = { baseMs: options.retry?.baseMs ?? 5000, maxMs: options.retry?.maxMs ?? 10 * 60_000 };
  const random = options.retry?.random;
  const instanceId =
    options.instanceId ?? `${os.hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`;
  if (!(sendTimeoutMs > 0 && sendTimeoutMs < leaseMs))
    throw new AppError('outbox_config_invalid', 'sendTimeoutMs must be positive and shorter than leaseMs');
  // A claimed entry must reach its send early enough for the send to end within the lease;
  // half of that, because waits are estimates.
  const claimBudgetMs = (leaseMs - sendTimeoutMs) / 2;
  // While more than this is left of a lease, no other instance can hold it (allowing for
  // clock skew up to this much), so the holder's writes need no fence in the filter.
  const leaseMarginMs = Math.min(5000, leaseMs / 10);
  const limiter = createRateLimiter({ clock, limits: options.limits });
  const log = options.logger.child({ component: 'outbox', instance: instanceId });

  const adapterFor = (channel: ChannelName): ChannelAdapter | undefined =>
    typeof options.adapters === 'function' ? options.adapters(channel) : options.adapters.get(channel);

  const describe = (claim: Claim) => ({
    entryId: String(claim.record._id),
    key: claim.record.key,
    channel: claim.record.address.channel,
    purpose: claim.record.purpose,
    attempt: claim.generation,
  });

  const fence = (claim: Claim) => ({
    _id: claim.record._id,
    attempts: claim.generation,
    leaseOwner: instanceId,
    status: 'sending' as const,
  });

  /**
   * A write by the lease holder. While the lease has time left nobody else can hold the
   * entry, so the filter is the bare _id: on FerretDB that is the only filter served
   * without reading the whole collection. Near or past expiry the write is fenced.
   */
  const holderUpdate = async (claim: Claim, set: Partial<OutboxRecord>): Promise<boolean> => {
    const safe = clock.now().getTime() < claim.leaseUntil - leaseMarginMs;
    const result = await Entries.updateOne(safe ? { _id: claim.record._id } : fence(claim), { $set: set });
    return result.matchedCount > 0;
  };

  const entryAfter = (claim: Claim, patch: Partial<OutboxRecord>): OutboxEntry =>
    toOutboxEntry({
      ...claim.record,
      attempts: claim.generation,
      failures: claim.failures,
      throttles: claim.throttles,
      partsSent: claim.partsSent,
      ...patch,
    });

  const notify = async <T>(hook: ((event: T) => void | Promise<void>) | undefined, event: T) => {
    if (!hook) return;
    try {
      await hook(event);
    } catch (error) {
      log.error({ err: error }, 'An outbox hook failed; the entry itself is settled');
    }
  };

  // --- claiming ---------------------------------------------------------------------------

  /** Wins the next generation's token for this entry, or returns undefined if a rival has it. */
  const takeToken = async (candidate: OutboxRecord): Promise<number | undefined> => {
    const now = clock.now();
    for (let generation = candidate.attempts + 1; generation <= candidate.attempts + 3; generation++) {
      const tokenId = `${String(candidate._id)}:${generation}`;
      try {
        await Claims.create({ _id: tokenId, owner: instanceId, createdAt: now });
        return generation;
      } catch (error) {
        if (!isDuplicateKey(error)) throw error;
        // Nearly always a rival instance claimed it a moment ago. Only an entry overdue by
        // more than a lease can be stuck behind a token whose holder died before using it.
        if (candidate.nextAttemptAt.getTime() > now.getTime() - leaseMs) return undefined;
        const token = await Claims.findById(tokenId).lean();
        if (token && token.createdAt.getTime() > now.getTime() - leaseMs) return undefined;
      }
    }
    return undefined;
  };

  const claimOne = async (candidate: OutboxRecord): Promise<Claim | undefined> => {
    const generation = await takeToken(candidate);
    if (generation === undefined) return undefined;
    const leaseUntil = new Date(clock.now().getTime() + leaseMs);
    const reclaimed = candidate.status === 'sending';
    // An expired lease is a failed attempt: the holder died or hung while sending.
    const failures = candidate.failures + (reclaimed ? 1 : 0);
    // Winning the token for a pending entry proves nobody else touched it since it was read
    // (any change needs that same token), so the bare _id will do. An expired lease's
    // holder may still be writing, so taking over is fenced on what was read.
    const filter = reclaimed
      ? { _id: candidate._id, attempts: candidate.attempts, status: 'sending' as const }
      : { _id: candidate._id };
    const result = await Entries.updateOne(filter, {
      $set: {
        status: 'sending',
        attempts: generation,
        failures,
        leaseOwner: instanceId,
        leaseUntil,
        nextAttemptAt: leaseUntil,
      },
    });
    if (result.matchedCount === 0) return undefined; // settled by its previous holder meanwhile
    const claim: Claim = {
      record: candidate,
      generation,
      leaseUntil: leaseUntil.getTime(),
      failures,
      throttles: candidate.throttles,
      partsSent: candidate.partsSent,
      reclaimed,
    };
    if (reclaimed) {
      options.metrics?.failures.inc({ channel: candidate.address.channel, kind: 'lease_expired' });
      log.warn(
        { ...describe(claim), previousOwner: candidate.leaseOwner },
        'Took over an entry whose lease expired; it may have been delivered already',
      );
      if (failures >= maxAttempts) {
        await deadLetter(claim, `lease expired ${failures} times: the sending process stopped or hung`);
        return undefined;
      }
    }
    return claim;
  };

  /** One claim pass: claims up to `max` due entries this instance can send within their lease. */
  const claimAndStart = async (max: number): Promise<{ tasks: Promise<void>[]; limited: boolean }> => {
    const tasks: Promise<void>[] = [];
    let limited = false;
    const channels = CHANNEL_NAMES.filter((channel) => {
      if (!adapterFor(channel)) return false;
      if (limiter.estimateWaitMs(channel) < claimBudgetMs) return true;
      limited = true;
      return false;
    });
    if (channels.length === 0 || max <= 0) return { tasks, limited: true };
    const candidateLimit = max * 4 + 20;
    const candidates = await Entries.find({
      status: trusted({ $in: ['pending', 'sending'] }),
      nextAttemptAt: trusted({ $lte: clock.now() }),
      'address.channel': trusted({ $in: channels }),
    })
      .sort({ priority: 1, nextAttemptAt: 1 })
      .limit(candidateLimit)
      .lean<OutboxRecord[]>();
    if (candidates.length === candidateLimit) limited = true;
    for (const candidate of candidates) {
      if (stopping) break;
      if (tasks.length >= max) {
        limited = true;
        break;
      }
      const { channel, conversationId } = candidate.address;
      // Leave what this instance could not send within the lease to a later pass or another instance.
      if (limiter.estimateWaitMs(channel, conversationId) >= claimBudgetMs) {
        limited = true;
        continue;
      }
      const claim = await claimOne(candidate);
      // Started at once, so its wait for a send slot counts in the next candidate's estimate.
      if (claim) tasks.push(track(deliver(claim)));
    }
    return { tasks, limited };
  };

  // --- delivering -------------------------------------------------------------------------

  const deliver = async (claim: Claim): Promise<void> => {
    try {
      const adapter = adapterFor(claim.record.address.channel);
      if (!adapter) return await release(claim);
      const address = toAddress(claim.record);
      // The one place channel limits shape a message (DESIGN decision 5); idempotent, so
      // entries enqueued already rendered pass through unchanged.
      const parts = renderForChannel(toOutboundMessage(claim.record), adapter.capabilities);
      let platformMessageId = claim.record.platformMessageId || undefined;
      for (let part = claim.partsSent; part < parts.length; part++) {
        if (stopping) return await release(claim);
        try {
          await limiter.acquire(address.channel, address.conversationId, claim.record.priority);
        } catch (error) {
          if (error instanceof LimiterCancelledError) return await release(claim);
          throw error;
        }
        if (!(await keepLease(claim))) return;
        if (claim.reclaimed && part === claim.partsSent && (await deliveredMeanwhile(claim))) return;
        let result: SendResult;
        try {
          result = await sendWithTimeout(adapter, address, parts[part]!);
        } catch (error) {
          return await handleFailure(claim, error);
        }
        platformMessageId = result.platformMessageId ?? platformMessageId;
        if (part < parts.length - 1) await recordPart(claim, part + 1, platformMessageId);
      }
      await markSent(claim, platformMessageId, parts.length);
    } catch (error) {
      // A database error after the claim: the lease runs out and another claim retries.
      log.error(
        { err: error, ...describe(claim) },
        'Outbox delivery failed; retried after the lease expires',
      );
    }
  };

  const sendWithTimeout = (
    adapter: ChannelAdapter,
    address: Address,
    message: OutboundMessage,
  ): Promise<SendResult> => {
    const sending = Promise.resolve().then(() => adapter.send(address, message));
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () =>
          reject(
            new ChannelError('send_timeout', `No answer within ${sendTimeoutMs} ms; delivery unknown`, {
              kind: 'network',
            }),
          ),
        sendTimeoutMs,
      );
      timer.unref();
    });
    sending.catch(() => undefined); // a late failure after the timeout is not unhandled
    return Promise.race([sending, timeout]).finally(() => clearTimeout(timer));
  };

  /** Renews the lease when the send could outlive it; false when another instance took the entry. */
  const keepLease = async (claim: Claim): Promise<boolean> => {
    const now = clock.now().getTime();
    if (now + sendTimeoutMs + leaseMarginMs <= claim.leaseUntil) return true;
    const leaseUntil = new Date(now + leaseMs);
    if (!(await holderUpdate(claim, { leaseUntil, nextAttemptAt: leaseUntil }))) {
      log.warn(describe(claim), 'Lost the lease before sending; another instance has the entry');
      return false;
    }
    claim.leaseUntil = leaseUntil.getTime();
    return true;
  };

  /** For a reclaimed entry: did its previous holder record the delivery after all? */
  const deliveredMeanwhile = async (claim: Claim): Promise<boolean> => {
    const current = await Entries.findById(claim.record._id, { status: 1 }).lean();
    return current?.status === 'sent';
  };

  const recordPart = async (claim: Claim, partsSent: number, platformMessageId: string | undefined) => {
    claim.partsSent = partsSent;
    await holderUpdate(claim, { partsSent, platformMessageId: platformMessageId ?? '' });
  };

  const markSent = async (claim: Claim, platformMessageId: string | undefined, parts: number) => {
    const now = clock.now();
    claim.partsSent = parts;
    const sent = {
      status: 'sent' as const,
      sentAt: now,
      platformMessageId: platformMessageId ?? '',
      partsSent: parts,
      lastError: '',
      leaseOwner: '',
      leaseUntil: new Date(0),
      nextAttemptAt: now,
    };
    if (!(await holderUpdate(claim, sent))) {
      // The lease expired and another instance took the entry, but the platform did accept
      // this send: record that, so the new holder skips it if it has not sent yet.
      await Entries.updateOne({ _id: claim.record._id, status: trusted({ $ne: 'sent' }) }, { $set: sent });
      log.warn(describe(claim), 'Delivered after losing the lease; another instance may deliver it too');
    }
    options.metrics?.sent.inc({ channel: claim.record.address.channel });
    await notify(options.onSent, {
      entry: entryAfter(claim, sent),
      ...(platformMessageId !== undefined ? { platformMessageId } : {}),
    });
  };

  const release = async (claim: Claim): Promise<void> => {
    await holderUpdate(claim, {
      status: 'pending',
      nextAttemptAt: clock.now(),
      leaseOwner: '',
      leaseUntil: new Date(0),
      partsSent: claim.partsSent,
    });
  };

  const handleFailure = async (claim: Claim, error: unknown): Promise<void> => {
    const failure = classifySendFailure(error);
    const channel = claim.record.address.channel;
    const now = clock.now().getTime();
    options.metrics?.failures.inc({ channel, kind: failure.kind });
    // No request to this channel before the platform's wait is over, from any send of ours.
    if (failure.retryAfterMs !== undefined) limiter.pause(channel, new Date(now + failure.retryAfterMs));
    const details = {
      kind: failure.kind,
      ...(failure.status !== undefined ? { status: failure.status } : {}),
    };
    if (failure.permanent) return deadLetter(claim, failure.reason, details);
    const throttled = failure.retryAfterMs !== undefined;
    claim.failures += throttled ? 0 : 1;
    claim.throttles += throttled ? 1 : 0;
    if (claim.failures >= maxAttempts)
      return deadLetter(
        claim,
        `gave up after ${claim.failures} failed attempts; last: ${failure.reason}`,
        details,
      );
    if (claim.throttles > maxThrottles)
      return deadLetter(claim, `rate limited ${claim.throttles} times; last: ${failure.reason}`, details);
    const delayMs = failure.retryAfterMs ?? retryDelayMs(claim.failures, { ...retry, random });
    const stillHeld = await holderUpdate(claim, {
      status: 'pending',
      failures: claim.failures,
      throttles: claim.throttles,
      nextAttemptAt: new Date(now + delayMs),
      lastError: failure.reason,
      leaseOwner: '',
      leaseUntil: new Date(0),
      partsSent: claim.partsSent,
    });
    if (!stillHeld)
      log.warn(
        { ...describe(claim), ...details },
        'Send failed after losing the lease; the new holder decides',
      );
    else
      log.info(
        {
          ...describe(claim),
          ...details,
          failures: claim.failures,
          retryInMs: delayMs,
          reason: forLog(failure.reason),
        },
        'Outbox send failed; will retry',
      );
  };

  const deadLetter = async (
    claim: Claim,
    reason: string,
    details: { kind?: FailureKind; status?: number } = {},
  ): Promise<void> => {
    const now = clock.now();
    const dead = {
      status: 'dead' as const,
      failures: claim.failures,
      throttles: claim.throttles,
      deadReason: reason,
      lastError: reason,
      deadAt: now,
      leaseOwner: '',
      leaseUntil: new Date(0),
      nextAttemptAt: now,
      partsSent: claim.partsSent,
    };
    if (!(await holderUpdate(claim, dead))) {
      log.warn(describe(claim), 'Lost the lease before dead-lettering; the new holder decides');
      return;
    }
    options.metrics?.deadLetters.inc({ channel: claim.record.address.channel });
    log.warn(
      { ...describe(claim), ...details, failures: claim.failures, reason: forLog(reason) },
      'Outbox entry dead-lettered',
    );
    await notify(options.onDeadLetter, { entry: entryAfter(claim, dead), reason, ...details });
  };

  // --- the loop ---------------------------------------------------------------------------

  let running = false;
  let stopping = false;
  let loopDone: Promise<void> | undefined;
  const active = new Set<Promise<void>>();
  let wakeUp: (() => void) | undefined;
  let wakeWhenDrained = false;

  const wake = () => wakeUp?.();
  const track = (task: Promise<void>): Promise<void> => {
    active.add(task);
    void task.finally(() => {
      active.delete(task);
      // Claim again once half the batch is done, not after every send: each pass is a query.
      if (wakeWhenDrained && active.size <= batchSize / 2) wake();
    });
    return task;
  };
  const idle = (ms: number) =>
    new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer);
        wakeUp = undefined;
        resolve();
      };
      const timer = setTimeout(done, ms);
      wakeUp = done;
    });

  const loop = async () => {
    let consecutiveErrors = 0;
    let lastPurge = clock.now().getTime();
    while (running) {
      let limited = false;
      try {
        const free = batchSize - active.size;
        limited = free <= 0 || (await claimAndStart(free)).limited;
        consecutiveErrors = 0;
      } catch (error) {
        consecutiveErrors++;
        if (consecutiveErrors === 1 || consecutiveErrors % 50 === 0)
          log.error({ err: error, consecutiveErrors }, 'Outbox claim pass failed; retrying');
      }
      if (options.outbox && clock.now().getTime() - lastPurge >= purgeIntervalMs) {
        lastPurge = clock.now().getTime();
        try {
          const purged = await options.outbox.purge();
          log.info(purged, 'Outbox purged');
        } catch (error) {
          log.error({ err: error }, 'Outbox purge failed; retried next hour');
        }
      }
      if (!running) break;
      wakeWhenDrained = limited;
      const backoff = consecutiveErrors > 0 ? pollIntervalMs * 2 ** Math.min(consecutiveErrors, 5) : 0;
      await idle(Math.min(Math.max(pollIntervalMs, backoff), 30_000));
    }
  };

  return {
    /** Runs claim passes every `pollIntervalMs` (sooner when woken or when sends finish) until `stop()`. */
    start(): void {
      if (running) return;
      running = true;
      stopping = false;
      loopDone = loop();
    },

    /**
     * Stops claiming, hands back entries still waiting for a send slot, and waits up to
     * `stopTimeoutMs` for sends in flight. A send still running after that keeps its lease,
     * which expires, so another claim retries it (see the top of this file).
     */
    async stop(): Promise<void> {
      running = false;
      stopping = true;
      wake();
      limiter.cancelAll();
      await loopDone;
      loopDone = undefined;
      let timer: NodeJS.Timeout | undefined;
      const timedOut = await Promise.race([
        Promise.allSettled([...active]).then(() => false),
        new Promise<boolean>((resolve) => {
          timer = setTimeout(() => resolve(true), stopTimeoutMs);
          timer.unref();
        }),
      ]);
      clearTimeout(timer);
      if (timedOut)
        log.warn({ inFlight: active.size }, 'Stopped with sends still in flight; their leases will expire');
      stopping = false;
    },

    /** One claim pass; resolves with the number of entries claimed once all of them are settled. */
    async runOnce(): Promise<number> {
      const { tasks } = await claimAndStart(Math.max(0, batchSize - active.size));
      await Promise.all(tasks);
      return tasks.length;
    },

    /** Asks for a claim pass now (call after enqueueing a reply); otherwise passes run every `pollIntervalMs`. */
    wake,

    instanceId,
  };
}

export type Dispatcher = ReturnType<typeof createDispatcher>;
