import type { Connection } from 'mongoose';
import { trusted } from '../../services/database/connect';
import type { Clock } from '../../services/clock';
import type { InboundMessage } from '../../services/channels/types';
import type { Logger } from '../../services/logging/logger';
import { isDuplicateKey } from '../../services/outbox/outbox';
import { messageClaimModel, messageModel, type MessageRecord } from '../../services/messages/message-model';
import { createKeyedQueue } from './keyed-queue';

/** What the dialog did with a message, stored on it. */
export interface HandlingResult {
  outcome: string;
  identityId?: string;
  caseId?: string;
  language?: string;
  understanding?: {
    intent?: string;
    confidence?: number;
    category?: string;
    emergency?: string;
    fallback?: boolean;
  };
}

const MAX_PROCESSING_ATTEMPTS = 3;

/**
 * The inbound path (DESIGN decision 2): `receive` stores the message (unique on channel +
 * platform id) and returns, so a webhook can answer at once; handling runs afterwards,
 * in order per sender. A message whose handling was cut short (crash, restart) is picked
 * up again by `recover`, which also runs on start.
 */
export function createInboundPipeline(deps: {
  connection: Connection;
  clock: Clock;
  logger: Logger;
  handle: (message: MessageRecord) => Promise<HandlingResult>;
  onDuplicate?: (channel: string) => void;
  concurrency?: number;
  leaseMs?: number;
}) {
  const Messages = messageModel(deps.connection);
  const leaseMs = deps.leaseMs ?? 60_000;
  const queue = createKeyedQueue({
    concurrency: deps.concurrency ?? 8,
    onError: (error, key) => deps.logger.error({ err: error, sender: key }, 'Message handling failed'),
  });

  const Claims = messageClaimModel(deps.connection);
  // The unique index on `key` is what makes a redelivery a no-op; on a fresh database it is
  // still being built when the first message arrives, so wait for it once.
  let indexes: Promise<unknown> | undefined;
  const indexesReady = () =>
    (indexes ??= Promise.all([Messages.init(), Claims.init()]).catch((error: unknown) => {
      indexes = undefined;
      throw error;
    }));

  /** Wins the next handling attempt of a stored message, or returns undefined when it is not ours to handle. */
  const claim = async (id: unknown): Promise<MessageRecord | undefined> => {
    const record = await Messages.findById(id).lean<MessageRecord>();
    if (!record) return undefined;
    const now = deps.clock.now();
    const leaseExpired = record.status === 'processing' && (record.processingLeaseUntil ?? new Date(0)) < now;
    if (record.status !== 'received' && !leaseExpired) return undefined; // done, failed, or another instance has it
    const attempt = (record.processingAttempts ?? 0) + 1;
    try {
      await Claims.create({ _id: `${String(record._id)}:${attempt}`, at: now });
    } catch (error) {
      if (isDuplicateKey(error)) return undefined; // another instance won this attempt
      throw error;
    }
    const leaseUntil = new Date(now.getTime() + leaseMs);
    await Messages.updateOne(
      { _id: record._id },
      { $set: { status: 'processing', processingLeaseUntil: leaseUntil, processingAttempts: attempt } },
    );
    return { ...record, status: 'processing', processingLeaseUntil: leaseUntil, processingAttempts: attempt };
  };

  const process = async (id: unknown): Promise<void> => {
    const claimed = await claim(id);
    if (!claimed) return;
    try {
      const result = await deps.handle(claimed);
      await Messages.updateOne(
        { _id: claimed._id },
        {
          $set: {
            status: 'processed',
            outcome: result.outcome,
            identityId: result.identityId ?? '',
            caseId: result.caseId ?? '',
            language: result.language ?? '',
            understanding: result.understanding ?? {},
            processedAt: deps.clock.now(),
            error: '',
          },
        },
      );
    } catch (error) {
      const attempts = claimed.processingAttempts ?? 1;
      const giveUp = attempts >= MAX_PROCESSING_ATTEMPTS;
      await Messages.updateOne(
        { _id: claimed._id },
        {
          $set: {
            status: giveUp ? 'failed' : 'received',
            error: (error as Error).message?.slice(0, 500) ?? String(error),
            processingLeaseUntil: new Date(0),
          },
        },
      ).catch(() => undefined);
      throw error;
    }
  };

  const schedule = (record: { _id: unknown; channel: string; senderId: string }) => {
    queue.push(`${record.channel}:${record.senderId}`, () => process(record._id));
  };

  return {
    /** Stores the message; resolves `{ stored: false }` for a duplicate delivery. Never waits for handling. */
    async receive(message: InboundMessage): Promise<{ stored: boolean; id?: string }> {
      const key = `${message.channel}:${message.platformMessageId}`;
      await indexesReady();
      try {
        const created = await Messages.create({
          key,
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
        });
        schedule({ _id: created._id, channel: message.channel, senderId: message.sender.id });
        return { stored: true, id: String(created._id) };
      } catch (error) {
        if (isDuplicateKey(error)) {
          deps.onDuplicate?.(message.channel);
          return { stored: false };
        }
        throw error;
      }
    },

    /** Schedules messages left unhandled by a crash or a failed attempt; returns how many. */
    async recover(): Promise<number> {
      const now = deps.clock.now();
      const pending = await Messages.find(
        {
          $or: trusted([
            { status: 'received' },
            { status: 'processing', processingLeaseUntil: trusted({ $lt: now }) },
          ]),
        },
        { _id: 1, channel: 1, senderId: 1 },
      )
        .sort({ receivedAt: 1 })
        .limit(5000)
        .lean<Array<{ _id: unknown; channel: string; senderId: string }>>();
      for (const record of pending) schedule(record);
      return pending.length;
    },

    /** Resolves once every scheduled message has been handled. */
    idle: () => queue.idle(),
    get backlog(): number {
      return queue.size;
    },
  };
}

export type InboundPipeline = ReturnType<typeof createInboundPipeline>;
