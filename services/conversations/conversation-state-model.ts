import { Schema, type Connection, type InferSchemaType, type Model } from 'mongoose';
import { modelOn } from '../database/model';

/**
 * What the bot is waiting for from one conversation partner: a pending question (a
 * clarification, a numbered choice), how often it already asked to clarify, and when it
 * last acknowledged a follow-up. One document per identity key (unique), updated atomically.
 */
const conversationStateSchema = new Schema(
  {
    key: { type: String, required: true, unique: true },
    pending: {
      kind: { type: String, default: '' },
      choices: { type: [String], default: [] },
      text: { type: String, default: '' },
      expiresAt: { type: Date, default: () => new Date(0) },
    },
    clarificationsAsked: { type: Number, default: 0 },
    lastFollowUpAckAt: { type: Date, default: () => new Date(0) },
    lastRelayNoticeCaseId: { type: String, default: '' },
  },
  { timestamps: true },
);

export type ConversationStateDocument = InferSchemaType<typeof conversationStateSchema>;

/** The `conversation_states` model on this connection (registered once per connection). */
export function conversationStateModel(connection: Connection): Model<ConversationStateDocument> {
  return modelOn<ConversationStateDocument>(
    connection,
    'ConversationState',
    conversationStateSchema,
    'conversation_states',
  );
}
