import type { Understander } from '../../../../nlp';
import type { ConversationStates } from '../../../../services/conversations/conversation-state';
import { bindingReply } from '../../../../services/i18n/binding';
import type { LocalizedText } from '../../../../services/i18n/text';
import type { HandlingResult } from '../../../../services/messages/handling-lease';
import type { OwnerService } from '../../../../services/owners/owner-service';
import type { CaseActions } from '../case-actions';
import type { OutreachAnswers } from '../outreach-answers';
import { say, type Reply } from '../replies';
import { caseKindOf, chosenIntent } from '../topics';
import { handled, type Step, type Turn } from '../turn';
import type { ActOnIntent } from './classify-and-act';
import { PERSON_CHOICE } from './commands-and-buttons';

export interface PendingQuestionDeps {
  owners: OwnerService;
  states: ConversationStates;
  outreach: OutreachAnswers;
  actions: CaseActions;
  act: ActOnIntent;
  understand: Understander['understand'];
  reply: Reply;
  /** Clarifying questions asked before an unclear message goes to a person. */
  clarificationsBeforeHandover: number;
  /** Where a locked-out owner gets help: the office, and its duty line ('' when not configured). */
  propertyName: LocalizedText;
  dutyPhone: string;
}

/**
 * The answer to a question the bot asked: the binding dialog (building and room, then the
 * phone digits), a clarification, the description after "report a repair" (or what a request
 * for a person is about), or a typed survey or return-visit answer. Text that does not answer
 * is handled as a message of its own.
 */
export function pendingQuestion(deps: PendingQuestionDeps): Step {
  async function binding(turn: Turn): Promise<HandlingResult | undefined> {
    const { identity } = turn;
    // The web chat's client address: failed answers are counted per address as well.
    const context = turn.message.clientAddress ? { clientAddress: turn.message.clientAddress } : {};
    const result =
      identity.binding.step === 'awaiting_unit'
        ? await deps.owners.submitUnit(identity.id, turn.text, context)
        : identity.binding.step === 'awaiting_phone'
          ? await deps.owners.submitPhoneDigits(identity.id, turn.text, context)
          : undefined;
    if (!result) return undefined;
    const help = { office: deps.propertyName, dutyPhone: deps.dutyPhone };
    const { text, values } = bindingReply(result, turn.language, turn.message.receivedAt, help);
    await deps.reply(turn, 'binding', say(turn.language, text, values));
    return handled(turn, `binding_${result.outcome}`);
  }

  async function botQuestion(turn: Turn): Promise<HandlingResult | undefined> {
    const pending = turn.state.pending;
    if (!pending) return undefined;
    const { identity, understanding } = turn;
    if (pending.kind === 'clarify') {
      await deps.states.clearPending(identity.key);
      const chosen = chosenIntent(pending.choices, turn.text, turn.message.action);
      if (chosen) {
        // The choice applies to the message that was unclear, not to "1".
        const original = { ...deps.understand(pending.text), text: pending.text };
        return deps.act(turn, { ...original, intent: chosen, fallback: false, confidence: 1 });
      }
      if (!understanding.fallback) return undefined; // a clearer message in itself
      if (turn.state.clarificationsAsked >= deps.clarificationsBeforeHandover)
        return deps.actions.handOver(turn, understanding);
      return undefined;
    }
    if (pending.kind === 'choice' && turn.text !== '') {
      await deps.states.clearPending(identity.key);
      if (pending.choices[0] === PERSON_CHOICE)
        return deps.actions.handOver(
          turn,
          understanding,
          'owner_asked_for_person',
          caseKindOf(understanding.intent),
        );
      const intent = pending.choices[0] as typeof understanding.intent;
      // A complaint or an emergency reads as what it is, whatever was chosen before.
      if (understanding.intent === 'dissatisfaction' && !understanding.fallback)
        return deps.act(turn, understanding);
      return deps.act(turn, { ...understanding, intent, fallback: false });
    }
    return undefined;
  }

  return async (turn, next) => {
    turn.result =
      (await binding(turn)) ?? (await botQuestion(turn)) ?? (await deps.outreach.answerTyped(turn));
    if (!turn.result) await next();
  };
}
