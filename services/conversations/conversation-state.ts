import { modelOn } from '../database/model';
import { Schema, type Connection, type Model, type InferSchemaType } from 'mongoose';
import type { Clock } from '../clock';

/**
 * What the bot is waiting for from one conversation partner: a pending question (a
 * clarification, a numbered choice), how often it already asked to clarify, and when it
 * last acknowledged a follow-up. One document per identity key, updated atomically.
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

type ConversationStateDocument = InferSchemaType<typeof conversationStateSchema>;

export interface PendingQuestion {
  kind: 'clarify' | 'menu' | 'choice';
  choices: string[];
  /** The owner's words the question was about (a clarification keeps the original text). */
  text: string;
}

export interface ConversationState {
  pending: PendingQuestion | undefined;
  clarificationsAsked: number;
  lastFollowUpAckAt: Date;
  lastRelayNoticeCaseId: string;
}

function model(connection: Connection): Model<ConversationStateDocument> {
  return modelOn<ConversationStateDocument>(
    connection,
    'ConversationState',
    conversationStateSchema,
    'conversation_states',
  );
}

/** Reads and updates conversation state; pending questions expire after `pendingTtlMs`. */
export function createConversationStates(deps: {
  connection: Connection;
  clock: Clock;
  pendingTtlMs?: number;
}) {
  const States = model(deps.connection);
  const ttl = deps.pendingTtlMs ?? 30 * 60_000;

  return {
    async get(key: string): Promise<ConversationState> {
      const doc = await States.findOne({ key }).lean<ConversationStateDocument>();
      const pending = doc?.pending;
      const live = pending && pending.kind && pending.expiresAt && pending.expiresAt > deps.clock.now();
      return {
        pending: live
          ? {
              kind: pending.kind as PendingQuestion['kind'],
              choices: [...(pending.choices ?? [])],
              text: pending.text ?? '',
            }
          : undefined,
        clarificationsAsked: doc?.clarificationsAsked ?? 0,
        lastFollowUpAckAt: doc?.lastFollowUpAckAt ?? new Date(0),
        lastRelayNoticeCaseId: doc?.lastRelayNoticeCaseId ?? '',
      };
    },

    async ask(key: string, question: PendingQuestion, options: { countsAsClarification?: boolean } = {}) {
      await States.updateOne(
        { key },
        {
          $set: { pending: { ...question, expiresAt: new Date(deps.clock.now().getTime() + ttl) } },
          ...(options.countsAsClarification ? { $inc: { clarificationsAsked: 1 } } : {}),
        },
        { upsert: true },
      );
    },

    async clearPending(key: string, options: { resetClarifications?: boolean } = {}) {
      await States.updateOne(
        { key },
        {
          $set: {
            pending: { kind: '', choices: [], text: '', expiresAt: new Date(0) },
            ...(options.resetClarifications ? { clarificationsAsked: 0 } : {}),
          },
        },
        { upsert: true },
      );
    },

    async noteFollowUpAck(key: string) {
      await States.updateOne({ key }, { $set: { lastFollowUpAckAt: deps.clock.now() } }, { upsert: true });
    },

    async noteRelayNotice(key: string, caseId: string) {
      await States.updateOne({ key }, { $set: { lastRelayNoticeCaseId: caseId } }, { upsert: true });
    },
  };
}

export type ConversationStates = ReturnType<typeof createConversationStates>;
