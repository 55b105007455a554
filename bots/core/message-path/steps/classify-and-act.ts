import type { Understanding } from '../../../../nlp';
import type { ConversationStates } from '../../../../services/conversations/conversation-state';
import { conversationTexts as texts } from '../../../../services/i18n/conversation';
import { understandingTexts } from '../../../../services/i18n/understanding';
import type { FaqStore } from '../../../../services/knowledge/faq-store';
import type { HandlingResult } from '../../../../services/messages/handling-lease';
import type { CaseActions } from '../case-actions';
import { clarifyButtons, menuButtons, say, type Reply } from '../replies';
import { isGreeting, isSuggestion, isThanks } from '../topics';
import { clearQuestion, handled, type Step, type Turn } from '../turn';

/** Acts on a message whose intent is settled (classified, chosen from a menu, or clarified). */
export type ActOnIntent = (turn: Turn, understanding: Understanding) => Promise<HandlingResult>;

export interface ClassifyDeps {
  actions: CaseActions;
  states: ConversationStates;
  faq: FaqStore;
  reply: Reply;
  clarificationsBeforeHandover: number;
}

/**
 * What a settled intent does: a repair opens a work order, a complaint a complaint (always
 * its own, with its deadline), a question gets the FAQ answer when one is close enough and
 * else goes to staff, small talk gets a friendly word (a greeting with the menu). A message
 * naming a danger never gets small talk or an FAQ answer: a person reads it.
 */
export function createActOnIntent(deps: ClassifyDeps): ActOnIntent {
  async function answerQuestion(turn: Turn, understanding: Understanding): Promise<HandlingResult> {
    const { language } = turn;
    if (isSuggestion(understanding.text)) return deps.actions.openAndTell(turn, understanding, 'suggestion');
    const { index, source } = await deps.faq.active();
    // A question naming a danger ("what if I smell gas?") is answered by a person, never the FAQ.
    const match =
      understanding.dangerWords.length > 0 ? undefined : index.answer(understanding.text, language);
    if (!match) return deps.actions.openAndTell(turn, understanding, 'consulting');
    const answer = source === 'sample' ? understandingTexts.faqSampleAnswer : texts.faqAnswer;
    await deps.reply(turn, 'faq', say(language, answer, { answer: match.answer }));
    return handled(turn, 'faq_answer');
  }

  async function smallTalk(turn: Turn, understanding: Understanding): Promise<HandlingResult> {
    const { language } = turn;
    if (understanding.dangerWords.length > 0)
      return deps.actions.handOver(turn, understanding, 'danger_words');
    const text = understanding.text.trim();
    if (isGreeting(text)) {
      await deps.reply(turn, 'other', say(language, texts.greetingReply, {}, menuButtons(language)));
      return handled(turn, 'small_talk');
    }
    const answer = isThanks(text)
      ? texts.thanksReply
      : text.length <= 12
        ? texts.acknowledgeReply
        : texts.outOfScope;
    const buttons = answer === texts.outOfScope ? menuButtons(language) : undefined;
    await deps.reply(turn, 'other', say(language, answer, {}, buttons));
    return handled(turn, 'small_talk');
  }

  return async (turn, understanding) => {
    switch (understanding.intent) {
      case 'help_seeking':
        return deps.actions.openAndTell(turn, understanding, 'work_order');
      case 'dissatisfaction':
        return deps.actions.openAndTell(turn, understanding, 'complaint');
      case 'consulting':
        return answerQuestion(turn, understanding);
      case 'other':
        return smallTalk(turn, understanding);
    }
  };
}

/**
 * The last step: the classifier's verdict. A borderline emergency score goes to a person at
 * once; a suggestion is thanked and recorded; an unsure verdict gets one clarifying question
 * with choices, then a person; anything else is acted on.
 */
export function classifyAndAct(deps: ClassifyDeps & { act: ActOnIntent }): Step {
  return async (turn) => {
    const { understanding, identity, language } = turn;
    const clear = () => clearQuestion(deps.states, turn);
    if (understanding.urgentReview) {
      await clear();
      turn.result = await deps.actions.reviewNow(turn, understanding);
      return;
    }
    if (isSuggestion(turn.text) && !(understanding.intent === 'dissatisfaction' && !understanding.fallback)) {
      await clear();
      turn.result = await deps.actions.openAndTell(turn, understanding, 'suggestion');
      return;
    }
    if (understanding.fallback && understanding.intent !== 'other') {
      if (turn.state.clarificationsAsked >= deps.clarificationsBeforeHandover) {
        turn.result = await deps.actions.handOver(turn, understanding);
        return;
      }
      const question = {
        kind: 'clarify' as const,
        choices: ['help_seeking', 'consulting', 'dissatisfaction'],
        text: turn.message.text,
      };
      await deps.states.ask(identity.key, question, { countsAsClarification: true });
      await deps.reply(turn, 'clarify', say(language, texts.clarify, {}, clarifyButtons(language)));
      turn.result = handled(turn, 'clarification_asked');
      return;
    }
    await clear();
    turn.result = await deps.act(turn, understanding);
  };
}
