import { conversationTexts as texts } from '../../../../services/i18n/conversation';
import { understandingTexts } from '../../../../services/i18n/understanding';
import type { HandlingResult } from '../../../../services/messages/handling-lease';
import { say } from '../replies';
import { handled, type Turn } from '../turn';
import type { CommandDeps } from './commands-and-buttons';

/** The pending choice that sends the owner's next message straight to a person. */
export const PERSON_CHOICE = 'person';

/**
 * An owner asked for a person. Their latest unsettled case goes to staff with this message
 * (relayed to whoever holds it, else escalated); without one, they are asked what it is
 * about, and their answer goes to a person.
 */
export async function handOverToPerson(
  deps: Pick<CommandDeps, 'cases' | 'staff' | 'states' | 'reply'>,
  turn: Turn,
): Promise<HandlingResult> {
  const [latest] = (await turn.openCases()).filter((view) => !view.settled);
  if (!latest) {
    await deps.states.ask(turn.identity.key, { kind: 'choice', choices: [PERSON_CHOICE], text: '' });
    await deps.reply(turn, 'handover', say(turn.language, understandingTexts.askWhatForPerson));
    return handled(turn, 'asked_what_for_person');
  }
  await deps.cases.addOwnerMessage(latest.id, turn.message);
  const event = { caseView: latest, identity: turn.identity };
  if (latest.heldByStaff)
    await deps.staff.relay({ ...event, text: turn.message.text, messageKey: turn.message.key });
  else await deps.staff.escalate({ ...event, urgent: false, reason: 'owner_asked_for_person' });
  const outbound = say(turn.language, texts.handedToHuman, { reference: latest.reference });
  await deps.reply(turn, 'handover', outbound, { caseId: latest.id });
  return handled(turn, 'handed_over', { caseId: latest.id });
}
