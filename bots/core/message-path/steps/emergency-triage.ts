import type { ConversationStates } from '../../../../services/conversations/conversation-state';
import type { CaseActions } from '../case-actions';
import { clearQuestion, type Step } from '../turn';
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
    await clearQuestion(deps.states, turn);
    turn.result = await deps.actions.openAndTell(turn, turn.understanding, 'emergency');
  };
}
