import { modelOn } from '../database/model';
import { Schema, type Connection, type Model, type InferSchemaType, type UpdateQuery } from 'mongoose';
import type { Clock } from '../clock';
import { isDuplicateKey } from '../outbox/outbox';

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

/** Locations of state documents kept per process; the oldest learnt is dropped first. */
const STATE_CACHE_SIZE = 100_000;

/** The document an update of a missing state creates, when it only sets and increments fields. */
function firstDocument(
  key: string,
  change: UpdateQuery<ConversationStateDocument>,
): Record<string, unknown> | undefined {
  const { $set = {}, $inc = {}, ...other } = change as Record<string, Record<string, unknown>>;
  if (Object.keys(other).length > 0) return undefined;
  if ([...Object.keys($set), ...Object.keys($inc)].some((path) => path.includes('.'))) return undefined;
  return { key, ...$set, ...$inc };
}

/** Reads and updates conversation state; pending questions expire after `pendingTtlMs`. */
export function createConversationStates(deps: {
  connection: Connection;
  clock: Clock;
  pendingTtlMs?: number;
}) {
  const States = model(deps.connection);
  const ttl = deps.pendingTtlMs ?? 30 * 60_000;

  // `key` -> `_id` of the documents read or inserted here: on the embedded engine a filter on
  // `_id` alone is answered by SQLite, any other decodes every document (see
  // services/owners/owner-service.ts). An `_id` that matches nothing is forgotten and the key used.
  const idByKey = new Map<string, unknown>();
  const remember = (key: string, id: unknown) => {
    if (id === undefined || id === null) return;
    if (idByKey.size >= STATE_CACHE_SIZE) idByKey.delete(idByKey.keys().next().value as string);
    idByKey.set(key, id);
  };
  const find = async (key: string): Promise<ConversationStateDocument | null> => {
    const knownId = idByKey.get(key);
    if (knownId !== undefined) {
      const doc = await States.findById(knownId).lean<ConversationStateDocument & { _id: unknown }>();
      if (doc && doc.key === key) return doc;
      idByKey.delete(key);
    }
    const doc = await States.findOne({ key }).lean<ConversationStateDocument & { _id: unknown }>();
    if (doc) remember(key, doc._id);
    return doc;
  };
  /** One atomic update of the key's document, created when missing. */
  const update = async (key: string, change: UpdateQuery<ConversationStateDocument>): Promise<void> => {
    const knownId = idByKey.get(key);
    if (knownId !== undefined) {
      if ((await States.updateOne({ _id: knownId }, change)).matchedCount > 0) return;
      idByKey.delete(key);
    }
    // Not known here: usually no document yet (a read just found none), so insert it (about
    // 1 ms) rather than upsert by key, which reads every state on the embedded engine.
    const first = firstDocument(key, change);
    if (first) {
      try {
        remember(key, (await States.create(first))._id);
        return;
      } catch (error) {
        if (!isDuplicateKey(error)) throw error;
      }
    }
    const result = await States.updateOne({ key }, change, { upsert: true });
    remember(key, result.upsertedId);
  };

  return {
    async get(key: string): Promise<ConversationState> {
      const doc = await find(key);
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
      await update(key, {
        $set: { pending: { ...question, expiresAt: new Date(deps.clock.now().getTime() + ttl) } },
        ...(options.countsAsClarification ? { $inc: { clarificationsAsked: 1 } } : {}),
      });
    },

    async clearPending(key: string, options: { resetClarifications?: boolean } = {}) {
      await update(key, {
        $set: {
          pending: { kind: '', choices: [], text: '', expiresAt: new Date(0) },
          ...(options.resetClarifications ? { clarificationsAsked: 0 } : {}),
        },
      });
    },

    async noteFollowUpAck(key: string) {
      await update(key, { $set: { lastFollowUpAckAt: deps.clock.now() } });
    },

    async noteRelayNotice(key: string, caseId: string) {
      await update(key, { $set: { lastRelayNoticeCaseId: caseId } });
    },
  };
}

export type ConversationStates = ReturnType<typeof createConversationStates>;
