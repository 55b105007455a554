import { bindingReply } from '../../../../services/i18n/binding';
import { conversationTexts as texts } from '../../../../services/i18n/conversation';
import { localize, type Language } from '../../../../services/i18n/text';
import type { HandlingResult } from '../../../../services/messages/handling-lease';
import type { BindingResult } from '../../../../services/owners/binding-rules';
import type { Identity } from '../../../../services/owners/owner-model';
import type { OwnerCommand } from '../../commands';
import { menuButtons, say } from '../replies';
import { clearQuestion, handled, type Turn } from '../turn';
import type { CommandDeps } from './commands-and-buttons';
import { handOverToPerson } from './person-handover';
import { listCases } from './routing';

type OwnerCommandDeps = Omit<CommandDeps, 'outreach'>;

const bindingUnderway = (identity: Identity): boolean =>
  identity.binding.step === 'awaiting_unit' || identity.binding.step === 'awaiting_phone';

async function sendBinding(
  deps: OwnerCommandDeps,
  turn: Turn,
  result: BindingResult,
): Promise<HandlingResult> {
  const help = { office: deps.propertyName, dutyPhone: deps.dutyPhone };
  const { text, values } = bindingReply(result, turn.language, turn.message.receivedAt, help);
  await deps.reply(turn, 'binding', say(turn.language, text, values));
  return handled(turn, `binding_${result.outcome}`);
}

async function showMenu(deps: OwnerCommandDeps, turn: Turn): Promise<HandlingResult> {
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

/**
 * Carries out an owner's command: the menu, their cases, the language switch, binding,
 * cancel (which also leaves a binding underway), a person, or the prompt for a new request.
 * Cancel and a person clear any pending question first.
 */
export async function runOwnerCommand(
  deps: OwnerCommandDeps,
  turn: Turn,
  command: OwnerCommand,
): Promise<HandlingResult> {
  const { identity, language } = turn;
  switch (command.kind) {
    case 'menu':
      return showMenu(deps, turn);
    case 'my_cases':
      return listCases(turn, deps.reply);
    case 'language': {
      const to: Language = command.to ?? (language === 'zh' ? 'en' : 'zh');
      await deps.owners.setLanguage(identity.id, to);
      await deps.reply(turn, 'language', say(to, texts.languageSwitched));
      return handled(turn, 'language_switched', { language: to });
    }
    case 'bind':
      return sendBinding(deps, turn, await deps.owners.startBinding(identity.id));
    case 'cancel':
      await clearQuestion(deps.states, turn);
      if (bindingUnderway(identity))
        return sendBinding(deps, turn, await deps.owners.cancelBinding(identity.id));
      await deps.reply(turn, 'cancel', say(language, texts.cancelled, {}, menuButtons(language)));
      return handled(turn, 'cancelled');
    case 'human':
      if (bindingUnderway(identity)) await deps.owners.cancelBinding(identity.id);
      await clearQuestion(deps.states, turn);
      return handOverToPerson(deps, turn);
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
