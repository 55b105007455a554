import { choiceFromNumber } from '../../../../services/channels/render';
import { NO_STATE, type ConversationStates } from '../../../../services/conversations/conversation-state';
import type { Identity } from '../../../../services/owners/owner-model';
import type { OwnerService } from '../../../../services/owners/owner-service';
import { parseCommand } from '../../commands';
import type { CasePort, CaseView } from '../ports';
import type { Step, Turn } from '../turn';

/**
 * Reads who wrote (their channel identity, created on first contact), their language and the
 * question we asked them last, into the turn. Idempotent: an emergency reads it early.
 */
export function createSenderReader(deps: {
  owners: OwnerService;
  states: ConversationStates;
  cases: CasePort;
}) {
  return async function readSender(turn: Turn): Promise<void> {
    if (turn.identity) return;
    const { message, understanding } = turn;
    const address = {
      channel: message.channel as Identity['channel'],
      conversationId: message.conversationId,
      ...(message.threadId ? { threadId: message.threadId } : {}),
    };
    const { firstContact, ...identity } = await deps.owners.identify({
      channel: address.channel,
      platformUserId: message.senderId,
      displayName: message.senderName || undefined,
      address,
      languageHint: understanding.language === 'en' ? 'en' : 'zh',
      at: message.receivedAt,
    });
    // Someone writing for the first time has nothing on file yet: no reads needed.
    const state = firstContact ? NO_STATE : await deps.states.get(identity.key);
    const pending = state.pending;
    const action =
      message.action ||
      (pending?.kind === 'menu' ? (choiceFromNumber(turn.text, pending.choices) ?? '') : '');
    let openCases: Promise<CaseView[]> | undefined;
    Object.assign(turn, {
      openCases: () => (openCases ??= firstContact ? Promise.resolve([]) : deps.cases.listOpen(identity)),
      identity,
      firstContact,
      language: identity.language,
      state,
      action,
      command: parseCommand(turn.text, action),
    });
  };
}

export type SenderReader = ReturnType<typeof createSenderReader>;

/** The step: after the arrival checks, before anything that answers the owner. */
export function identifySender(readSender: SenderReader): Step {
  return async (turn, next) => {
    await readSender(turn);
    await next();
  };
}
