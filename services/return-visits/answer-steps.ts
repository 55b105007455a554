import type { OutboundMessage } from '../channels/types';
import { returnVisitStaffTexts, returnVisitTexts } from '../i18n/return-visits';
import { localize } from '../i18n/text';
import type { OutreachReply } from '../surveys/outreach-answer';
import { closeSatisfied, reopenCase, unlessDone } from './case-outcomes';
import { MAX_COMMENT, readComment, readDetail, readRating, readSolved } from './read-answer';
import type { ReturnVisitRecord } from './return-visit-model';
import { tellStaff } from './staff-notices';
import { updateVisit, type VisitContext } from './visit-context';
import { followUpQuestion, sayTo } from './visit-questions';

/** An owner's reply to the visit's current question. */
export interface StepAnswer {
  visit: ReturnVisitRecord;
  /** The typed text, trimmed ('' for a button). */
  text: string;
  /** The value of the visit button pressed, if one was. */
  pressed: string | undefined;
  /** Whether typed text came soon enough after the question to be its answer. */
  fresh: boolean;
  messageKey: string;
  at: Date;
}

/** The reply to the owner, with the visit's case. */
export const replied = (
  visit: ReturnVisitRecord,
  outcome: string,
  reply: OutboundMessage,
): OutreachReply => ({
  outcome,
  reply,
  caseId: visit.ticketId,
});

/** The owner is told the case is reopened and asked what is still wrong. */
async function reopenForDetail(
  ctx: VisitContext,
  answer: StepAnswer,
  set: Partial<ReturnVisitRecord>,
  why: string,
  outcome: string,
): Promise<OutreachReply> {
  const { visit, at } = answer;
  await updateVisit(ctx, visit, {
    ...set,
    status: 'reopened',
    step: 'detail',
    stepAskedAt: at,
    answeredAt: at,
  });
  await reopenCase(ctx, visit, why);
  return replied(visit, outcome, sayTo(visit, returnVisitTexts.reopened, { reference: visit.reference }));
}

/** "Was it solved?": no reopens the case, yes asks for the rating. */
export async function answerSolved(
  ctx: VisitContext,
  answer: StepAnswer,
): Promise<OutreachReply | undefined> {
  const { visit, at } = answer;
  const reading = readSolved(answer.text, answer.pressed);
  if (reading === 'invalid')
    return replied(visit, 'return_visit_invalid', sayTo(visit, returnVisitTexts.notAnAnswer));
  if (!reading) return undefined;
  if (reading.answer === 'no') {
    const why = localize(returnVisitStaffTexts.notSolved, ctx.staffLanguage);
    return reopenForDetail(ctx, answer, { solved: false }, why, 'return_visit_not_solved');
  }
  await updateVisit(ctx, visit, { solved: true, step: 'rating', stepAskedAt: at, answeredAt: at });
  return replied(visit, 'return_visit_solved', followUpQuestion(visit, 'rating'));
}

/** The rating goes onto the case; 2 or less reopens it, else the owner may add a comment. */
export async function answerRating(
  ctx: VisitContext,
  answer: StepAnswer,
): Promise<OutreachReply | undefined> {
  const { visit, at } = answer;
  const reading = readRating(answer.text, answer.pressed);
  if (reading === 'invalid') {
    const lead = localize(returnVisitTexts.notAScore, visit.language);
    return replied(visit, 'return_visit_invalid', followUpQuestion(visit, 'rating', lead));
  }
  if (!reading) return undefined;
  const rating = reading.answer;
  await unlessDone(() => ctx.tickets.recordReturnVisit(visit.ticketId, { rating }));
  if (rating <= 2) {
    const why = localize(returnVisitStaffTexts.lowRating, ctx.staffLanguage, { rating });
    return reopenForDetail(ctx, answer, { rating }, why, 'return_visit_low_rating');
  }
  await updateVisit(ctx, visit, { rating, step: 'comment', stepAskedAt: at, answeredAt: at });
  return replied(visit, 'return_visit_rated', followUpQuestion(visit, 'comment'));
}

/** The comment (or a skip) ends the visit and closes the case, unless it still needs staff. */
export async function answerComment(
  ctx: VisitContext,
  answer: StepAnswer,
): Promise<OutreachReply | undefined> {
  const { visit, at } = answer;
  const comment = readComment(answer.text, answer.pressed, answer.fresh);
  if (comment === undefined) return undefined;
  await unlessDone(() =>
    ctx.tickets.recordReturnVisit(visit.ticketId, { rating: visit.rating ?? 3, comment }),
  );
  await updateVisit(ctx, visit, { comment, status: 'answered', step: 'done', answeredAt: at });
  const closed = await closeSatisfied(ctx, visit);
  return replied(
    visit,
    'return_visit_done',
    closed
      ? sayTo(visit, returnVisitTexts.thanks, { reference: visit.reference })
      : sayTo(visit, returnVisitTexts.thanksOpen),
  );
}

/** What is still wrong goes onto the reopened case and to its staff thread. */
export async function answerDetail(
  ctx: VisitContext,
  answer: StepAnswer,
): Promise<OutreachReply | undefined> {
  const { visit, at, messageKey } = answer;
  const text = readDetail(answer.text, answer.fresh);
  if (text === undefined) return undefined;
  await ctx.tickets.addOwnerMessage(visit.ticketId, { text, messageKey, at });
  await updateVisit(ctx, visit, { comment: text.slice(0, MAX_COMMENT), step: 'done' });
  await tellStaff(
    ctx,
    `relay:${messageKey}`,
    visit.ticketId,
    localize(returnVisitStaffTexts.detail, ctx.staffLanguage, { reference: visit.reference, text }),
    { thread: true },
  );
  return replied(visit, 'return_visit_detail', sayTo(visit, returnVisitTexts.detailNoted));
}
