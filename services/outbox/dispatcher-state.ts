import type { Connection, Model } from 'mongoose';
import type { ChannelAdapter, ChannelName } from '../channels/types';
import type { Clock } from '../clock';
import { AppError } from '../errors';
import type { Logger } from '../logging/logger';
import type { Outbox } from './outbox';
import type { OutboxMetrics } from './outbox-metrics';
import { outboxModels, type OutboxAttemptRecord, type OutboxEntry, type OutboxRecord } from './outbox-model';
import { createRateLimiter, type ChannelLimit, type RateLimiter } from './rate-limiter';
import type { FailureKind } from './send-failure';
import { newInstanceId } from '../instance-id';

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

/** A won claim: the entry as claimed plus what this holder has done with it since. */
export interface Claim {
  record: OutboxRecord;
  id: string;
  /** This holder's generation: its writes to the entry require it. */
  generation: number;
  leaseUntil: number;
  failures: number;
  throttles: number;
  partsSent: number;
  /** Taken over from a holder whose lease ran out: that holder may have sent it already. */
  reclaimed: boolean;
}

/**
 * How long an attempt record takes to write, lately: the longest of the last 64, plus a
 * little. A write slower than this makes its send miss its slot (on a shared schedule the
 * slot is then lost), and a busy database's writes have a long tail: the longest of the
 * last 16 missed one slot in 16.
 */
function recentDurations(keep = 64, spareMs = 10) {
  const last: number[] = [];
  return {
    took(ms: number) {
      last.push(ms);
      if (last.length > keep) last.shift();
    },
    expectedMs: () => (last.length === 0 ? 50 : Math.max(...last)) + spareMs,
  };
}

/**
 * What the dispatcher's modules share: its settings with their defaults, the storage, the
 * rate limiter, the entries this instance holds and whether it is stopping.
 */
export interface DispatcherState {
  readonly options: DispatcherOptions;
  readonly clock: Clock;
  readonly instanceId: string;
  readonly log: Logger;
  readonly entries: Model<OutboxRecord>;
  readonly attempts: Model<OutboxAttemptRecord>;
  readonly limiter: RateLimiter;
  readonly attemptWrites: ReturnType<typeof recentDurations>;
  readonly leaseMs: number;
  readonly sendTimeoutMs: number;
  /** While more than this is left of a lease, no other instance can hold it, allowing for clock skew. */
  readonly leaseMarginMs: number;
  /** A claimed entry must reach its send within this, so that the send ends within the lease. */
  readonly claimBudgetMs: number;
  readonly maxAttempts: number;
  readonly maxThrottles: number;
  readonly batchSize: number;
  /** Entries this instance holds, by id: never claimed again while here. */
  readonly held: Map<string, Claim>;
  /** Claiming has stopped; sends still waiting for a slot hand their entries back. */
  stopping: boolean;
  /** `stop()` is done waiting: writes still being retried give up. */
  halted: boolean;
}

export function createDispatcherState(options: DispatcherOptions): DispatcherState {
  const { entries, attempts } = outboxModels(options.connection);
  const leaseMs = options.leaseMs ?? 60_000;
  const sendTimeoutMs = options.sendTimeoutMs ?? Math.round(leaseMs / 3);
  if (!(sendTimeoutMs > 0 && sendTimeoutMs < leaseMs))
    throw new AppError('outbox_config_invalid', 'sendTimeoutMs must be positive and shorter than leaseMs');
  const instanceId = options.instanceId ?? newInstanceId();
  const log = options.logger.child({ component: 'outbox', instance: instanceId });
  const attemptWrites = recentDurations();
  const limiter = createRateLimiter({
    clock: options.clock,
    limits: options.limits,
    leadMs: attemptWrites.expectedMs,
    ...(options.shareRate === false
      ? {}
      : { shareWith: { connection: options.connection, instanceId, logger: log } }),
  });
  return {
    options,
    clock: options.clock,
    instanceId,
    log,
    entries,
    attempts,
    limiter,
    attemptWrites,
    leaseMs,
    sendTimeoutMs,
    leaseMarginMs: Math.min(5000, leaseMs / 10),
    // Half of what is left after the send, because waits for a slot are estimates.
    claimBudgetMs: (leaseMs - sendTimeoutMs) / 2,
    maxAttempts: options.maxAttempts ?? 8,
    maxThrottles: options.maxThrottles ?? 50,
    batchSize: options.batchSize ?? 100,
    held: new Map(),
    stopping: false,
    halted: false,
  };
}

export const adapterFor = (state: DispatcherState, channel: ChannelName): ChannelAdapter | undefined =>
  typeof state.options.adapters === 'function'
    ? state.options.adapters(channel)
    : state.options.adapters.get(channel);

/** What a log line says about an entry: ids and routing, never the text. */
export const describe = (claim: Claim) => ({
  entryId: claim.id,
  key: claim.record.key,
  channel: claim.record.address.channel,
  purpose: claim.record.purpose,
  generation: claim.generation,
});

/** The filter of a holder's write: it lands only while the entry is still this holder's generation. */
export const heldBy = (state: DispatcherState, claim: Claim) => ({
  _id: claim.record._id,
  holder: state.instanceId,
  generation: claim.generation,
});
