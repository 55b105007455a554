import type { SlaPolicy } from '../tickets/sla';
import { DEFAULT_SLA_POLICY, deadlinesOf } from '../tickets/sla';
import type { TicketRecord } from '../tickets/ticket-model';

/** The ticket fields reports and exports read (never `messages`: they are the bulk of a case). */
export const CASE_FIELDS = [
  'reference',
  'kind',
  'slaClass',
  'intent',
  'category',
  'ownerId',
  'building',
  'unit',
  'status',
  'assignee',
  'assigneeName',
  'history',
  'summary',
  'acknowledgedAt',
  'resolvedAt',
  'closedAt',
  'slaRound',
  'slaSteps',
  'escalationLevel',
  'returnVisit',
  'quarter',
  'month',
  'createdAt',
  'title',
] as const;

export type CaseRow = Pick<TicketRecord, (typeof CASE_FIELDS)[number] | '_id'>;

/** A deadline's outcome: met, missed, or still running (and not yet missed). */
export type SlaOutcome = 'met' | 'breached' | 'pending';

export interface CaseFacts {
  /** Minutes from opening until staff first took it on (claim, start or resolve); null before. */
  firstResponseMinutes: number | null;
  /** Minutes from opening until it was first resolved; null before. */
  resolutionMinutes: number | null;
  acknowledge: SlaOutcome;
  resolve: SlaOutcome;
  /** Times the case was reopened. */
  reopens: number;
  open: boolean;
  complaint: boolean;
}

const MINUTE = 60_000;
const RESPONSES = new Set(['claimed', 'started', 'resolved']);
/** Statuses of a case still being worked on. */
export const OPEN_STATUSES = ['new', 'claimed', 'in_progress', 'reopened'] as const;
const OPEN = new Set<string>(OPEN_STATUSES);

/**
 * What a case says about service levels. Times are measured in the first round (from
 * opening); a deadline missed in any round, as the SLA ladder recorded it (`slaSteps` and
 * `sla_escalation` history entries), counts as breached too.
 */
export function caseFacts(ticket: CaseRow, now: Date, policy: SlaPolicy = DEFAULT_SLA_POLICY): CaseFacts {
  const opened = ticket.createdAt.getTime();
  const history = Array.isArray(ticket.history) ? ticket.history : [];
  const responded = history.find((h) => RESPONSES.has(h.action));
  const resolved = history.find((h) => h.action === 'resolved');
  const firstResponseAt = responded ? new Date(responded.at).getTime() : null;
  const resolvedAt = resolved ? new Date(resolved.at).getTime() : null;
  const { acknowledgeBy, resolveBy } = deadlinesOf(
    { slaClass: ticket.slaClass, openedAt: ticket.createdAt, acknowledgedAt: null, settled: false },
    policy,
  );
  // A reopening clears `slaSteps`; the history keeps every escalation of every round.
  const escalations = [
    ...(ticket.slaSteps ?? []),
    ...history.filter((h) => h.action === 'sla_escalation').map((h) => String(h.note)),
  ];
  const outcome = (done: number | null, by: Date, deadline: 'acknowledge' | 'resolve'): SlaOutcome => {
    const ladder = escalations.some((key) => key.includes(`${deadline}:escalation`));
    if (done !== null) return done > by.getTime() || ladder ? 'breached' : 'met';
    return now.getTime() > by.getTime() || ladder ? 'breached' : 'pending';
  };
  return {
    firstResponseMinutes: firstResponseAt === null ? null : (firstResponseAt - opened) / MINUTE,
    resolutionMinutes: resolvedAt === null ? null : (resolvedAt - opened) / MINUTE,
    acknowledge: outcome(firstResponseAt, acknowledgeBy, 'acknowledge'),
    resolve: outcome(resolvedAt, resolveBy, 'resolve'),
    reopens: ticket.slaRound ?? 0,
    open: OPEN.has(ticket.status),
    complaint: ticket.kind === 'complaint' || ticket.intent === 'dissatisfaction',
  };
}

/** The age buckets of the "open cases by age" view, in days (upper bounds, exclusive). */
export const AGE_BUCKETS = [
  { key: 'lt1d', upTo: 1 },
  { key: '1to3d', upTo: 3 },
  { key: '3to7d', upTo: 7 },
  { key: '7to30d', upTo: 30 },
  { key: 'gt30d', upTo: Infinity },
] as const;

export function ageBucket(openedAt: Date, now: Date): (typeof AGE_BUCKETS)[number]['key'] {
  const days = (now.getTime() - openedAt.getTime()) / 86_400_000;
  return AGE_BUCKETS.find((bucket) => days < bucket.upTo)?.key ?? 'gt30d';
}

/** The median and 90th percentile of a list of minutes (null when empty). */
export function spread(values: number[]): { median: number | null; p90: number | null; count: number } {
  if (values.length === 0) return { median: null, p90: null, count: 0 };
  const sorted = [...values].sort((a, b) => a - b);
  const at = (p: number) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] as number;
  const mid = Math.floor(sorted.length / 2);
  const median =
    sorted.length % 2 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
  return { median, p90: at(0.9), count: sorted.length };
}
