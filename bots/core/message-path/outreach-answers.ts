import type { HandlingResult } from '../../../services/messages/handling-lease';
import type { OutreachAnswerer, OutreachReply } from '../../../services/surveys/outreach-answer';
import type { Understander } from '../../../nlp';
import type { CaseActions } from './case-actions';
import { conversationTexts as texts } from '../../../services/i18n/conversation';
import { say, type Reply } from './replies';
import { handled, type Turn } from './turn';

/**
 * Answers to questions the bot asked on its own (quarterly survey, return visit): a button of
 * theirs always goes to the service that sent it (which checks it belongs to this owner), typed
 * text to the question asked most recently, and only when it reads as an answer.
 */
export function createOutreachAnswers(deps: {
  answerers: OutreachAnswerer[];
  understand: Understander['understand'];
  actions: CaseActions;
  reply: Reply;
}) {
  const input = (turn: Turn) => ({
    identity: turn.identity,
    text: turn.text,
    action: turn.message.action,
    messageKey: turn.message.key,
    at: turn.message.receivedAt,
  });

  /** Sends the reply; a survey comment that reads as a complaint or a clear repair opens a case. */
  async function after(turn: Turn, answered: OutreachReply): Promise<HandlingResult> {
    if (answered.reply)
      await deps.reply(turn, 'outreach', answered.reply, answered.caseId ? { caseId: answered.caseId } : {});
    if (answered.comment) {
      const understood = { ...deps.understand(answered.comment), text: answered.comment };
      const kind =
        understood.intent === 'dissatisfaction'
          ? 'complaint'
          : understood.intent === 'help_seeking' && !understood.fallback
            ? 'work_order'
            : undefined;
      if (kind) {
        const opened = await deps.actions.openAndTell(turn, understood, kind);
        return { ...opened, outcome: `${answered.outcome}+${kind}` };
      }
    }
    return handled(turn, answered.outcome, answered.caseId ? { caseId: answered.caseId } : {});
  }

  return {
    /**
     * A button of a survey or return visit. One that is not this owner's, no longer open, or
     * names nothing gets the same neutral answer (it tells a guesser nothing).
     */
    async answerButton(turn: Turn): Promise<HandlingResult | undefined> {
      const owner = deps.answerers.find((answerer) => answerer.accepts(turn.message.action));
      if (!owner) return undefined;
      const answered = await owner.answer(input(turn));
      if (answered) return after(turn, answered);
      await deps.reply(turn, 'outreach', say(turn.language, texts.buttonNotAvailable));
      return handled(turn, 'button_not_available');
    },
    async answerTyped(turn: Turn): Promise<HandlingResult | undefined> {
      if (turn.text === '' || turn.firstContact || deps.answerers.length === 0) return undefined;
      const pending = await Promise.all(
        deps.answerers.map(async (answerer) => ({
          answerer,
          since: await answerer.pendingSince(turn.identity),
        })),
      );
      const newest = pending
        .filter((entry): entry is { answerer: OutreachAnswerer; since: Date } => entry.since !== undefined)
        .sort((a, b) => b.since.getTime() - a.since.getTime());
      for (const { answerer } of newest) {
        const answered = await answerer.answer(input(turn));
        if (answered) return after(turn, answered);
      }
      return undefined;
    },
  };
}

export type OutreachAnswers = ReturnType<typeof createOutreachAnswers>;
