import { Types, type Model } from 'mongoose';
import { CHANNEL_NAMES, type ChannelName } from '../channels/types';
import type { Clock } from '../clock';
import { insertBatched } from '../database/insert-batches';
import { castForInsert } from '../database/cast-for-insert';
import { AppError } from '../errors';
import type { OutboxMetrics } from './outbox-metrics';
import {
  OUTBOX_PURPOSES,
  PURPOSE_PRIORITY,
  URGENT_PRIORITY,
  type OutboxMessage,
  type OutboxRecord,
} from './outbox-model';

export interface EnqueueInput extends OutboxMessage {
  /** Not sent before this time (a return visit due tomorrow morning). */
  notBefore?: Date;
  /** Sent ahead of everything else queued (an emergency's reply and escalation). */
  urgent?: boolean;
  /** Already on its case (written as the case was opened): not to be kept there again. */
  keptOnCase?: boolean;
}

/** What enqueue did: the entry's id, and whether this call created it (false: the key was taken). */
export interface EnqueueResult {
  id: string;
  created: boolean;
}

/** What an entry sent as it was queued is stored with. */
export type SentAtOnce = Pick<
  OutboxRecord,
  'status' | 'holder' | 'generation' | 'sentAt' | 'platformMessageId' | 'partsSent'
>;

/**
 * A dispatcher that sends some entries itself as they are queued (the web chat, whose send
 * is a write to our own database that keeps each delivery once): they are sent first and
 * stored as sent.
 */
export interface LocalSender {
  sendsAtOnce(channel: ChannelName): boolean;
  /** Sends the entry; how to record it as sent, or undefined when the send failed. */
  send(record: OutboxRecord): Promise<SentAtOnce | undefined>;
  /** Told of each entry it sent once that entry is stored (not for a key taken already). */
  stored(record: OutboxRecord): Promise<void>;
}

/** Lookups of taken keys run this many at once (each is one indexed read). */
const LOOKUPS_AT_ONCE = 20;
/** A taken key whose entry is gone by the time it is read was just purged: insert again, this often. */
const INSERT_ROUNDS = 3;

function entryRecord(input: EnqueueInput, now: Date) {
  const notBefore = input.notBefore ?? now;
  return {
    _id: new Types.ObjectId(),
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
    priority: input.urgent ? URGENT_PRIORITY : PURPOSE_PRIORITY[input.purpose],
    ownerId: input.ownerId ?? '',
    caseId: input.caseId ?? '',
    status: 'pending',
    notBefore,
    nextAttemptAt: notBefore,
    createdAt: now,
  };
}

/**
 * Sends what `sender` sends at once (due now, on its local channels) and marks those
 * records sent: one conversation's entries one after another, in the order given.
 */
async function sendAtOnce(sender: LocalSender | undefined, records: OutboxRecord[], now: Date) {
  const byConversation = new Map<string, OutboxRecord[]>();
  for (const record of records) {
    if (!sender || record.notBefore > now || !sender.sendsAtOnce(record.address.channel)) continue;
    const conversation = `${record.address.channel}:${record.address.conversationId}`;
    const queue = byConversation.get(conversation);
    if (queue) queue.push(record);
    else byConversation.set(conversation, [record]);
  }
  await Promise.all(
    [...byConversation.values()].map(async (queue) => {
      for (const record of queue) Object.assign(record, await sender!.send(record));
    }),
  );
}

/**
 * One insert of `inputs` (after `sender` sent those it sends at once): the records that went
 * in, and the inputs whose key was taken.
 */
async function store(
  entries: Model<OutboxRecord>,
  sender: LocalSender | undefined,
  inputs: EnqueueInput[],
  now: Date,
): Promise<{ inserted: OutboxRecord[]; taken: EnqueueInput[] }> {
  const records = (await Promise.all(
    inputs.map((input) => castForInsert(entries, entryRecord(input, now))),
  )) as unknown as OutboxRecord[];
  await sendAtOnce(sender, records, now);
  const went = await insertBatched(entries, records as unknown as Record<string, unknown>[]);
  const inserted = records.filter((_, i) => went[i]);
  await Promise.all(
    inserted.filter((record) => record.status === 'sent').map((record) => sender!.stored(record)),
  );
  return { inserted, taken: inputs.filter((_, i) => !went[i]) };
}

/** The ids of the entries holding these keys; undefined for a key whose entry is gone. */
async function idsOfKeys(entries: Model<OutboxRecord>, keys: string[]): Promise<Array<string | undefined>> {
  const ids: Array<string | undefined> = [];
  // One equality read per key: the index answers each, whatever the collection's size.
  for (let start = 0; start < keys.length; start += LOOKUPS_AT_ONCE) {
    const found = await Promise.all(
      keys.slice(start, start + LOOKUPS_AT_ONCE).map((key) => entries.findOne({ key }, { _id: 1 }).lean()),
    );
    ids.push(...found.map((record) => (record ? String(record._id) : undefined)));
  }
  return ids;
}

/**
 * Enqueueing: one unordered insert for a whole batch. The unique key lets exactly one
 * insert of a key win, however many instances enqueue it at once; a duplicate key means
 * the key is queued (or was sent) already, and its entry is returned instead.
 */
export function createEnqueue(deps: { entries: Model<OutboxRecord>; clock: Clock; metrics?: OutboxMetrics }) {
  let localSender: LocalSender | undefined;
  // Idempotency is the unique index on `key`; on a fresh database it is still being built
  // when the first messages are queued, so wait for it once.
  let indexes: Promise<unknown> | undefined;
  const indexesReady = () =>
    (indexes ??= deps.entries.init().catch((error: unknown) => {
      indexes = undefined;
      throw error;
    }));

  /** Each distinct key once: inserted, or found taken. */
  const insertOrFind = async (inputs: EnqueueInput[], now: Date): Promise<Map<string, EnqueueResult>> => {
    const results = new Map<string, EnqueueResult>();
    let left = inputs;
    for (let round = 0; left.length > 0 && round < INSERT_ROUNDS; round++) {
      const { inserted, taken } = await store(deps.entries, localSender, left, now);
      for (const record of inserted) results.set(record.key, { id: String(record._id), created: true });
      const ids = await idsOfKeys(
        deps.entries,
        taken.map((input) => input.key),
      );
      taken.forEach((input, i) => {
        if (ids[i]) results.set(input.key, { id: ids[i], created: false });
      });
      left = taken.filter((input) => !results.has(input.key));
    }
    if (left.length > 0)
      throw new AppError('outbox_enqueue_conflict', `Keys taken and freed again meanwhile: ${left.length}`);
    return results;
  };

  /**
   * Enqueues many messages in one insert (a campaign queues thousands): each exactly once
   * per key, as `enqueue`. Results are in input order; a key repeated within one call is
   * one entry, created (at most) by its first mention.
   */
  const enqueueMany = async (inputs: readonly EnqueueInput[]): Promise<EnqueueResult[]> => {
    for (const input of inputs) assertValidInput(input);
    if (inputs.length === 0) return [];
    await indexesReady();
    const seen = new Set<string>();
    const unique = inputs.filter((input) => !seen.has(input.key) && seen.add(input.key));
    const byKey = await insertOrFind(unique, deps.clock.now());
    const answered = new Set<string>();
    return inputs.map((input) => {
      const result = byKey.get(input.key)!;
      const first = !answered.has(input.key);
      answered.add(input.key);
      deps.metrics?.enqueued.inc({
        purpose: input.purpose,
        result: first && result.created ? 'created' : 'duplicate',
      });
      return first ? result : { ...result, created: false };
    });
  };

  /** Stores a message to send under its idempotency key (a second enqueue of the key is a no-op). */
  const enqueue = async (input: EnqueueInput): Promise<EnqueueResult> => (await enqueueMany([input]))[0]!;

  /** Lets `sender` send entries as they are queued, until the returned function is called (it stops). */
  const sendLocallyWith = (sender: LocalSender): (() => void) => {
    localSender = sender;
    return () => {
      if (localSender === sender) localSender = undefined;
    };
  };

  return { enqueue, enqueueMany, sendLocallyWith };
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
