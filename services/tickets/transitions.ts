import { CATEGORIES, INTENTS, isCategory, isIntent, type Category, type Intent } from '../../nlp/labels';
import { DomainError } from '../errors';
import { MissingFieldsError, type ResolutionField } from './case-errors';
import { ACTIVE_STATUSES, nextDueStep } from './case-sla';
import type { SlaClass, SlaPolicy, SlaStep } from './sla';
import type { TicketKind, TicketMessage, TicketRecord, TicketStatus, TicketSummary } from './ticket-model';

/**
 * The decide table of a case, as pure functions: given the case as it is and what someone
 * asks, either the change to make or a DomainError saying why not. Nothing here reads or
 * writes; case-store.ts applies a change only over the version it was decided on.
 */

/** A staff member as the desk knows them. */
export interface Staff {
  id: string;
  name: string;
  /** Supervisors may act on any case, whoever owns it. */
  supervisor?: boolean;
}

/** What callers hear of: a step of the method, an SLA step, or a hand-over. */
export type CaseEventType =
  | 'received'
  | 'claimed'
  | 'started'
  | 'resolved'
  | 'return_visit'
  | 'return_visit_recorded'
  | 'closed'
  | 'reopened'
  | 'handover_offered'
  | 'handover_accepted'
  | 'handover_declined'
  | 'labels_corrected'
  | 'sla_warning'
  | 'sla_escalation';

/** What one change does to a case: the status it moves to, fields to set, values to append. */
export interface Change {
  action: CaseEventType | 'owner_message' | 'staff_message' | 'note' | 'bot_message' | 'staff_thread_set';
  to?: TicketStatus;
  set?: Record<string, unknown>;
  push?: Record<string, unknown>;
  note?: string;
  step?: SlaStep;
  /** Messages and the staff thread are records of their own, not steps of the method. */
  history?: false;
  /** The one-time id of the staff action deciding this, kept on the history entry. */
  actionId?: string;
}

/** What a resolution carries: the result (the note the owner reads) and a complaint's summary. */
export interface ResolveOptions {
  summary?: Partial<TicketSummary>;
  /** Refuse a complaint without all three parts of its summary. */
  requireSummary?: boolean;
  /** Refuse an empty result: the desks require one, since the owner is told it. */
  requireResult?: boolean;
  /** The one-time id of the form or modal: a repeat of it changes nothing. */
  actionId?: string;
}

type Verb = keyof typeof ALLOWED;

/** The transitions of the trade's method: receive, handle, return visit, summary. */
export const ALLOWED = {
  claim: ['new', 'reopened'],
  start: ['claimed', 'reopened'],
  resolve: ['claimed', 'in_progress', 'reopened'],
  return_visit: ['resolved'],
  close: ['resolved', 'return_visit'],
  reopen: ['resolved', 'return_visit', 'closed'],
  offer_handover: ['claimed', 'in_progress', 'reopened'],
  record_return_visit: ['resolved', 'return_visit'],
} as const satisfies Record<string, readonly TicketStatus[]>;

/** How errors name each verb: "Cannot resolve case WO-2611-0042: it is closed (...)". */
const VERB_NAMES: Partial<Record<Verb, string>> = {
  return_visit: 'start the return visit of',
  offer_handover: 'hand over',
  record_return_visit: 'record the return visit of',
};

/** The SLA targets a case is held to. */
export function slaClassOf(kind: TicketKind, intent: string): SlaClass {
  if (kind === 'emergency') return 'emergency';
  if (kind === 'complaint' || intent === 'dissatisfaction') return 'dissatisfaction';
  if (intent === 'help_seeking' || intent === 'consulting') return intent;
  return 'other';
}

/** A complaint by kind, or any case worded as dissatisfaction: it needs a summary to close. */
export const isComplaint = (ticket: Pick<TicketRecord, 'kind' | 'intent'>) =>
  ticket.kind === 'complaint' || ticket.intent === 'dissatisfaction';

/** Emergencies are urgent, complaints high, everything else normal. */
export function priorityOf(ticket: Pick<TicketRecord, 'kind' | 'intent'>): TicketRecord['priority'] {
  if (ticket.kind === 'emergency') return 'urgent';
  return isComplaint(ticket) ? 'high' : 'normal';
}

/** The summary with every part trimmed, or undefined unless all three parts are written. */
export function completeSummary(
  summary: Partial<TicketSummary> | null | undefined,
): TicketSummary | undefined {
  const parts = [summary?.rootCause, summary?.correctiveAction, summary?.preventiveAction].map((part) =>
    typeof part === 'string' ? part.trim() : '',
  );
  if (parts.some((part) => part === '')) return undefined;
  const [rootCause, correctiveAction, preventiveAction] = parts as [string, string, string];
  return { rootCause, correctiveAction, preventiveAction };
}

function assertFrom(verb: Verb, ticket: TicketRecord): void {
  const allowed: readonly TicketStatus[] = ALLOWED[verb];
  if (allowed.includes(ticket.status)) return;
  throw new DomainError(
    'invalid_transition',
    `Cannot ${VERB_NAMES[verb] ?? verb} case ${ticket.reference}: it is ${ticket.status} (allowed from: ${allowed.join(', ')})`,
  );
}

/** First-inquiry responsibility: whoever owns a case works it until an accepted hand-over. */
function requireOwner(ticket: TicketRecord, staff: Staff, action: string): void {
  if (ticket.assignee && ticket.assignee !== staff.id && !staff.supervisor) {
    throw new DomainError(
      'not_owner',
      `Case ${ticket.reference} belongs to ${ticket.assigneeName || ticket.assignee} (first-inquiry responsibility); ask them to hand it over before you ${action} it`,
    );
  }
}

function requireHandoverTo(ticket: TicketRecord, to: Staff): void {
  if (ticket.pendingHandover?.to !== to.id)
    throw new DomainError('no_handover', `Case ${ticket.reference} has no hand-over waiting for you`);
}

/** Claiming, starting and resolving make the staff member the case's owner and stop the acknowledge clock. */
const takenOnBy = (ticket: TicketRecord, staff: Staff, now: Date) => ({
  assignee: staff.id,
  assigneeName: staff.name,
  acknowledgedAt: ticket.acknowledgedAt ?? now,
});

/** The first claim makes its maker the owner; anyone else claiming a held case is told who holds it. */
export function claim(ticket: TicketRecord, staff: Staff, now: Date): Change {
  if ((ticket.status === 'claimed' || ticket.status === 'in_progress') && ticket.assignee !== staff.id) {
    throw new DomainError(
      'already_claimed',
      `Case ${ticket.reference} is already claimed by ${ticket.assigneeName || ticket.assignee}`,
    );
  }
  assertFrom('claim', ticket);
  requireOwner(ticket, staff, 'claim');
  return { action: 'claimed', to: 'claimed', set: takenOnBy(ticket, staff, now) };
}

/** Work begins (a reopened case may go straight back to work without a new claim). */
export function start(ticket: TicketRecord, staff: Staff, now: Date): Change {
  assertFrom('start', ticket);
  requireOwner(ticket, staff, 'start');
  return { action: 'started', to: 'in_progress', set: takenOnBy(ticket, staff, now) };
}

/** The empty parts of a resolution that the options require, in the order the forms show them. */
export function missingParts(ticket: TicketRecord, note: string, options: ResolveOptions): ResolutionField[] {
  const missing: ResolutionField[] = [];
  if (options.requireResult && note.trim() === '') missing.push('result');
  if (options.requireSummary && isComplaint(ticket)) {
    const summary = options.summary ?? {};
    for (const part of ['rootCause', 'correctiveAction', 'preventiveAction'] as const)
      if (String(summary[part] ?? '').trim() === '') missing.push(part);
  }
  return missing;
}

/**
 * Work done; a waiting hand-over lapses. `requireResult` refuses an empty result and
 * `requireSummary` a complaint without its summary, naming every empty part at once.
 */
export function resolve(
  ticket: TicketRecord,
  staff: Staff,
  now: Date,
  note: string,
  options: ResolveOptions = {},
): Change {
  assertFrom('resolve', ticket);
  requireOwner(ticket, staff, 'resolve');
  const missing = missingParts(ticket, String(note), options);
  if (missing.length > 0) throw new MissingFieldsError(ticket.reference, missing);
  const summary = completeSummary(options.summary);
  return {
    action: 'resolved',
    to: 'resolved',
    set: {
      resolvedAt: now,
      acknowledgedAt: ticket.acknowledgedAt ?? now,
      pendingHandover: null,
      ...(summary ? { summary } : {}),
    },
    note: String(note).trim().slice(0, 2000),
  };
}

/** The return visit begins: the owner is asked whether the problem is really gone. */
export function startReturnVisit(ticket: TicketRecord): Change {
  assertFrom('return_visit', ticket);
  return { action: 'return_visit', to: 'return_visit' };
}

function assertRating(rating: number): void {
  if (!Number.isInteger(rating) || rating < 1 || rating > 5)
    throw new DomainError('invalid_rating', 'A rating is a whole number from 1 to 5');
}

/** The owner's answer to the return visit. */
export function recordReturnVisit(
  ticket: TicketRecord,
  answer: { rating: number; comment?: string },
  now: Date,
): Change {
  assertRating(answer.rating);
  assertFrom('record_return_visit', ticket);
  const comment = String(answer.comment ?? '').slice(0, 2000);
  return {
    action: 'return_visit_recorded',
    set: { returnVisit: { rating: answer.rating, comment, at: now } },
  };
}

/** Closing a complaint needs all three parts of the summary, given now or when resolving. */
export function close(ticket: TicketRecord, summary: Partial<TicketSummary> | undefined, now: Date): Change {
  assertFrom('close', ticket);
  const complete = completeSummary(summary) ?? completeSummary(ticket.summary);
  if (isComplaint(ticket) && !complete) {
    throw new DomainError(
      'summary_required',
      `Complaint ${ticket.reference} needs a summary before it closes: root cause, corrective action and preventive action`,
    );
  }
  return {
    action: 'closed',
    to: 'closed',
    set: { closedAt: now, ...(complete ? { summary: complete } : {}) },
  };
}

/**
 * Back to work with the same owner, who claims it again. The SLA starts a new round from
 * now, so an old case does not go straight to the manager.
 */
export function reopen(ticket: TicketRecord, reason: string, now: Date): Change {
  assertFrom('reopen', ticket);
  return {
    action: 'reopened',
    to: 'reopened',
    set: {
      closedAt: null,
      resolvedAt: null,
      pendingHandover: null,
      acknowledgedAt: null,
      slaStartedAt: now,
      slaRound: (ticket.slaRound ?? 0) + 1,
      slaSteps: [],
      escalationLevel: 0,
    },
    note: String(reason ?? '').slice(0, 500),
  };
}

/** The owner (or a supervisor) offers the case to a colleague; it stays theirs until `to` accepts. */
export function offerHandover(ticket: TicketRecord, from: Staff, to: Staff, now: Date): Change {
  assertFrom('offer_handover', ticket);
  requireOwner(ticket, from, 'hand over');
  if (to.id === ticket.assignee)
    throw new DomainError('invalid_handover', `${to.name || to.id} already owns case ${ticket.reference}`);
  return {
    action: 'handover_offered',
    set: { pendingHandover: { from: from.id, to: to.id, toName: to.name, at: now } },
    note: `to ${to.name || to.id}`,
  };
}

/** The colleague offered the case takes it: from now on it is theirs. */
export function acceptHandover(ticket: TicketRecord, to: Staff): Change {
  requireHandoverTo(ticket, to);
  return {
    action: 'handover_accepted',
    set: { assignee: to.id, assigneeName: to.name, pendingHandover: null },
    note: `from ${ticket.assigneeName || ticket.assignee}`,
  };
}

/** The colleague offered the case says no: it stays with its owner. */
export function declineHandover(ticket: TicketRecord, to: Staff): Change {
  requireHandoverTo(ticket, to);
  return { action: 'handover_declined', set: { pendingHandover: null } };
}

/** Labels the classifier knows, or `invalid_labels`. */
export function assertLabels(labels: {
  intent: string;
  category: string;
}): asserts labels is { intent: Intent; category: Category } {
  if (!isIntent(labels.intent) || !isCategory(labels.category)) {
    throw new DomainError(
      'invalid_labels',
      `Intent must be one of ${INTENTS.join(', ')}; category one of ${CATEGORIES.join(', ')}`,
    );
  }
}

/** Staff's verdict on intent and category (priority follows); the same verdict again changes nothing. */
export function correctLabels(
  ticket: TicketRecord,
  labels: { intent: Intent; category: Category },
): Change | null {
  const { intent, category } = labels;
  if (ticket.intent === intent && ticket.category === category) return null;
  return {
    action: 'labels_corrected',
    set: { intent, category, priority: priorityOf({ kind: ticket.kind, intent }) },
    note: `${ticket.intent}/${ticket.category} -> ${intent}/${category}`,
  };
}

/** A message goes on the case once per `messageKey`; a late owner message never moves the clock back. */
export function addMessage(ticket: TicketRecord, message: TicketMessage): Change | null {
  if (ticket.messages.some((existing) => existing.messageKey === message.messageKey)) return null;
  const later = message.from === 'owner' && message.at > ticket.lastOwnerMessageAt;
  const actions = {
    owner: 'owner_message',
    staff: 'staff_message',
    note: 'note',
    bot: 'bot_message',
  } as const;
  return {
    action: actions[message.from],
    set: later ? { lastOwnerMessageAt: message.at } : {},
    push: { messages: message },
    history: false,
  };
}

/** Where staff discuss the case; setting the same thread again changes nothing. */
export function setStaffThread(
  ticket: TicketRecord,
  thread: { channel: string; threadId: string },
): Change | null {
  const current = ticket.staffThread;
  if (current?.channel === thread.channel && current.threadId === thread.threadId) return null;
  return {
    action: 'staff_thread_set',
    set: { staffThread: { channel: thread.channel, threadId: thread.threadId } },
    history: false,
  };
}

/** The oldest SLA warning or escalation due at `at` that the case has not had, as a change. */
export function slaStep(ticket: TicketRecord, at: Date, policy: SlaPolicy): Change | null {
  if (!ACTIVE_STATUSES.includes(ticket.status)) return null;
  const step = nextDueStep(ticket, at, policy);
  if (!step) return null;
  return {
    action: step.type === 'warning' ? 'sla_warning' : 'sla_escalation',
    set: step.type === 'escalation' ? { escalationLevel: Math.max(ticket.escalationLevel, step.level) } : {},
    push: { slaSteps: step.key },
    note: `${step.key} -> ${step.target}`,
    step,
  };
}
