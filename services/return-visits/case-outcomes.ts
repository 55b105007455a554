import { DomainError } from '../errors';
import { returnVisitStaffTexts } from '../i18n/return-visits';
import { localize } from '../i18n/text';
import type { ReturnVisitRecord } from './return-visit-model';
import { handlerOf, tellStaff } from './staff-notices';
import { updateVisit, type VisitContext } from './visit-context';

/** A ticket verb refused because the case is no longer where the visit left it. */
const isInvalidTransition = (error: unknown) =>
  error instanceof DomainError && error.code === 'invalid_transition';

/**
 * Runs a ticket verb that a retried handling of the same answer, or staff meanwhile, may
 * have applied already: that refusal is the verb's effect being in place, not an error.
 */
export async function unlessDone(verb: () => Promise<unknown>): Promise<void> {
  try {
    await verb();
  } catch (error) {
    if (!isInvalidTransition(error)) throw error;
  }
}

/** Reopens the case for its staff owner and tells staff again (keyed: once per visit). */
export async function reopenCase(ctx: VisitContext, visit: ReturnVisitRecord, why: string): Promise<void> {
  await unlessDone(() => ctx.tickets.reopen(visit.ticketId, 'return-visit', `Return visit: ${why}`));
  await tellStaff(
    ctx,
    `escalation:${visit.ticketId}:return_visit_r${visit.round}`,
    visit.ticketId,
    localize(returnVisitStaffTexts.reopened, ctx.staffLanguage, {
      reference: visit.reference,
      why,
      assignee: handlerOf(visit),
    }),
    { claim: true },
  );
}

/** Closes a case the owner was satisfied with; a complaint without its summary waits for staff. */
export async function closeSatisfied(ctx: VisitContext, visit: ReturnVisitRecord): Promise<boolean> {
  try {
    await ctx.tickets.close(visit.ticketId, 'return-visit');
    return true;
  } catch (error) {
    if (
      error instanceof DomainError &&
      (error.code === 'summary_required' || error.code === 'invalid_transition')
    ) {
      ctx.log.info(
        { reference: visit.reference, reason: error.code },
        'Case left open after its return visit',
      );
      return false;
    }
    throw error;
  }
}

/** Marks the visit for a phone call (no answer, or an owner the bot cannot reach) and tells staff once. */
export async function flagPhone(ctx: VisitContext, visit: ReturnVisitRecord, now: Date): Promise<void> {
  await updateVisit(ctx, visit, { status: 'phone', phoneFlaggedAt: now, step: 'done' });
  await tellStaff(
    ctx,
    `return-visit-phone:${visit._id}`,
    visit.ticketId,
    localize(returnVisitStaffTexts.phone, ctx.staffLanguage, {
      reference: visit.reference,
      days: Math.round(ctx.settings.phoneAfterMs / 86_400_000),
    }),
    { thread: true },
  );
  ctx.log.info({ reference: visit.reference }, 'Return visit flagged for a phone call');
}
