import type { Connection, UpdateQuery } from 'mongoose';
import type { Clock } from '../clock';
import { indexesReady } from '../database/indexes-ready';
import { conversationStateModel, type ConversationStateDocument } from './conversation-state-model';

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

const EPOCH = new Date(0);

/** The state of someone we never asked anything: what `get` reads when there is no document. */
export const NO_STATE: Readonly<ConversationState> = Object.freeze({
  pending: undefined,
  clarificationsAsked: 0,
  lastFollowUpAckAt: EPOCH,
  lastRelayNoticeCaseId: '',
});

function stateOf(doc: ConversationStateDocument | null, now: Date): ConversationState {
  if (!doc) return NO_STATE;
  const pending = doc.pending;
  const live = pending && pending.kind && pending.expiresAt && pending.expiresAt > now;
  return {
    pending: live
      ? {
          kind: pending.kind as PendingQuestion['kind'],
          choices: [...(pending.choices ?? [])],
          text: pending.text ?? '',
        }
      : undefined,
    clarificationsAsked: doc.clarificationsAsked ?? 0,
    lastFollowUpAckAt: doc.lastFollowUpAckAt ?? EPOCH,
    lastRelayNoticeCaseId: doc.lastRelayNoticeCaseId ?? '',
  };
}

/**
 * Reads and updates conversation state by its key; every change is one atomic upsert, so
 * the first change creates the document and concurrent ones never make two. Pending
 * questions expire after `pendingTtlMs`.
 */
export function createConversationStates(deps: {
  connection: Connection;
  clock: Clock;
  pendingTtlMs?: number;
}) {
  const States = conversationStateModel(deps.connection);
  const ready = indexesReady(States);
  const ttl = deps.pendingTtlMs ?? 30 * 60_000;

  const update = async (key: string, change: UpdateQuery<ConversationStateDocument>): Promise<void> => {
    await ready();
    await States.updateOne({ key }, change, { upsert: true });
  };

  return {
    async get(key: string): Promise<ConversationState> {
      return stateOf(await States.findOne({ key }).lean<ConversationStateDocument>(), deps.clock.now());
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
          pending: { kind: '', choices: [], text: '', expiresAt: EPOCH },
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
