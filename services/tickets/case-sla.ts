import { dueSlaSteps, type SlaPolicy, type SlaStep, type SlaSubject } from './sla';
import type { TicketRecord, TicketStatus } from './ticket-model';

/** Statuses in which staff owe the owner something: the SLA clock runs. */
export const ACTIVE_STATUSES: readonly TicketStatus[] = ['new', 'claimed', 'in_progress', 'reopened'];
/** Statuses in which nothing is due any more. */
export const SETTLED_STATUSES: readonly TicketStatus[] = ['resolved', 'return_visit', 'closed'];
/** `slaCheckAt` of a case with nothing left to check: later than any poll. */
export const FAR_FUTURE = new Date('9999-12-31T00:00:00Z');

export type SlaFields = Pick<TicketRecord, 'slaClass' | 'createdAt' | 'acknowledgedAt' | 'status'> &
  Partial<Pick<TicketRecord, 'slaStartedAt' | 'slaRound'>>;

/** The SLA's view of a case. Cases stored before SLA rounds existed count from their opening. */
export function slaSubjectOf(ticket: SlaFields): SlaSubject {
  return {
    slaClass: ticket.slaClass,
    openedAt: ticket.slaStartedAt ?? ticket.createdAt,
    acknowledgedAt: ticket.acknowledgedAt,
    settled: SETTLED_STATUSES.includes(ticket.status),
    round: ticket.slaRound ?? 0,
  };
}

/** The oldest step due at `at` that the case has not had yet, if any. */
export function nextDueStep(
  ticket: SlaFields & Pick<TicketRecord, 'slaSteps'>,
  at: Date,
  policy: SlaPolicy,
): SlaStep | undefined {
  return dueSlaSteps(slaSubjectOf(ticket), at, policy).find((step) => !ticket.slaSteps.includes(step.key));
}

/** The next moment an SLA step of this case may fall due (far future once settled or done). */
export function nextSlaCheck(ticket: SlaFields & Pick<TicketRecord, 'slaSteps'>, policy: SlaPolicy): Date {
  if (SETTLED_STATUSES.includes(ticket.status)) return FAR_FUTURE;
  return nextDueStep(ticket, FAR_FUTURE, policy)?.dueAt ?? FAR_FUTURE;
}
