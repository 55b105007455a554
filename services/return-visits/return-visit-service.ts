import type { OutreachAnswerer } from '../surveys/outreach-answer';
import { answerVisit } from './answer-visit';
import type { ReturnVisitRecord } from './return-visit-model';
import { visitContextOf, type ReturnVisitDeps } from './visit-context';
import { runVisitPass } from './visit-pass';
import { openVisit, visitsBetween } from './visit-queries';

export { DEFAULT_RETURN_VISIT_SETTINGS, type ReturnVisitSettings } from './visit-context';

/**
 * Return visits (the trade's step after handling): a configurable delay after a case is
 * resolved the owner is asked "Was it solved? How satisfied (1-5)? Anything to add?".
 * "No" or a rating of 2 or less reopens the case (it stays with its staff owner, the SLA
 * starts a new round) and tells staff again; no answer in time flags it for a phone visit.
 * The case changes only through the ticket service's verbs.
 */
export function createReturnVisitService(deps: ReturnVisitDeps) {
  const ctx = visitContextOf(deps);

  const answerer: OutreachAnswerer = {
    accepts: (action) => action.startsWith('rv:'),
    async pendingSince(identity) {
      return (await openVisit(ctx, identity.key))?.stepAskedAt;
    },
    answer: (input) => answerVisit(ctx, input),
  };

  return {
    /**
     * One pass: asks about cases resolved at least `delayMs` ago (outside quiet hours), flags
     * visits without an answer after `phoneAfterMs`, and closes satisfied visits whose owner
     * never added a comment.
     */
    run: () => runVisitPass(ctx),
    answerer,
    /** Visits answered or flagged in [from, to), for the daily digest. */
    between: (from: Date, to: Date): Promise<ReturnVisitRecord[]> => visitsBetween(ctx, from, to),
  };
}

export type ReturnVisitService = ReturnType<typeof createReturnVisitService>;
