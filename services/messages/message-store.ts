import type { Connection } from 'mongoose';
import type { InboundMessage } from '../channels/types';
import { indexesReady } from '../database/indexes-ready';
import { insertBatched } from '../database/insert-batches';
import { castForInsert } from '../database/cast-for-insert';
import type { ArrivalLease } from './handling-lease';
import { messageModel, type MessageRecord } from './message-model';

/** A message as stored, with what the handling queue needs to order it per sender. */
export interface StoredMessage {
  id: unknown;
  channel: string;
  senderId: string;
}

/** A message's unique key: its channel and the platform's id for it. */
export const messageKey = (message: Pick<InboundMessage, 'channel' | 'platformMessageId'>): string =>
  `${message.channel}:${message.platformMessageId}`;

/** A message just stored: the whole record as written. */
export interface ArrivedMessage extends StoredMessage {
  record: MessageRecord;
}

/**
 * Writes inbound messages, once each: the unique `key` (channel + platform message id)
 * makes a redelivery a no-op, whoever stores it and however often.
 */
export function createMessageStore(deps: { connection: Connection }) {
  const Messages = messageModel(deps.connection);
  const ready = indexesReady(Messages);

  return {
    /**
     * Stores the message as received, free to handle or already taken (`lease`); undefined
     * when it was stored before.
     */
    async store(message: InboundMessage, lease?: ArrivalLease): Promise<ArrivedMessage | undefined> {
      await ready();
      const record = {
        key: messageKey(message),
        channel: message.channel,
        platformMessageId: message.platformMessageId,
        conversationId: message.conversationId,
        threadId: message.threadId ?? '',
        senderId: message.sender.id,
        senderName: message.sender.displayName ?? '',
        text: message.text,
        action: message.action ?? '',
        attachments: message.attachments,
        receivedAt: message.receivedAt,
        clientAddress: message.clientAddress ?? '',
        ...lease,
      };
      const document = await castForInsert(Messages, record);
      // Shares its round trip with the other messages arriving at the same time.
      const [inserted] = await insertBatched(Messages, [document]);
      if (!inserted) return undefined;
      const stored = document as unknown as MessageRecord;
      return { id: stored._id, channel: stored.channel, senderId: stored.senderId, record: stored };
    },
  };
}

export type MessageStore = ReturnType<typeof createMessageStore>;
