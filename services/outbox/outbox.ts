import { Types, type Connection } from 'mongoose';
import { CHANNEL_NAMES, type Address, type OutboundMessage } from '../channels/types';
import type { Clock } from '../clock';
import { trusted } from '../database/connect';
import { insertEach } from '../database/model';
import { AppError } from '../errors';
import type { OutboxMetrics } from './outbox-metrics';
import {
  OUTBOX_PURPOSES,
  PURPOSE_PRIORITY,
  outboxModels,
  toOutboxEntry,
  type OutboxEntry,
  type OutboxPurpose,
  type OutboxRecord,
} from './outbox-model';

export interface EnqueueInput {
  /** Idempotency key, e.g. `reply:<messageId>`, `survey:2026Q4:<ownerId>`. No personal data: it is logged. */
  key: string;
  address: Address;
  message: OutboundMessage;
  purpose: OutboxPurpose;
  ownerId?: string;
  caseId?: string;
  /** Not sent before this time (a return visit due tomorrow morning). */
  notBefore?: Date;
}

/** What enqueue did: the entry's id, and whether this call created it (false: the key was taken). */
export interface EnqueueResult {
  id: string;
  created: boolean;
}

export interface OutboxStats {
  pending: number;
  /** Pending entries already due: the backlog the dispatchers have not reached yet. */
  due: number;
  sending: number;
  /** Sent entries still retained (see `retention.sentMs`). */
  sent: number;
  dead: number;
  /** How long the most overdue pending entry has been due; 0 when none is. */
  oldestPendingAgeMs: number;
}

export interface OutboxRetention {
  /** How long sent entries stay readable with `get` (default 7 days). */
  sentMs: number;
  /** How long dead letters stay for inspection and `requeue` (default 30 days). */
  deadMs: number;
  /** How long a key stays taken after its entry is gone (default 400 days): the idempotency window. */
  keysMs: number;
}

const DAY = 24 * 60 * 60_000;
export const DEFAULT_RETENTION: OutboxRetention = { sentMs: 7 * DAY, deadMs: 30 * DAY, keysMs: 400 * DAY };
/**
 * Dispatchers delete the tokens and attempt records of settled entries themselves (a lease
 * later); this purge only catches those of a dispatcher that stopped before it could. Those
 * of an entry still waiting in `outbox` stay: they are how the next holder learns that a
 * process died holding it, maybe mid-send (see dispatcher.ts).
 */
const CLAIM_TOKEN_RETENTION_MS = 60 * 60_000;

/**
 * The outbox (DESIGN decision 3): every outbound message is stored under an idempotency key
 * before anything sends it. `enqueue` creates an entry at most once per key, also when
 * several instances enqueue the same key at the same moment; the dispatcher delivers it.
 *
 * Keys live in a ledger (`outbox_keys`, one small document per key) that outlives the
 * entries, and sent entries move to `outbox_sent`, so the `outbox` collection the
 * dispatchers poll holds only entries not sent yet and dead letters. That matters on the
 * embedded engine, where every query and every write by `_id` reads the whole collection.
 */
export function createOutbox(deps: {
  connection: Connection;
  clock: Clock;
  retention?: Partial<OutboxRetention>;
  metrics?: OutboxMetrics;
}) {
  const {
    entries: Entries,
    sent: Sent,
    keys: Keys,
    claims: Claims,
    attempts: Attempts,
  } = outboxModels(deps.connection);
  const retention: OutboxRetention = { ...DEFAULT_RETENTION, ...deps.retention };
  if (retention.keysMs < Math.max(retention.sentMs, retention.deadMs))
    throw new AppError(
      'outbox_retention_invalid',
      'retention.keysMs must be at least retention.sentMs and retention.deadMs, or a purged key could be sent again',
    );

  const entryRecord = (id: Types.ObjectId, input: EnqueueInput, now: Date) => {
    const notBefore = input.notBefore ?? now;
    return {
      _id: id,
      key: input.key,
      address: {
        channel: input.address.channel,
        conversationId: input.address.conversationId,
        threadId: input.address.threadId ?? '',
      },
      message: {
        text: input.message.text,
        language: input.message.language ?? '',
        buttons: input.message.buttons ?? [],
        replyToPlatformMessageId: input.message.replyToPlatformMessageId ?? '',
      },
      purpose: input.purpose,
      priority: PURPOSE_PRIORITY[input.purpose],
      ownerId: input.ownerId ?? '',
      caseId: input.caseId ?? '',
      status: 'pending',
      notBefore,
      nextAttemptAt: notBefore,
      createdAt: now,
    };
  };

  /**
   * Entries for keys some earlier enqueue took, in three reads for the lot (on the embedded
   * engine each read decodes the whole collection, so never one per key).
   */
  const alreadyTaken = async (inputs: EnqueueInput[], now: Date): Promise<EnqueueResult[]> => {
    if (inputs.length === 0) return []; // the usual case: every key was free
    // Once per key: a key repeated in the batch is one entry, created at most once.
    const unique = [...new Map(inputs.map((input) => [input.key, input])).values()];
    const results = new Map<string, EnqueueResult>();
    const found = (records: Array<{ _id: unknown; key: string }>) => {
      for (const record of records) results.set(record.key, { id: String(record._id), created: false });
    };
    const missing = () => unique.filter((input) => !results.has(input.key));
    const keysOf = (some: EnqueueInput[]) => some.map((input) => input.key);
    // Live entries first, then sent ones: a sent entry is written to `outbox_sent` before it
    // leaves `outbox`, so in this order a moving entry is always found in one of them.
    found(await Entries.find({ key: trusted({ $in: keysOf(unique) }) }, { _id: 1, key: 1 }).lean());
    if (missing().length > 0)
      found(await Sent.find({ key: trusted({ $in: keysOf(missing()) }) }, { _id: 1, key: 1 }).lean());
    const orphans = missing();
    if (orphans.length > 0) {
      const ledgers = new Map(
        (await Keys.find({ _id: trusted({ $in: keysOf(orphans) }) }).lean()).map((ledger) => [
          ledger._id,
          ledger,
        ]),
      );
      // The key is taken but its entry is missing. If the key is younger than any retention,
      // the entry was never written: its enqueue died between the two steps (or is between
      // them right now). Write it under the id the ledger names; the unique _id and key let
      // only one writer succeed. An older key belongs to an entry that was sent and purged.
      const horizon = now.getTime() - Math.min(retention.sentMs, retention.deadMs);
      const repairs: Array<{ input: EnqueueInput; entryId: Types.ObjectId }> = [];
      for (const input of orphans) {
        const ledger = ledgers.get(input.key);
        if (!ledger) continue;
        if (ledger.createdAt.getTime() > horizon) repairs.push({ input, entryId: ledger.entryId });
        else results.set(input.key, { id: String(ledger.entryId), created: false });
      }
      const repaired = await insertEach(
        Entries,
        repairs.map(({ input, entryId }) => entryRecord(entryId, input, now)),
      );
      repairs.forEach(({ input, entryId }, i) =>
        results.set(input.key, { id: String(entryId), created: repaired[i]! }),
      );
      // Purged between our insert and these reads: take those keys again.
      const purged = missing();
      const retaken = await enqueueAll(purged, now);
      purged.forEach((input, i) => results.set(input.key, retaken[i]!));
    }
    const answered = new Set<string>();
    return inputs.map((input) => {
      const result = results.get(input.key)!;
      const first = !answered.has(input.key);
      answered.add(input.key);
      return first ? result : { ...result, created: false };
    });
  };

  /** `enqueueMany` without validation or metrics. */
  const enqueueAll = async (inputs: EnqueueInput[], now: Date): Promise<EnqueueResult[]> => {
    if (inputs.length === 0) return [];
    const ids = inputs.map(() => new Types.ObjectId());
    // Step 1: take the keys. A unique insert is atomic on both engines, so exactly one
    // caller wins each key, however many instances enqueue it at once.
    const tookKey = await insertEach(
      Keys,
      inputs.map((input, i) => ({ _id: input.key, entryId: ids[i], createdAt: now })),
    );
    // Step 2: the entries of the keys taken. If another caller repaired one first (in
    // `alreadyTaken`), it exists already.
    const mine = inputs.flatMap((_, i) => (tookKey[i] ? [i] : []));
    const created = await insertEach(
      Entries,
      mine.map((i) => entryRecord(ids[i]!, inputs[i]!, now)),
    );
    const results: EnqueueResult[] = new Array(inputs.length);
    mine.forEach((i, j) => (results[i] = { id: String(ids[i]), created: created[j]! }));
    const others = inputs.flatMap((_, i) => (tookKey[i] ? [] : [i]));
    const existing = await alreadyTaken(
      others.map((i) => inputs[i]!),
      now,
    );
    others.forEach((i, j) => (results[i] = existing[j]!));
    return results;
  };

  /**
   * Enqueues many messages in a few round trips (a campaign queues thousands): each one
   * exactly once per key, as `enqueue`. Results are in input order. Repeating a key within
   * one call gives one entry.
   */
  const enqueueMany = async (inputs: readonly EnqueueInput[]): Promise<EnqueueResult[]> => {
    for (const input of inputs) assertValidInput(input);
    const results = await enqueueAll([...inputs], deps.clock.now());
    inputs.forEach((input, i) => {
      deps.metrics?.enqueued.inc({
        purpose: input.purpose,
        result: results[i]!.created ? 'created' : 'duplicate',
      });
    });
    return results;
  };

  /** Stores a message to send under its idempotency key (a second enqueue of the key is a no-op). */
  const enqueue = async (input: EnqueueInput): Promise<EnqueueResult> => (await enqueueMany([input]))[0]!;

  /** Deletes claim tokens or attempt records older than an hour, except those of entries still to send. */
  const purgeStale = async (
    model: typeof Claims | typeof Attempts,
    entryOf: (id: string) => string,
  ): Promise<number> => {
    const cutoff = new Date(deps.clock.now().getTime() - CLAIM_TOKEN_RETENTION_MS);
    const stale = await (model as typeof Claims)
      .find({ createdAt: trusted({ $lt: cutoff }) }, { _id: 1 })
      .lean();
    if (stale.length === 0) return 0;
    const live = await Entries.find({ status: trusted({ $in: ['pending', 'sending'] }) }, { _id: 1 }).lean();
    const waiting = new Set(live.map((entry) => String(entry._id)));
    const ids = stale.map((record) => record._id).filter((id) => !waiting.has(entryOf(id)));
    if (ids.length === 0) return 0;
    const result = await (model as typeof Claims).deleteMany({ _id: trusted({ $in: ids }) });
    return result.deletedCount;
  };

  const stats = async (): Promise<OutboxStats> => {
    const now = deps.clock.now();
    const [live, tokens, sent] = await Promise.all([
      Entries.find({}, { status: 1, attempts: 1, nextAttemptAt: 1 }).lean(),
      Claims.find({ leaseUntil: trusted({ $gt: now }) }, { _id: 1 }).lean(),
      Sent.estimatedDocumentCount(),
    ]);
    // A pending entry with a live claim token is being sent (claims do not write the entry).
    const claimed = new Set(tokens.map((token) => token._id.slice(0, token._id.lastIndexOf(':'))));
    const result: OutboxStats = { pending: 0, due: 0, sending: 0, sent, dead: 0, oldestPendingAgeMs: 0 };
    for (const entry of live) {
      if (entry.status === 'dead') result.dead++;
      else if (claimed.has(String(entry._id))) result.sending++;
      else {
        result.pending++;
        const overdueMs = now.getTime() - entry.nextAttemptAt.getTime();
        if (overdueMs >= 0) {
          result.due++;
          result.oldestPendingAgeMs = Math.max(result.oldestPendingAgeMs, overdueMs);
        }
      }
    }
    return result;
  };
  deps.metrics?.trackDepth(stats);

  return {
    enqueue,
    enqueueMany,

    /** The entry for a key; undefined when there is none (or it was sent longer ago than the retention). */
    async get(key: string): Promise<OutboxEntry | undefined> {
      if (typeof key !== 'string') return undefined;
      // A just-sent entry may briefly be in both collections; the sent copy is the newer.
      const [sent, live] = await Promise.all([
        Sent.findOne({ key }).lean<OutboxRecord>(),
        Entries.findOne({ key }).lean<OutboxRecord>(),
      ]);
      const record = sent ?? live;
      return record ? toOutboxEntry(record) : undefined;
    },

    /** Queue depth by status and how far behind the dispatchers are. */
    stats,

    /** Dead letters, newest first, for the operations CLI. */
    async deadLetters(options: { limit?: number } = {}): Promise<OutboxEntry[]> {
      const records = await Entries.find({ status: 'dead' })
        .sort({ deadAt: -1 })
        .limit(options.limit ?? 100)
        .lean<OutboxRecord[]>();
      return records.map(toOutboxEntry);
    },

    /**
     * Gives a dead letter a fresh set of attempts (after the cause was fixed, e.g. the owner
     * unblocked the bot). Returns false when the key is not a dead letter.
     */
    async requeue(key: string): Promise<boolean> {
      if (typeof key !== 'string') return false;
      const now = deps.clock.now();
      const result = await Entries.updateOne(
        { key, status: 'dead' },
        {
          $set: {
            status: 'pending',
            failures: 0,
            throttles: 0,
            nextAttemptAt: now,
            deadReason: '',
            deadAt: null,
          },
        },
      );
      return result.modifiedCount > 0;
    },

    /**
     * Deletes sent entries, dead letters and keys older than their retention, and stale claim
     * tokens. Idempotent; the dispatcher runs it hourly when given this outbox.
     */
    async purge(): Promise<{ sent: number; dead: number; keys: number; claims: number; attempts: number }> {
      const now = deps.clock.now().getTime();
      const before = (ms: number) => trusted({ $lt: new Date(now - ms) });
      const [sent, sentBefore, dead, claims, attempts] = await Promise.all([
        Sent.deleteMany({ sentAt: before(retention.sentMs) }),
        // Sent entries written by versions that kept them in `outbox`.
        Entries.deleteMany({ status: 'sent', sentAt: before(retention.sentMs) }),
        Entries.deleteMany({ status: 'dead', deadAt: before(retention.deadMs) }),
        purgeStale(Claims, (id) => id.slice(0, id.lastIndexOf(':'))),
        purgeStale(Attempts, (id) => id.slice(0, id.indexOf(':'))),
      ]);
      // Keys last: a key may only go once its entry is gone.
      const keys = await Keys.deleteMany({ createdAt: before(retention.keysMs) });
      return {
        sent: sent.deletedCount + sentBefore.deletedCount,
        dead: dead.deletedCount,
        keys: keys.deletedCount,
        claims,
        attempts,
      };
    },
  };
}

export type Outbox = ReturnType<typeof createOutbox>;

export function isDuplicateKey(error: unknown): boolean {
  return (error as { code?: unknown } | null)?.code === 11000;
}

function assertValidInput(input: EnqueueInput): void {
  const problems: string[] = [];
  if (typeof input.key !== 'string' || input.key.length === 0 || input.key.length > 300)
    problems.push('key must be a string of 1-300 characters');
  if (!input.address || !CHANNEL_NAMES.includes(input.address.channel))
    problems.push(`address.channel must be one of ${CHANNEL_NAMES.join(', ')}`);
  if (!input.address || typeof input.address.conversationId !== 'string' || !input.address.conversationId)
    problems.push('address.conversationId must be a non-empty string');
  if (!input.message || typeof input.message.text !== 'string' || input.message.text.length === 0)
    problems.push('message.text must be a non-empty string');
  if (!OUTBOX_PURPOSES.includes(input.purpose))
    problems.push(`purpose must be one of ${OUTBOX_PURPOSES.join(', ')}`);
  if (
    input.notBefore !== undefined &&
    !(input.notBefore instanceof Date && !isNaN(input.notBefore.getTime()))
  )
    problems.push('notBefore must be a valid Date');
  if (problems.length > 0)
    throw new AppError('outbox_invalid_entry', `Cannot enqueue: ${problems.join('; ')}`);
}
