import { trusted } from '../database/connect';
import { isQuiet } from '../surveys/local-time';
import type { TicketRecord } from '../tickets/ticket-model';
import { closeSatisfied, flagPhone } from './case-outcomes';
import type { ReturnVisitRecord } from './return-visit-model';
import { startVisit } from './start-visit';
import { updateVisit, type VisitContext } from './visit-context';

/** Cases asked about in one pass at most; the next pass takes the rest, oldest first. */
const MAX_ASKED_PER_PASS = 200;

/** Asks about every case resolved at least `delayMs` before `now` (suggestions get no visit). */
async function askDue(ctx: VisitContext, now: Date): Promise<number> {
  const due = await ctx.Tickets.find({
    status: 'resolved',
    resolvedAt: trusted({ $lte: new Date(now.getTime() - ctx.settings.delayMs) }),
    kind: trusted({ $ne: 'suggestion' }),
  })
    .sort({ resolvedAt: 1 })
    .limit(MAX_ASKED_PER_PASS)
    .lean<TicketRecord[]>();
  let asked = 0;
  for (const stale of due) {
    const ticket = await ctx.tickets.get(String(stale._id)); // caught up with its event log
    if (ticket.status !== 'resolved') continue;
    if (await startVisit(ctx, ticket, now)) asked++;
  }
  return asked;
}

/**
 * Settles visits whose question went unanswered for `phoneAfterMs`: a satisfied owner who
 * never added a comment has the case closed, any other is flagged for a phone call.
 */
async function settleOverdue(ctx: VisitContext, now: Date): Promise<{ phone: number; closed: number }> {
  const overdue = await ctx.Visits.find({
    status: 'asked',
    stepAskedAt: trusted({ $lte: new Date(now.getTime() - ctx.settings.phoneAfterMs) }),
  }).lean<ReturnVisitRecord[]>();
  const result = { phone: 0, closed: 0 };
  for (const visit of overdue) {
    if (visit.step === 'comment') {
      await updateVisit(ctx, visit, { status: 'answered', step: 'done' });
      if (await closeSatisfied(ctx, visit)) result.closed++;
    } else {
      await flagPhone(ctx, visit, now);
      result.phone++;
    }
  }
  return result;
}

/**
 * One pass: asks about cases resolved at least `delayMs` ago (outside quiet hours), flags
 * visits without an answer after `phoneAfterMs`, and closes satisfied visits whose owner
 * never added a comment.
 */
export async function runVisitPass(
  ctx: VisitContext,
): Promise<{ asked: number; phone: number; closed: number }> {
  await ctx.Visits.init();
  const now = ctx.clock.now();
  const { quietHours, timeZone } = ctx.settings;
  const asked = isQuiet(now, quietHours, timeZone) ? 0 : await askDue(ctx, now);
  return { asked, ...(await settleOverdue(ctx, now)) };
}
