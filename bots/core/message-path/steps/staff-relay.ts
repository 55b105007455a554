import { conversationTexts as texts } from '../../../../services/i18n/conversation';
import { escalateIfBorderline } from '../case-actions';
import type { CasePort, StaffPort } from '../ports';
import { say, type Reply } from '../replies';
import { caseTheMessageIsAbout, isChasing } from '../topics';
import { handled, type Step } from '../turn';

/**
 * A case a staff member is handling: what the owner writes about it goes to them (on the case
 * and in its staff thread) and the owner is told so; the bot does not answer for staff. A
 * question or a new problem is not about the case and is handled on its own; chasing ("still
 * waiting") is for the people holding the case, never a complaint of its own.
 */
export function staffRelay(deps: { cases: CasePort; staff: StaffPort; reply: Reply }): Step {
  return async (turn, next) => {
    const { understanding, message } = turn;
    const held = (await turn.openCases()).filter((view) => view.heldByStaff);
    // While staff hold a case the conversation with them is open: no time window applies.
    const chased = held.length > 0 && isChasing(turn.text) ? held[0] : undefined;
    const about =
      chased ??
      caseTheMessageIsAbout(
        held,
        { understanding, hasAttachments: message.attachments.length > 0, at: message.receivedAt },
        Number.POSITIVE_INFINITY,
        true,
      );
    if (!about) return next();
    await deps.cases.addOwnerMessage(about.id, message);
    await deps.staff.relay({
      caseView: about,
      text: message.text,
      identity: turn.identity,
      messageKey: message.key,
    });
    await escalateIfBorderline(deps.staff, turn, about);
    await deps.reply(
      turn,
      'relay',
      say(turn.language, texts.relayedToStaff, { reference: about.reference }),
      {
        caseId: about.id,
      },
    );
    turn.result = handled(turn, 'relayed', { caseId: about.id });
  };
}
