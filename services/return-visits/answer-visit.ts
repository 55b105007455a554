import { returnVisitTexts } from '../i18n/return-visits';
import type { OutreachAnswerInput, OutreachReply } from '../surveys/outreach-answer';
import {
  answerComment,
  answerDetail,
  answerRating,
  answerSolved,
  replied,
  type StepAnswer,
} from './answer-steps';
import type { ReturnVisitRecord, ReturnVisitStep } from './return-visit-model';
import type { VisitContext } from './visit-context';
import { followUpQuestion, parseVisitButton, sayTo } from './visit-questions';
import { openVisit, visitOfButton } from './visit-queries';

type AnswerStep = (ctx: VisitContext, answer: StepAnswer) => Promise<OutreachReply | undefined>;

/** The handler of each open question; a finished visit answers nothing. */
const STEPS: Partial<Record<ReturnVisitStep, AnswerStep>> = {
  solved: answerSolved,
  rating: answerRating,
  comment: answerComment,
  detail: answerDetail,
};

/** A button of a question already answered: the answer given stands, the open question is asked again. */
function alreadyAnswered(visit: ReturnVisitRecord): OutreachReply {
  const reply =
    visit.step === 'rating' || visit.step === 'comment'
      ? followUpQuestion(visit, visit.step)
      : sayTo(visit, returnVisitTexts.thanksOpen);
  return replied(visit, 'return_visit_repeat', reply);
}

/**
 * An owner's button or text as the answer to their visit: a button goes to the visit it
 * belongs to (if this owner may answer it), text to the question asked most recently.
 * Undefined when it answers nothing, so the message is handled as usual.
 */
export async function answerVisit(
  ctx: VisitContext,
  input: OutreachAnswerInput,
): Promise<OutreachReply | undefined> {
  const button = parseVisitButton(input.action);
  const visit = button
    ? await visitOfButton(ctx, button.token, input.identity)
    : await openVisit(ctx, input.identity.key);
  if (!visit) return undefined;
  if (button && button.step !== visit.step) return alreadyAnswered(visit);
  const answerStep = STEPS[visit.step];
  if (!answerStep) return undefined;
  return answerStep(ctx, {
    visit,
    text: input.text.trim(),
    pressed: button?.value,
    fresh: input.at.getTime() - visit.stepAskedAt.getTime() <= ctx.settings.answerWindowMs,
    messageKey: input.messageKey,
    at: input.at,
  });
}
