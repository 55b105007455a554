import { modelOn } from '../database/model';
import { Schema, type Connection, type Model, type InferSchemaType } from 'mongoose';

export const MESSAGE_STATUSES = ['received', 'processed', 'failed'] as const;

const attachmentSchema = new Schema(
  {
    kind: { type: String, required: true },
    reference: { type: String, required: true },
    name: { type: String },
  },
  { _id: false },
);

/**
 * Every inbound owner message, stored before the platform is answered and before anything
 * else happens. `key` = `<channel>:<platform message id>` is unique, so a redelivered
 * update is a no-op.
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
    /** The web chat client's address ('' elsewhere): binding failures are counted per address too. */
    clientAddress: { type: String, default: '' },
    /** received -> processed | failed. A message stays 'received' while it is handled. */
    status: { type: String, required: true, default: 'received', enum: MESSAGE_STATUSES, index: true },
    /**
     * The handling lease: who handles it now and until when (see handling-lease.ts). Free is
     * `leaseUntil` in the past: never taken (epoch), handed back, or its holder died.
     */
    holder: { type: String, default: '' },
    leaseUntil: { type: Date, default: () => new Date(0) },
    /** Handling attempts taken, finished or not. */
    attempts: { type: Number, default: 0 },
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
// A conversation's history (the web chat after a reload): the equality on conversationId selects.
messageSchema.index({ conversationId: 1, receivedAt: 1 });

export type MessageRecord = InferSchemaType<typeof messageSchema> & { _id: unknown };

export type MessageDocument = InferSchemaType<typeof messageSchema>;

/** The `messages` model on this connection (registered once per connection). */
export function messageModel(connection: Connection): Model<MessageDocument> {
  return modelOn<MessageDocument>(connection, 'Message', messageSchema, 'messages');
}
