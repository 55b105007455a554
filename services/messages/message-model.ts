import { modelOn } from '../database/model';
import { Schema, type Connection, type Model, type InferSchemaType } from 'mongoose';

const attachmentSchema = new Schema(
  {
    kind: { type: String, required: true },
    reference: { type: String, required: true },
    name: { type: String },
  },
  { _id: false },
);

/**
 * Every inbound owner message, stored before anything else happens (DESIGN decision 2).
 * `key` = `<channel>:<platform message id>` is unique, so a redelivered update is a no-op.
 */
const messageSchema = new Schema(
  {
    key: { type: String, required: true, unique: true },
    channel: { type: String, required: true },
    platformMessageId: { type: String, required: true },
    conversationId: { type: String, required: true },
    threadId: { type: String, default: '' },
    senderId: { type: String, required: true },
    senderName: { type: String, default: '' },
    text: { type: String, default: '' },
    action: { type: String, default: '' },
    attachments: { type: [attachmentSchema], default: [] },
    receivedAt: { type: Date, required: true },
    /**
     * received -> processed | failed. While a message is handled it stays 'received': the
     * claim token in `message_claims` is the lease (see bots/core/inbound.ts).
     */
    status: { type: String, required: true, default: 'received', index: true },
    /** Handling attempts that ended (the next claim takes attempt + 1). */
    processingAttempts: { type: Number, default: 0 },
    /** What the dialog did with it: faq_answer, case_opened, case_follow_up, relayed, ... */
    outcome: { type: String, default: '' },
    identityId: { type: String, default: '' },
    caseId: { type: String, default: '' },
    language: { type: String, default: '' },
    understanding: {
      intent: { type: String },
      confidence: { type: Number },
      category: { type: String },
      emergency: { type: String },
      fallback: { type: Boolean },
    },
    error: { type: String, default: '' },
    processedAt: { type: Date },
  },
  { timestamps: true },
);
messageSchema.index({ status: 1, receivedAt: 1 });
messageSchema.index({ channel: 1, senderId: 1, receivedAt: -1 });

export type MessageRecord = InferSchemaType<typeof messageSchema> & { _id: unknown };

type MessageDocument = InferSchemaType<typeof messageSchema>;

/** The `messages` model on this connection (registered once per connection). */
export function messageModel(connection: Connection): Model<MessageDocument> {
  return modelOn<MessageDocument>(connection, 'Message', messageSchema, 'messages');
}

/**
 * Claim tokens for handling a message: `_id` = `<messageId>:<attempt>`. Inserting one is how
 * an instance wins an attempt (a unique insert is atomic on both engines; conditional
 * updates are not on the embedded one), and `at` + the lease is how long it is theirs.
 * Old tokens are purged with their messages.
 */
interface MessageClaimRecord {
  _id: string;
  at: Date;
}
const messageClaimSchema = new Schema<MessageClaimRecord>(
  { _id: { type: String, required: true }, at: { type: Date, required: true } },
  { versionKey: false },
);

export function messageClaimModel(connection: Connection): Model<MessageClaimRecord> {
  return modelOn<MessageClaimRecord>(connection, 'MessageClaim', messageClaimSchema, 'message_claims');
}
