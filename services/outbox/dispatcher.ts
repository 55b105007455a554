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
 * generation = the entry's `attempts` + 1: exactly one instance wins each generation, and
 * its lease runs until the token's `leaseUntil`. The token is the whole claim: the entry
 * is not written until it settles (sent, retried, dead, handed back), and each of those
 * writes sets `attempts` to the holder's generation, so the next claim takes a fresh one.
 * A rival that loses a token skips that entry until the lease could have run out, then
 * reads the token; a holder that needs longer takes the next generation itself.
 *
 * Why so few writes: on the embedded engine (FerretDB 1.24 with SQLite) an insert costs
 * about 1 ms whatever the size, while every read, update or delete by `_id` reads the
 * whole collection (measured: an update by `_id` 4.7 ms among 100 entries, 24 ms among
 * 1,000). So a send is three inserts (the token, the attempt record, the sent copy in
 * `outbox_sent`); sent entries leave `outbox` in one batched delete per pass, and their
 * tokens and attempt records a lease later
 * (a rival's candidate list is never older than `claimBudgetMs`, so it cannot win a
 * deleted token of an entry it still sees).
 *
 * Delivery: exactly-once, or at-most-once when the outcome is unknown. Just before each
 * platform request the holder inserts `outbox_attempts/<entryId>:<part>:<generation>`; the
 * sent copy in `outbox_sent` (its `_id` the entry's, so recorded once) is inserted right
 * after the 2xx, before hooks or metrics. If that write fails (the database is down), the
 * holder keeps the entry in memory and retries the write with backoff until it lands or
 * `stop()` gives up; meanwhile it never claims the entry again. A holder that takes over an
 * entry whose lease ran out (`reclaimed`) looks for a sent copy (done), then for an attempt
 * record of the dead holder's generations: one means the process stopped during the send,
 * and neither we nor Telegram, Slack or WeChat (no idempotency keys) can tell whether the
 * owner got it. Such an entry is not sent again: it is dead-lettered with
 * `OUTCOME_UNKNOWN_REASON`, logged and counted (`failures{kind="outcome_unknown"}`), so a
 * person decides (`requeue` resends it). A stalled holder's late 2xx still records the
 * delivery and removes the dead letter. Not covered: a send that timed out (`sendTimeoutMs`)
 * is retried, as the platform most likely did not take it; and a holder stalled for longer
 * than a lease between its attempt record and its request (see `keepLease`). Enqueue is
 * exactly-once per key (see outbox.ts).
 *
 * Rate limits. A limiter per dispatcher (`rate-limiter.ts`) paces every send, per channel
 * and per conversation, so sends wait for a slot instead of running into 429s; a
 * retry-after pauses the whole channel for exactly that long. A channel's overall rate is
 * shared with the other instances through slices of time claimed in the database
 * (`rate-slices.ts`), so N instances together stay within the platform's limit. A pass only
 * claims what the limiter can send within half the lease (minus the send timeout), and
 * the lease is extended before a send that would otherwise outlive it. Sends run in
 * parallel (each waits for its own slot), so database writes overlap with other sends.
 */
import { randomBytes } from 'node:crypto';
import os from 'node:os';
import { Types, type Connection } from 'mongoose';
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
  type OutboxAttemptRecord,
  type OutboxClaimRecord,
  type OutboxEntry,
  type OutboxRecord,
} from './outbox-model';
import { createRateLimiter, LimiterCancelledError, type ChannelLimit, type SendSlot } from './rate-limiter';
import { classifySendFailure, forLog, retryDelayMs, type FailureKind } from './send-failure';

export interface DeadLetterEvent {
  entry: OutboxEntry;
  reason: string;
  /** Set when the last failure was a send error (not an expired lease). */
  kind?: FailureKind;
  /** The platform's HTTP status, when it gave one (403: the owner blocked the bot). */
  status?: number;
  /** The previous holder stopped during the send: the owner may have it once, or not at all. */
  outcomeUnknown?: boolean;
}

/** The dead-letter reason of an entry whose sending process stopped during its send. */
export const OUTCOME_UNKNOWN_REASON =
  'outcome_unknown: the sending process stopped during the send; the owner may or may not have it';

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
  /** Overrides of `DEFAULT_CHANNEL_LIMITS`, per channel: the platform's limits, for all instances together. */
  limits?: Partial<Record<ChannelName, Partial<ChannelLimit>>>;
  /**
   * Share each channel's rate with the other instances on this database (default true);
   * false paces this instance alone at the full `limits` (a dispatcher known to be the only one).
   */
  shareRate?: boolean;
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
  id: string;
  /** The newest generation this holder won; written to the entry's `attempts` when it settles. */
  generation: number;
  leaseUntil: number;
  failures: number;
  throttles: number;
  partsSent: number;
  /** Taken over from a holder whose lease expired: it may have sent already. */
  reclaimed: boolean;
  /** The generation this holder claimed with; earlier ones after `record.attempts` were a dead holder's. */
  firstGeneration: number;
  /** `outbox_attempts` records this holder wrote or took over; deleted with its tokens. */
  attemptIds: string[];
}

/** How long an attempt record took to write, lately: the longest of the last few, plus a little. */
function recentDurations(keep = 16, spareMs = 5) {
  const last: number[] = [];
  return {
    took(ms: number) {
      last.push(ms);
      if (last.length > keep) last.shift();
    },
    expectedMs: () => (last.length === 0 ? 50 : Math.max(...last)) + spareMs,
  };
}

/** How long to wait between tries of a write that must land (the record of a send). */
const PERSIST_RETRY = { baseMs: 250, maxMs: 5000 };

/**
 * Creates a dispatcher. `start()` runs claim passes until `stop()`; `runOnce()` runs one
 * pass and waits for its sends (tests, CLI). One failing entry never stops either.
 */
export function createDispatcher(options: DispatcherOptions) {
  const {
    entries: Entries,
    sent: Sent,
    claims: Claims,
    attempts: Attempts,
  } = outboxModels(options.connection);
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
  // half of that, because waits are estimates. Also how old a candidate list may get.
  const claimBudgetMs = (leaseMs - sendTimeoutMs) / 2;
  // While more than this is left of a lease, no other instance can hold it (allowing for
  // clock skew up to this much), so the holder's writes need no fence in the filter.
  const leaseMarginMs = Math.min(5000, leaseMs / 10);
  const log = options.logger.child({ component: 'outbox', instance: instanceId });
  const attemptWrites = recentDurations();
  const limiter = createRateLimiter({
    clock,
    limits: options.limits,
    leadMs: attemptWrites.expectedMs,
    ...(options.shareRate === false
      ? {}
      : { shareWith: { connection: options.connection, instanceId, logger: log } }),
  });

  /** Entries this instance holds, by id. */
  const held = new Map<string, Claim>();
  /** Entries whose token a rival won: skipped until its lease could have run out. */
  const heldElsewhere = new Map<string, { attempts: number; until: number }>();
  /** Sent (their copy is in `outbox_sent`) and still to be deleted from `outbox`. */
  let toRemove: Types.ObjectId[] = [];
  /** Tokens of settled entries, deleted once no rival's candidate list can still show the entry. */
  let tokensToDelete: Array<{ ids: string[]; attempts: string[]; after: number }> = [];
  let settledTokens: string[] = [];
  let settledAttempts: string[] = [];

  const adapterFor = (channel: ChannelName): ChannelAdapter | undefined =>
    typeof options.adapters === 'function' ? options.adapters(channel) : options.adapters.get(channel);

  const describe = (claim: Claim) => ({
    entryId: claim.id,
    key: claim.record.key,
    channel: claim.record.address.channel,
    purpose: claim.record.purpose,
    attempt: claim.generation,
  });

  const tokenId = (id: string, generation: number) => `${id}:${generation}`;
  const attemptId = (id: string, part: number, generation: number) => `${id}:${part}:${generation}`;

  /** This holder is done with its generations of the entry: their tokens may go, later. */
  const releaseTokens = (claim: Claim) => {
    held.delete(claim.id);
    const first = claim.record.attempts + 1;
    for (let generation = first; generation <= claim.generation; generation++)
      settledTokens.push(tokenId(claim.id, generation));
    settledAttempts.push(...claim.attemptIds);
    claim.attemptIds = [];
  };

  /**
   * A write by the lease holder; it also consumes the holder's generation (`attempts`).
   * While the lease has time left nobody else can hold the entry, so the filter is the bare
   * _id: on FerretDB that is the only filter served without decoding every document. Near
   * or past expiry the write is fenced: it lands only if no later generation wrote first.
   */
  const holderUpdate = async (claim: Claim, set: Partial<OutboxRecord>): Promise<boolean> => {
    const safe = clock.now().getTime() < claim.leaseUntil - leaseMarginMs;
    const filter = safe
      ? { _id: claim.record._id }
      : { _id: claim.record._id, attempts: trusted({ $lt: claim.generation }) };
    const result = await Entries.updateOne(filter, { $set: { ...set, attempts: claim.generation } });
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

  const insertToken = async (id: string, generation: number, now: number): Promise<boolean> => {
    try {
      // The driver's insert, not the model's: a token is ours, needs no casting, and this is
      // the hottest write there is.
      await Claims.collection.insertOne({
        _id: tokenId(id, generation),
        owner: instanceId,
        createdAt: new Date(now),
        leaseUntil: new Date(now + leaseMs),
      } as unknown as OutboxClaimRecord & { _id: never });
      return true;
    } catch (error) {
      if (isDuplicateKey(error)) return false;
      throw error;
    }
  };

  /** Wins the next generation's token for this entry, or returns undefined if a rival holds it. */
  const takeToken = async (candidate: OutboxRecord, id: string): Promise<number | undefined> => {
    const now = clock.now().getTime();
    const first = candidate.attempts + 1;
    if (await insertToken(id, first, now)) return first;
    // Nearly always a rival claimed it a moment ago: leave it alone for a lease. Only an
    // entry overdue by more than a lease, or one seen held that long, can be stuck behind
    // a holder that died; walk its tokens (holders extend a lease by taking the next one).
    const known = heldElsewhere.get(id);
    const seenLongEnough = known !== undefined && known.attempts === candidate.attempts;
    if (!seenLongEnough && candidate.nextAttemptAt.getTime() > now - leaseMs) {
      heldElsewhere.set(id, { attempts: candidate.attempts, until: now + leaseMs });
      return undefined;
    }
    for (let generation = first; generation < first + 10; generation++) {
      if (generation > first && (await insertToken(id, generation, now))) {
        heldElsewhere.delete(id);
        return generation;
      }
      const token = await Claims.findById(tokenId(id, generation), { leaseUntil: 1 }).lean();
      // Missing: purged, or the insert above lost to a rival that is taking it over right now.
      if (!token) continue;
      if (token.leaseUntil.getTime() > now) {
        heldElsewhere.set(id, { attempts: candidate.attempts, until: token.leaseUntil.getTime() });
        return undefined;
      }
    }
    return undefined;
  };

  const claimOne = async (candidate: OutboxRecord): Promise<Claim | undefined> => {
    const id = String(candidate._id);
    const generation = await takeToken(candidate, id);
    if (generation === undefined) return undefined;
    // Skipping a generation means its holder's lease ran out: it died or hung while sending.
    // ('sending' is what entries written before claims were token-only say while held.)
    const reclaimed = generation > candidate.attempts + 1 || candidate.status === 'sending';
    const failures = candidate.failures + (reclaimed ? 1 : 0);
    const claim: Claim = {
      record: candidate,
      id,
      generation,
      leaseUntil: clock.now().getTime() + leaseMs,
      failures,
      throttles: candidate.throttles,
      partsSent: candidate.partsSent,
      reclaimed,
      firstGeneration: generation,
      attemptIds: [],
    };
    held.set(id, claim);
    if (reclaimed) {
      options.metrics?.failures.inc({ channel: candidate.address.channel, kind: 'lease_expired' });
      log.warn(describe(claim), 'Took over an entry whose lease expired; it may have been delivered already');
      if (failures >= maxAttempts) {
        await deadLetter(claim, `lease expired ${failures} times: the sending process stopped or hung`);
        return undefined;
      }
    }
    return claim;
  };

  /** Entries a candidate query need not return: held here, just sent, or held by a rival. */
  const excluded = (now: number): Types.ObjectId[] => {
    for (const [id, known] of heldElsewhere) if (known.until <= now) heldElsewhere.delete(id);
    const ids = [...held.values()].map((claim) => claim.record._id);
    ids.push(...toRemove);
    for (const id of heldElsewhere.keys()) ids.push(new Types.ObjectId(id));
    return ids;
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
    const readAt = clock.now();
    const candidateLimit = max * 2 + 20;
    const skip = excluded(readAt.getTime());
    const candidates = await Entries.find({
      status: trusted({ $in: ['pending', 'sending'] }),
      nextAttemptAt: trusted({ $lte: readAt }),
      'address.channel': trusted({ $in: channels }),
      ...(skip.length > 0 ? { _id: trusted({ $nin: skip }) } : {}),
    })
      .sort({ priority: 1, nextAttemptAt: 1, _id: 1 })
      .limit(candidateLimit)
      .lean<OutboxRecord[]>();
    if (candidates.length === candidateLimit) limited = true;
    for (const candidate of candidates) {
      if (stopping) break;
      if (tasks.length >= max) {
        limited = true;
        break;
      }
      // Tokens of sent entries are deleted a lease after they left `outbox`; a list this old
      // could show one of them, so read a fresh list instead.
      if (clock.now().getTime() - readAt.getTime() > claimBudgetMs) {
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

  /**
   * Deletes sent entries from `outbox` in one statement (on the embedded engine one delete
   * costs about as much as fifty by `_id`), and tokens whose entries settled a lease ago.
   */
  const flushSettled = async (): Promise<void> => {
    const now = clock.now().getTime();
    if (toRemove.length > 0) {
      const ids = toRemove;
      toRemove = [];
      try {
        await Entries.deleteMany({ _id: trusted({ $in: ids }) });
      } catch (error) {
        toRemove.push(...ids);
        throw error;
      }
    }
    if (settledTokens.length > 0 || settledAttempts.length > 0) {
      tokensToDelete.push({ ids: settledTokens, attempts: settledAttempts, after: now + leaseMs });
      settledTokens = [];
      settledAttempts = [];
    }
    const due = tokensToDelete.filter((batch) => batch.after <= now);
    if (due.length === 0) return;
    tokensToDelete = tokensToDelete.filter((batch) => batch.after > now);
    try {
      const tokens = due.flatMap((batch) => batch.ids);
      const attempts = due.flatMap((batch) => batch.attempts);
      if (tokens.length > 0) await Claims.deleteMany({ _id: trusted({ $in: tokens }) });
      if (attempts.length > 0) await Attempts.deleteMany({ _id: trusted({ $in: attempts }) });
    } catch (error) {
      tokensToDelete.push(...due);
      throw error;
    }
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
      const resumeAt = claim.partsSent;
      // A dead holder may have sent it: read that before waiting for a slot (a slot held
      // through these reads of the whole collection would often come and go unused).
      if (claim.reclaimed) {
        if (await deliveredMeanwhile(claim)) return;
        if (await sentByDeadHolder(claim, parts.length)) return;
      }
      for (let part = resumeAt; part < parts.length; part++) {
        if (stopping) return await release(claim);
        // A slot, then the record that this request is about to go, then the request on the
        // slot's time. The record is written as late as recent writes allow: a crash after it
        // and before the request leaves an entry nobody may send again (outcome unknown). A
        // slot whose time passed meanwhile (a very slow database) is left unused (it still
        // counts) and another is awaited.
        let slot: SendSlot | undefined;
        let attempted = false;
        while (!slot) {
          let granted: SendSlot;
          try {
            // Its attempt record written, a send that lost its slot goes first: while it
            // waits, a crash would leave an entry nobody may send.
            granted = await limiter.acquire(
              address.channel,
              address.conversationId,
              attempted ? -Infinity : claim.record.priority,
            );
          } catch (error) {
            if (error instanceof LimiterCancelledError) return await release(claim);
            throw error;
          }
          if (!(await keepLease(claim))) return;
          if (!attempted) {
            if (!(await granted.due(attemptWrites.expectedMs()))) continue;
            const writing = clock.now().getTime();
            if (!(await recordAttempt(claim, part))) return;
            attemptWrites.took(clock.now().getTime() - writing);
            attempted = true;
          }
          if (await granted.due()) slot = granted;
        }
        let result: SendResult;
        try {
          // What the outbox knows of this send, for adapters that choose how to send by it.
          const delivery = {
            key: claim.record.key,
            purpose: claim.record.purpose,
            part,
            parts: parts.length,
          };
          result = await sendWithTimeout(adapter, address, { ...parts[part]!, delivery }, slot);
        } catch (error) {
          return await handleFailure(claim, error);
        }
        platformMessageId = result.platformMessageId ?? platformMessageId;
        if (part < parts.length - 1 && !(await recordPart(claim, part + 1, platformMessageId))) return;
      }
      await markSent(claim, platformMessageId, parts.length);
    } catch (error) {
      // A database error before a send or while settling a failed one: the lease runs out
      // and another claim decides (a send that went out is recorded by `persist`, not here).
      held.delete(claim.id);
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
    slot: SendSlot,
  ): Promise<SendResult> => {
    const sending = Promise.resolve().then(() => {
      slot.started();
      return adapter.send(address, message);
    });
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

  /**
   * Extends the lease when the send could outlive it, by winning the next generation's
   * token (an insert: nobody can hold that one while our lease runs, and after it we win
   * only if nobody took over). False when another instance has the entry.
   */
  const keepLease = async (claim: Claim): Promise<boolean> => {
    const now = clock.now().getTime();
    if (now + sendTimeoutMs + leaseMarginMs <= claim.leaseUntil) return true;
    if (!(await insertToken(claim.id, claim.generation + 1, now))) {
      held.delete(claim.id);
      log.warn(describe(claim), 'Lost the lease before sending; another instance has the entry');
      return false;
    }
    claim.generation++;
    claim.leaseUntil = now + leaseMs;
    return true;
  };

  /** For a reclaimed entry: did its previous holder record the delivery after all? */
  const deliveredMeanwhile = async (claim: Claim): Promise<boolean> => {
    const sent = await Sent.findById(claim.record._id, { _id: 1 }).lean();
    if (!sent) return false;
    releaseTokens(claim);
    toRemove.push(claim.record._id);
    return true;
  };

  /**
   * For a reclaimed entry with no sent copy: did a holder that died send (part of) it? Its
   * attempt record says a request was about to go out and nothing says how it ended. The
   * platforms have no idempotency key, so sending again could reach the owner twice: the
   * entry is dead-lettered instead (at-most-once when the outcome is unknown).
   */
  const sentByDeadHolder = async (claim: Claim, parts: number): Promise<boolean> => {
    const ids: string[] = [];
    for (let generation = claim.record.attempts + 1; generation < claim.firstGeneration; generation++)
      for (let part = claim.partsSent; part < parts; part++) ids.push(attemptId(claim.id, part, generation));
    if (ids.length === 0) return false;
    const found = await Attempts.find({ _id: trusted({ $in: ids }) }, { _id: 1, part: 1 }).lean();
    if (found.length === 0) return false;
    claim.attemptIds.push(...found.map((attempt) => attempt._id));
    options.metrics?.failures.inc({ channel: claim.record.address.channel, kind: 'outcome_unknown' });
    log.warn(
      { ...describe(claim), part: Math.min(...found.map((attempt) => attempt.part)) },
      'The process sending this entry stopped during the send; not sent again (the owner may or may not have it)',
    );
    await deadLetter(claim, OUTCOME_UNKNOWN_REASON, { outcomeUnknown: true });
    return true;
  };

  /**
   * Retries a write that must land, because it records a send that went out or is about to,
   * with backoff until it does or `stop()` gave up waiting. Losing it would mean a resend
   * (or, for an attempt, a send refused for nothing). The entry stays in `held` meanwhile,
   * so this instance never claims it again; an instance that takes it over after the lease
   * finds the attempt record and does not send either. False: stopped first.
   */
  const persist = async (claim: Claim, what: string, write: () => Promise<void>): Promise<boolean> => {
    for (let tries = 1; ; tries++) {
      try {
        await write();
        if (tries > 1) log.info({ ...describe(claim), what, tries }, 'Outbox record written after retries');
        return true;
      } catch (error) {
        if (halted) {
          held.delete(claim.id);
          log.error(
            { err: error, ...describe(claim), what },
            'Stopped before an outbox record could be written; the next holder will not send this entry again',
          );
          return false;
        }
        if (tries === 1 || tries % 20 === 0)
          log.error(
            { err: error, ...describe(claim), what, tries },
            'Could not write an outbox record; retrying until the database answers',
          );
        const waitMs = Math.min(PERSIST_RETRY.maxMs, PERSIST_RETRY.baseMs * 2 ** (tries - 1));
        await new Promise((resolve) => setTimeout(resolve, waitMs).unref());
      }
    }
  };

  /** Inserts the record that a request for this part is about to go out (see `sentByDeadHolder`). */
  const recordAttempt = (claim: Claim, part: number): Promise<boolean> => {
    const attempt: OutboxAttemptRecord = {
      _id: attemptId(claim.id, part, claim.generation),
      entryId: claim.id,
      part,
      generation: claim.generation,
      owner: instanceId,
      createdAt: clock.now(),
    };
    claim.attemptIds.push(attempt._id);
    return persist(claim, 'attempt', async () => {
      try {
        await Attempts.collection.insertOne(attempt as unknown as OutboxAttemptRecord & { _id: never });
      } catch (error) {
        // Only this holder writes its generation's ids: an earlier try landed after all.
        if (!isDuplicateKey(error)) throw error;
      }
    });
  };

  /**
   * Records a delivered part of a split message. Not a holder write: the generation stays
   * unsettled (`attempts` unchanged), so rivals still wait out this lease.
   */
  const recordPart = (claim: Claim, partsSent: number, platformMessageId: string | undefined) => {
    claim.partsSent = partsSent;
    return persist(claim, 'part', async () => {
      await Entries.updateOne(
        { _id: claim.record._id },
        { $set: { partsSent, platformMessageId: platformMessageId ?? '' } },
      );
    });
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
      nextAttemptAt: now,
    };
    const record: OutboxRecord = {
      ...claim.record,
      ...sent,
      attempts: claim.generation,
      failures: claim.failures,
      throttles: claim.throttles,
    };
    delete (record as Partial<Record<'leaseOwner' | 'leaseUntil', unknown>>).leaseOwner;
    delete (record as Partial<Record<'leaseOwner' | 'leaseUntil', unknown>>).leaseUntil;
    let first = true;
    let tries = 0;
    // The acknowledgement: one insert, its _id the entry's, so it is recorded once. The
    // platform has the message, so it is retried until it lands, through a database outage.
    const recorded = await persist(claim, 'delivery', async () => {
      tries++;
      try {
        await Sent.collection.insertOne(record);
      } catch (error) {
        if (!isDuplicateKey(error)) throw error;
        // After a failed try the copy may be our own, written though its answer was lost.
        first =
          tries > 1 &&
          (await Sent.findById(claim.record._id, { attempts: 1 }).lean())?.attempts === claim.generation;
      }
    });
    if (!recorded) return;
    releaseTokens(claim);
    toRemove.push(claim.record._id);
    options.metrics?.sent.inc({ channel: claim.record.address.channel });
    if (!first) {
      // Our lease ran out, another instance took the entry over and delivered it too.
      log.warn(describe(claim), 'Delivered after another instance already had; the owner got it twice');
      return;
    }
    await notify(options.onSent, {
      entry: entryAfter(claim, sent),
      ...(platformMessageId !== undefined ? { platformMessageId } : {}),
    });
  };

  const release = async (claim: Claim): Promise<void> => {
    releaseTokens(claim);
    await holderUpdate(claim, {
      status: 'pending',
      nextAttemptAt: clock.now(),
      partsSent: claim.partsSent,
    });
  };

  const handleFailure = async (claim: Claim, error: unknown): Promise<void> => {
    const failure = classifySendFailure(error);
    const channel = claim.record.address.channel;
    const now = clock.now().getTime();
    options.metrics?.failures.inc({ channel, kind: failure.kind });
    // No request to this channel before the platform's wait is over, from any send of ours.
    if (failure.retryAfterMs !== undefined && failure.pausesChannel !== false)
      limiter.pause(channel, new Date(now + failure.retryAfterMs));
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
    releaseTokens(claim);
    const stillHeld = await holderUpdate(claim, {
      status: 'pending',
      failures: claim.failures,
      throttles: claim.throttles,
      nextAttemptAt: new Date(now + delayMs),
      lastError: failure.reason,
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
    details: { kind?: FailureKind; status?: number; outcomeUnknown?: boolean } = {},
  ): Promise<void> => {
    const now = clock.now();
    const dead = {
      status: 'dead' as const,
      failures: claim.failures,
      throttles: claim.throttles,
      deadReason: reason,
      lastError: reason,
      deadAt: now,
      nextAttemptAt: now,
      partsSent: claim.partsSent,
    };
    releaseTokens(claim);
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
  /** Set once `stop()` is done waiting: writes still being retried give up. */
  let halted = false;
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

  /** Batches deletes: at most one per second, or once 20 sent entries wait for theirs. */
  let removeSince: number | undefined;
  const flushDue = (now: number): boolean => {
    if (toRemove.length === 0) removeSince = undefined;
    else removeSince ??= now;
    return (
      toRemove.length >= 20 ||
      (removeSince !== undefined && now - removeSince >= 1000) ||
      tokensToDelete.some((batch) => batch.after <= now) ||
      ((settledTokens.length > 0 || settledAttempts.length > 0) && toRemove.length === 0)
    );
  };
  const flushQuietly = async () => {
    try {
      await flushSettled();
      removeSince = undefined;
    } catch (error) {
      log.error({ err: error }, 'Could not delete sent outbox entries; retried on the next pass');
    }
  };

  const loop = async () => {
    let consecutiveErrors = 0;
    let lastPurge = clock.now().getTime();
    while (running) {
      let limited = false;
      try {
        if (flushDue(clock.now().getTime())) await flushQuietly();
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
      halted = false;
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
      halted = true;
      if (timedOut)
        log.warn({ inFlight: active.size }, 'Stopped with sends still in flight; their leases will expire');
      await flushQuietly();
      stopping = false;
    },

    /** One claim pass; resolves with the number of entries claimed once all of them are settled. */
    async runOnce(): Promise<number> {
      const { tasks } = await claimAndStart(Math.max(0, batchSize - active.size));
      await Promise.all(tasks);
      await flushQuietly();
      return tasks.length;
    },

    /** Asks for a claim pass now (call after enqueueing a reply); otherwise passes run every `pollIntervalMs`. */
    wake,

    instanceId,
  };
}

export type Dispatcher = ReturnType<typeof createDispatcher>;
