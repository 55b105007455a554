import type { Connection } from 'mongoose';
import { messageModel } from './message-model';

/** What an owner sent in a conversation, as a transcript shows it. */
export interface OwnerMessage {
  text: string;
  /** The button pressed, if any ('' when the owner wrote). */
  action: string;
  attachments: Array<{ kind: string; reference: string }>;
  receivedAt: Date;
}

/** The owner's side of a conversation, read from the stored inbound messages. */
export function createConversationHistory(deps: { connection: Connection }) {
  const Messages = messageModel(deps.connection);
  return {
    /** The newest `limit` messages of the conversation on `channel`, oldest first. */
    async latest(channel: string, conversationId: string, limit: number): Promise<OwnerMessage[]> {
      const rows = await Messages.find(
        { conversationId, channel },
        { _id: 0, text: 1, action: 1, attachments: 1, receivedAt: 1 },
      )
        .sort({ receivedAt: -1, _id: -1 })
        .limit(limit)
        .lean<OwnerMessage[]>();
      return rows.reverse();
    },
  };
}

export type ConversationHistory = ReturnType<typeof createConversationHistory>;
