import { modelOn } from '../database/model';
import { Schema, type Connection, type Model, type SchemaDefinition, type Types } from 'mongoose';
import type { Address, ChannelName, OutboundMessage } from '../channels/types';

export const OUTBOX_PURPOSES = [
  'reply',
  'notification',
  'escalation',
  'survey',
  'return_visit',
  'announcement',
  'digest',
] as const;
export type OutboxPurpose = (typeof OUTBOX_PURPOSES)[number];

/**
 * 'sending' is only reported by `stats` (a pending entry with a live claim); entries are
 * never written with it, because a claim is the token alone (see dispatcher.ts).
 */
export type OutboxStatus = 'pending' | 'sending' | 'sent' | 'dead';

/**
 * Claim order: conversation first, so an owner's reply or a staff escalation never waits
 * behind a quarterly survey broadcast to two thousand owners.
 */
export const PURPOSE_PRIORITY: Record<OutboxPurpose, number> = {
  reply: 0,
  escalation: 0,
  notification: 1,
  return_visit: 2,
  survey: 2,
  announcement: 2,
  digest: 2,
};

/** An outbox entry as stored (lean). Optional strings are stored as '' (see DESIGN: sparse is ignored). */
export interface OutboxRecord {
  _id: Types.ObjectId;
  key: string;
  address: { channel: ChannelName; conversationId: string; threadId: string };
  message: {
    text: string;
    language: string;
    buttons: Array<{ label: string; action: string }>;
    replyToPlatformMessageId: string;
  };
  purpose: OutboxPurpose;
  priority: number;
  ownerId: string;
  caseId: string;
  status: OutboxStatus;
  /** Claims so far; also the fencing generation of the current lease (see outbox_claims). */
  attempts: number;
  /** Failed attempts that count towards maxAttempts (errors, timeouts, expired leases). */
  failures: number;
  /** 429 answers that carried a retry-after: the platform asked for patience, not a failure. */
  throttles: number;
  notBefore: Date;
  /** When the entry may next be claimed (its due time, or after a failure its retry time). */
  nextAttemptAt: Date;
  /** Parts of a split message already delivered, so a retry resumes instead of repeating them. */
  partsSent: number;
  lastError: string;
  deadReason: string;
  deadAt: Date | null;
  sentAt: Date | null;
  platformMessageId: string;
  createdAt: Date;
}

/** The idempotency ledger: one tiny document per key ever enqueued, kept far longer than entries. */
export interface OutboxKeyRecord {
  _id: string;
  entryId: Types.ObjectId;
  createdAt: Date;
}

/**
 * A claim token `<entryId>:<generation>`: whoever inserts it owns that generation's lease,
 * which runs until `leaseUntil`. A holder extends its lease by taking the next generation.
 */
export interface OutboxClaimRecord {
  _id: string;
  owner: string;
  createdAt: Date;
  leaseUntil: Date;
}

/**
 * A send about to go out: inserted just before each platform request, `_id`
 * `<entryId>:<part>:<generation>`. A holder that takes over an entry whose lease ran out
 * and finds one of these from the dead holder's generations, with no sent copy, cannot know
 * whether the platform got that request, so it does not send again (see dispatcher.ts).
 */
export interface OutboxAttemptRecord {
  _id: string;
  entryId: string;
  part: number;
  generation: number;
  owner: string;
  createdAt: Date;
}

const entryFields = (): SchemaDefinition<OutboxRecord> => ({
  key: { type: String, required: true, unique: true },
  address: {
    channel: { type: String, required: true },
    conversationId: { type: String, required: true },
    threadId: { type: String, default: '' },
  },
  message: {
    text: { type: String, default: '' },
    language: { type: String, default: '' },
    buttons: {
      type: [new Schema({ label: String, action: String }, { _id: false })],
      default: [],
    },
    replyToPlatformMessageId: { type: String, default: '' },
  },
  purpose: { type: String, required: true, enum: OUTBOX_PURPOSES },
  priority: { type: Number, required: true },
  ownerId: { type: String, default: '' },
  caseId: { type: String, default: '' },
  status: { type: String, required: true, default: 'pending' },
  attempts: { type: Number, default: 0 },
  failures: { type: Number, default: 0 },
  throttles: { type: Number, default: 0 },
  notBefore: { type: Date, required: true },
  nextAttemptAt: { type: Date, required: true },
  partsSent: { type: Number, default: 0 },
  lastError: { type: String, default: '' },
  deadReason: { type: String, default: '' },
  deadAt: { type: Date, default: null },
  sentAt: { type: Date, default: null },
  platformMessageId: { type: String, default: '' },
  createdAt: { type: Date, required: true },
});

const entrySchema = new Schema<OutboxRecord>(entryFields(), { versionKey: false });
// The claim query: live entries that are due, most urgent purpose first, oldest first.
entrySchema.index({ status: 1, priority: 1, nextAttemptAt: 1 });
// Purge of old dead letters.
entrySchema.index({ status: 1, deadAt: 1 });
entrySchema.index({ ownerId: 1, createdAt: -1 });

const sentSchema = new Schema<OutboxRecord>(entryFields(), { versionKey: false });
sentSchema.index({ sentAt: 1 });
sentSchema.index({ ownerId: 1, createdAt: -1 });

const keySchema = new Schema<OutboxKeyRecord>(
  {
    _id: { type: String, required: true },
    entryId: { type: Schema.Types.ObjectId, required: true },
    createdAt: { type: Date, required: true, index: true },
  },
  { versionKey: false },
);

const claimSchema = new Schema<OutboxClaimRecord>(
  {
    _id: { type: String, required: true },
    owner: { type: String, required: true },
    createdAt: { type: Date, required: true, index: true },
    leaseUntil: { type: Date, required: true },
  },
  { versionKey: false },
);

const attemptSchema = new Schema<OutboxAttemptRecord>(
  {
    _id: { type: String, required: true },
    entryId: { type: String, required: true },
    part: { type: Number, required: true },
    generation: { type: Number, required: true },
    owner: { type: String, required: true },
    createdAt: { type: Date, required: true, index: true },
  },
  { versionKey: false },
);

export interface OutboxModels {
  /**
   * `outbox`: entries not sent yet (pending, retrying) and dead letters. The dispatchers poll
   * it, so it is kept small: a sent entry moves to `sent` (the embedded engine reads a whole
   * collection for every query and every write by `_id`, so its cost grows with the size).
   */
  entries: Model<OutboxRecord>;
  /** `outbox_sent`: sent entries, same shape, status 'sent', kept for `retention.sentMs`. */
  sent: Model<OutboxRecord>;
  /** `outbox_keys`: every key ever enqueued (for the key retention), so enqueue stays idempotent. */
  keys: Model<OutboxKeyRecord>;
  /** `outbox_claims`: lease tokens; unique inserts are the one atomic step both engines agree on. */
  claims: Model<OutboxClaimRecord>;
  /** `outbox_attempts`: one record per platform request about to go out; deleted with the claim tokens. */
  attempts: Model<OutboxAttemptRecord>;
}

/** The outbox models on this connection (registered once per connection). */
export function outboxModels(connection: Connection): OutboxModels {
  return {
    entries: modelOn<OutboxRecord>(connection, 'OutboxEntry', entrySchema, 'outbox'),
    sent: modelOn<OutboxRecord>(connection, 'OutboxSentEntry', sentSchema, 'outbox_sent'),
    keys: modelOn<OutboxKeyRecord>(connection, 'OutboxKey', keySchema, 'outbox_keys'),
    claims: modelOn<OutboxClaimRecord>(connection, 'OutboxClaim', claimSchema, 'outbox_claims'),
    attempts: modelOn<OutboxAttemptRecord>(connection, 'OutboxAttempt', attemptSchema, 'outbox_attempts'),
  };
}

/** An entry as services and tests see it: no storage placeholders ('' and epoch become undefined). */
export interface OutboxEntry {
  id: string;
  key: string;
  address: Address;
  message: OutboundMessage;
  purpose: OutboxPurpose;
  ownerId?: string;
  caseId?: string;
  status: OutboxStatus;
  attempts: number;
  failures: number;
  notBefore: Date;
  nextAttemptAt: Date;
  lastError?: string;
  deadReason?: string;
  deadAt?: Date;
  sentAt?: Date;
  platformMessageId?: string;
  createdAt: Date;
}

export function toOutboxEntry(record: OutboxRecord): OutboxEntry {
  const entry: OutboxEntry = {
    id: String(record._id),
    key: record.key,
    address: toAddress(record),
    message: toOutboundMessage(record),
    purpose: record.purpose,
    status: record.status,
    attempts: record.attempts,
    failures: record.failures,
    notBefore: record.notBefore,
    nextAttemptAt: record.nextAttemptAt,
    createdAt: record.createdAt,
  };
  if (record.ownerId) entry.ownerId = record.ownerId;
  if (record.caseId) entry.caseId = record.caseId;
  if (record.lastError) entry.lastError = record.lastError;
  if (record.deadReason) entry.deadReason = record.deadReason;
  if (record.deadAt) entry.deadAt = record.deadAt;
  if (record.sentAt) entry.sentAt = record.sentAt;
  if (record.platformMessageId) entry.platformMessageId = record.platformMessageId;
  return entry;
}

export function toAddress(record: Pick<OutboxRecord, 'address'>): Address {
  const address: Address = {
    channel: record.address.channel,
    conversationId: record.address.conversationId,
  };
  if (record.address.threadId) address.threadId = record.address.threadId;
  return address;
}

export function toOutboundMessage(record: Pick<OutboxRecord, 'message'>): OutboundMessage {
  const stored = record.message;
  const message: OutboundMessage = { text: stored.text };
  if (stored.language === 'zh' || stored.language === 'en') message.language = stored.language;
  if (stored.buttons && stored.buttons.length > 0)
    message.buttons = stored.buttons.map((button) => ({ label: button.label, action: button.action }));
  if (stored.replyToPlatformMessageId) message.replyToPlatformMessageId = stored.replyToPlatformMessageId;
  return message;
}
