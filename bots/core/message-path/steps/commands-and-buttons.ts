import type { ConversationStates } from '../../../../services/conversations/conversation-state';
import { bindingReply } from '../../../../services/i18n/binding';
import type { BindingResult } from '../../../../services/owners/binding-rules';
import { conversationTexts as texts } from '../../../../services/i18n/conversation';
import { localize, type Language, type LocalizedText } from '../../../../services/i18n/text';
import { understandingTexts } from '../../../../services/i18n/understanding';
import type { HandlingResult } from '../../../../services/messages/handling-lease';
import type { OwnerService } from '../../../../services/owners/owner-service';
import type { OwnerCommand } from '../../commands';
import type { OutreachAnswers } from '../outreach-answers';
import type { CasePort, StaffPort } from '../ports';
import { menuButtons, say, type Reply } from '../replies';
import { handled, type Step, type Turn } from '../turn';
import { listCases } from './routing';

/** The pending choice that sends the owner's next message straight to a person. */
export const PERSON_CHOICE = 'person';

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
  const sendBinding = async (turn: Turn, result: BindingResult): Promise<HandlingResult> => {
    const help = { office: deps.propertyName, dutyPhone: deps.dutyPhone };
    const { text, values } = bindingReply(result, turn.language, turn.message.receivedAt, help);
    await deps.reply(turn, 'binding', say(turn.language, text, values));
    return handled(turn, `binding_${result.outcome}`);
  };

  async function askedForPerson(turn: Turn): Promise<HandlingResult> {
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

  async function run(turn: Turn, command: OwnerCommand): Promise<HandlingResult> {
    const { identity, language } = turn;
    switch (command.kind) {
      case 'menu':
        return showMenu(turn);
      case 'my_cases':
        return listCases(turn, deps.reply);
      case 'language': {
        const to: Language = command.to ?? (language === 'zh' ? 'en' : 'zh');
        await deps.owners.setLanguage(identity.id, to);
        await deps.reply(turn, 'language', say(to, texts.languageSwitched));
        return handled(turn, 'language_switched', { language: to });
      }
      case 'bind':
        return sendBinding(turn, await deps.owners.startBinding(identity.id));
      case 'cancel':
        await deps.states.clearPending(identity.key, { resetClarifications: true });
        if (identity.binding.step === 'awaiting_unit' || identity.binding.step === 'awaiting_phone')
          return sendBinding(turn, await deps.owners.cancelBinding(identity.id));
        await deps.reply(turn, 'cancel', say(language, texts.cancelled, {}, menuButtons(language)));
        return handled(turn, 'cancelled');
      case 'human':
        if (identity.binding.step === 'awaiting_unit' || identity.binding.step === 'awaiting_phone')
          await deps.owners.cancelBinding(identity.id);
        await deps.states.clearPending(identity.key, { resetClarifications: true });
        return askedForPerson(turn);
      case 'start_intent': {
        const prompt = {
          help_seeking: texts.askRepair,
          consulting: texts.askQuestion,
          dissatisfaction: texts.askComplaint,
        }[command.intent];
        await deps.states.ask(identity.key, { kind: 'choice', choices: [command.intent], text: '' });
        await deps.reply(turn, 'prompt', say(language, prompt));
        return handled(turn, `asked_${command.intent}`);
      }
    }
  }

  async function showMenu(turn: Turn): Promise<HandlingResult> {
    const { identity, language } = turn;
    const welcome = identity.verified ? texts.welcome : texts.welcomeWithBindInvite;
    const buttons = menuButtons(language);
    const property = localize(deps.propertyName, language);
    await deps.reply(turn, 'menu', say(language, welcome, { property }, buttons));
    await deps.states.ask(identity.key, {
      kind: 'menu',
      choices: buttons.map((button) => button.action),
      text: '',
    });
    return handled(turn, 'menu');
  }

  return async (turn, next) => {
    if (turn.command) {
      turn.result = await run(turn, turn.command);
      return;
    }
    if (turn.understanding.handoverRequest) {
      turn.result = await askedForPerson(turn);
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
