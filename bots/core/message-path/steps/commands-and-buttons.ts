import type { ConversationStates } from '../../../../services/conversations/conversation-state';
import type { LocalizedText } from '../../../../services/i18n/text';
import type { OwnerService } from '../../../../services/owners/owner-service';
import type { OutreachAnswers } from '../outreach-answers';
import type { CasePort, StaffPort } from '../ports';
import type { Reply } from '../replies';
import type { Step } from '../turn';
import { runOwnerCommand } from './owner-commands';
import { handOverToPerson } from './person-handover';

export { PERSON_CHOICE } from './person-handover';

export interface CommandDeps {
  owners: OwnerService;
  cases: CasePort;
  staff: StaffPort;
  states: ConversationStates;
  outreach: OutreachAnswers;
  reply: Reply;
  propertyName: LocalizedText;
  /** The property's duty line, told to a locked-out owner; '' when not configured. */
  dutyPhone: string;
}

/**
 * Commands and buttons: a keyword or menu button ("菜单", "取消", "人工", "我的工单", "绑定",
 * "English"), a request for a person in other words, and the buttons of our own surveys and
 * return visits. They come before any pending question, so no question can trap an owner:
 * "取消", "人工" or a menu button always gets them out.
 */
export function commandsAndButtons(deps: CommandDeps): Step {
  return async (turn, next) => {
    if (turn.command) {
      turn.result = await runOwnerCommand(deps, turn, turn.command);
      return;
    }
    if (turn.understanding.handoverRequest) {
      turn.result = await handOverToPerson(deps, turn);
      return;
    }
    // A survey or return-visit button: answered only by the owner it was sent to.
    if (turn.message.action) {
      const answered = await deps.outreach.answerButton(turn);
      if (answered) {
        turn.result = answered;
        return;
      }
    }
    await next();
  };
}
