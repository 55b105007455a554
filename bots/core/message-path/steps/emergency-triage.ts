import type { ConversationStates } from '../../../../services/conversations/conversation-state';
import type { CaseActions } from '../case-actions';
import type { Step } from '../turn';
import type { SenderReader } from './identify-sender';

/**
 * Emergencies first, never gated on anything (a pending question, a flood, a case staff
 * hold): an urgent case, escalation at once, and the owner told what to do now.
 */
export function emergencyTriage(deps: {
  actions: CaseActions;
  states: ConversationStates;
  readSender: SenderReader;
}): Step {
  return async (turn, next) => {
    if (!turn.understanding.emergency) return next();
    await deps.readSender(turn);
    if (turn.state.pending || turn.state.clarificationsAsked > 0)
      await deps.states.clearPending(turn.identity.key, { resetClarifications: true });
    turn.result = await deps.actions.openAndTell(turn, turn.understanding, 'emergency');
  };
}
