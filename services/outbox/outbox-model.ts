import { modelOn } from '../database/model';
import { Schema, type Connection, type Model, type Types } from 'mongoose';
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
 * pending: waiting for its time or a dispatcher; sending: held by a dispatcher's lease;
 * sent: the platform accepted it (kept as the key's record); dead: given up on.
 */
export type OutboxStatus = 'pending' | 'sending' | 'sent' | 'dead';

/**
 * Claim order: conversation first, so an owner's reply or a staff escalation never waits
 * behind a quarterly survey broadcast to two thousand owners.
 */
/** Ahead of every purpose's own priority (lower goes first): an emergency's reply and escalation. */
export const URGENT_PRIORITY = -1;

export const PURPOSE_PRIORITY: Record<OutboxPurpose, number> = {
  reply: 0,
  escalation: 0,
  notification: 1,
  return_visit: 2,
  survey: 2,
  announcement: 2,
  digest: 2,
};

/** An outbox entry as stored (lean). Optional strings are stored as '', so every document has every field. */
export interface OutboxRecord {
  _id: Types.ObjectId;
  /** The idempotency key: unique, so an entry exists at most once per key. */
  key: string;
  address: { channel: ChannelName; conversationId: string; threadId: string };
  message: {
    /** '' once erased (retention, or the owner asked to be forgotten); never '' before. */
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
  /** The dispatcher instance holding the entry, or the last one that did ('' before the first claim). */
  holder: string;
  /** When the holder's lease runs out: a 'sending' entry past it may be taken over. */
  leaseUntil: Date;
  /** Claims so far. Each claim adds one, and a holder writes only while it is still its own. */
  generation: number;
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

/**
 * A platform request about to go out: inserted just before each one, `_id`
 * `<entryId>:<part>:<generation>`, and deleted as soon as the request is known to have
 * failed (or was never made). A holder that takes over an entry whose lease ran out and
 * finds one from an earlier generation cannot know whether the platform got that request,
 * so it does not send again (see settling.ts). Those of sent entries go with the purge.
 */
export interface OutboxAttemptRecord {
  _id: string;
  entryId: string;
  part: number;
  generation: number;
  holder: string;
  createdAt: Date;
}

const EPOCH = new Date(0);

const entrySchema = new Schema<OutboxRecord>(
  {
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
    holder: { type: String, default: '' },
    leaseUntil: { type: Date, default: EPOCH },
    generation: { type: Number, default: 0 },
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
  },
  { versionKey: false },
);
// Claims: due pending entries, most urgent purpose first, oldest first (and, by its prefix,
// the few 'sending' ones whose lease may have run out).
entrySchema.index({ status: 1, priority: 1, nextAttemptAt: 1 });
// The purge, by when entries were sent or given up; dead letters newest first.
entrySchema.index({ status: 1, sentAt: 1 });
entrySchema.index({ status: 1, deadAt: 1 });

const attemptSchema = new Schema<OutboxAttemptRecord>(
  {
    _id: { type: String, required: true },
    entryId: { type: String, required: true, index: true },
    part: { type: Number, required: true },
    generation: { type: Number, required: true },
    holder: { type: String, required: true },
    createdAt: { type: Date, required: true, index: true },
  },
  { versionKey: false },
);

export interface OutboxModels {
  /**
   * `outbox`: every entry, whatever its status, until the key window ends. Dispatchers only
   * ever ask for status 'pending' or 'sending', so sent entries cost them nothing.
   */
  entries: Model<OutboxRecord>;
  /** `outbox_attempts`: one record per platform request whose outcome is not known yet. */
  attempts: Model<OutboxAttemptRecord>;
}

/** The outbox models on this connection (registered once per connection). */
export function outboxModels(connection: Connection): OutboxModels {
  return {
    entries: modelOn<OutboxRecord>(connection, 'OutboxEntry', entrySchema, 'outbox'),
    attempts: modelOn<OutboxAttemptRecord>(connection, 'OutboxAttempt', attemptSchema, 'outbox_attempts'),
  };
}

/** A write refused because a unique key (an entry's key, a record's `_id`) is taken. */
export function isDuplicateKey(error: unknown): boolean {
  return (error as { code?: unknown } | null)?.code === 11000;
}

/** What a caller queues: the message, where it goes and why, under its idempotency key. */
export interface OutboxMessage {
  /** Idempotency key, e.g. `reply:<messageId>`, `survey:2026Q4:<ownerId>`. No personal data: it is logged. */
  key: string;
  address: Address;
  message: OutboundMessage;
  purpose: OutboxPurpose;
  ownerId?: string;
  caseId?: string;
}

/** An entry as services and tests see it: no storage placeholders ('' and epoch become undefined). */
export interface OutboxEntry extends OutboxMessage {
  id: string;
  status: OutboxStatus;
  /** Claims so far (0: never claimed). */
  generation: number;
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
    generation: record.generation,
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
