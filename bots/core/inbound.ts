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

/** Tries (cut-short ones included) after which a handler error marks a message failed. */
const MAX_PROCESSING_ATTEMPTS = 3;
/**
 * Holders that died mid-way (their token a lease old) before a message is marked failed. A
 * death writes nothing, so these are counted by tokens, apart from handler errors: ten
 * restarts while one message is in hand is a message that kills the process, not bad luck
 * (the 1,000-message crash run with 10 kills left messages behind three dead holders).
 */
const MAX_TAKEOVERS = 10;

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

  /**
   * Wins the next handling attempt of a stored message, or returns undefined when it is not
   * ours to handle. The claim is the token alone, `<messageId>:<attempt>` with the time it
   * was taken: the message itself is written once, when handling ends. On the embedded
   * engine every read or update by `_id` reads the whole collection, and `messages` grows
   * with every message, so this saves two of the four such operations per message.
   */
  const claim = async (record: MessageRecord): Promise<MessageRecord | undefined> => {
    // 'processing' is what messages claimed by earlier versions say while handled.
    if (record.status !== 'received' && record.status !== 'processing') return undefined;
    const now = deps.clock.now();
    const done = record.processingAttempts ?? 0;
    for (let attempt = done + 1; attempt <= done + MAX_TAKEOVERS; attempt++) {
      const tokenId = `${String(record._id)}:${attempt}`;
      try {
        await Claims.create({ _id: tokenId, at: now });
        return { ...record, processingAttempts: attempt };
      } catch (error) {
        if (!isDuplicateKey(error)) throw error;
      }
      // Someone has this attempt: an instance handling it now (or it just finished), unless
      // the token is older than a lease, when its holder died mid-way: take the next one.
      const token = await Claims.findById(tokenId).lean();
      if (token && token.at.getTime() > now.getTime() - leaseMs) return undefined;
    }
    // Every holder died with it in hand: said, not left 'received' for ever.
    await Messages.updateOne(
      { _id: record._id, status: record.status },
      {
        $set: {
          status: 'failed',
          processingAttempts: done + MAX_TAKEOVERS,
          error: `handling was cut short ${MAX_TAKEOVERS} times (the process stopped while handling it)`,
        },
      },
    );
    deps.logger.error(
      { messageId: String(record._id), channel: record.channel },
      'Message marked failed: every instance handling it stopped mid-way',
    );
    return undefined;
  };

  /** Handles one message; `record` is the message as just stored, else it is read first. */
  const process = async (id: unknown, stored?: MessageRecord): Promise<void> => {
    const record = stored ?? (await Messages.findById(id).lean<MessageRecord>());
    if (!record) return;
    const claimed = await claim(record);
    if (!claimed) return;
    const attempt = claimed.processingAttempts ?? 1;
    try {
      const result = await deps.handle(claimed);
      await Messages.updateOne(
        { _id: claimed._id },
        {
          $set: {
            status: 'processed',
            processingAttempts: attempt,
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
      const giveUp = attempt >= MAX_PROCESSING_ATTEMPTS;
      await Messages.updateOne(
        { _id: claimed._id },
        {
          $set: {
            status: giveUp ? 'failed' : 'received',
            processingAttempts: attempt,
            error: (error as Error).message?.slice(0, 500) ?? String(error),
          },
        },
      ).catch(() => undefined);
      throw error;
    }
  };

  const schedule = (record: { _id: unknown; channel: string; senderId: string }, stored?: MessageRecord) => {
    queue.push(`${record.channel}:${record.senderId}`, () => process(record._id, stored));
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
        schedule(created, created.toObject() as MessageRecord);
        return { stored: true, id: String(created._id) };
      } catch (error) {
        if (isDuplicateKey(error)) {
          deps.onDuplicate?.(message.channel);
          return { stored: false };
        }
        throw error;
      }
    },

    /**
     * Schedules messages left unhandled by a crash or a failed attempt; returns how many.
     * Messages being handled right now are scheduled too; their fresh claim tokens make that
     * a no-op. A message whose handler died is taken over once its token is a lease old.
     */
    async recover(): Promise<number> {
      const pending = await Messages.find(
        { status: trusted({ $in: ['received', 'processing'] }) },
        { _id: 1, channel: 1, senderId: 1 },
      )
        .sort({ receivedAt: 1 })
        .limit(5000)
        .lean<Array<{ _id: unknown; channel: string; senderId: string }>>();
      for (const record of pending) schedule(record);
      return pending.length;
    },

    /**
     * Gives up the handling scheduled here and not started yet (what is running finishes):
     * those messages stay stored as received, for `recover` on this or another instance.
     * Returns how many were let go. For a shutdown that must not wait out a backlog.
     */
    release: (): number => queue.clear(),

    /** Resolves once every scheduled message has been handled. */
    idle: () => queue.idle(),
    get backlog(): number {
      return queue.size;
    },
  };
}

export type InboundPipeline = ReturnType<typeof createInboundPipeline>;
