import { randomBytes } from 'node:crypto';
import type { Address } from '../channels/types';
import { isDuplicateKey } from '../outbox/outbox';
import { periodKeys, type TicketRecord } from '../tickets/ticket-model';
import { flagPhone, unlessDone } from './case-outcomes';
import type { ReturnVisitRecord } from './return-visit-model';
import type { VisitContext } from './visit-context';
import { solvedQuestion } from './visit-questions';

/** One visit per case per resolution: a case reopened and resolved again is in a new SLA round. */
const visitIdOf = (ticket: TicketRecord) => `${String(ticket._id)}:${ticket.slaRound ?? 0}`;

/** A new visit of the case's current resolution, asking whether it was solved. */
function newVisit(ticket: TicketRecord, now: Date, timeZone: string): ReturnVisitRecord {
  const round = ticket.slaRound ?? 0;
  return {
    _id: visitIdOf(ticket),
    ticketId: String(ticket._id),
    reference: ticket.reference,
    round,
    ownerId: ticket.ownerId,
    identityKey: ticket.identityKey,
    address: { ...ticket.address },
    language: ticket.language,
    building: ticket.building,
    kind: ticket.kind,
    assignee: ticket.assignee,
    assigneeName: ticket.assigneeName,
    status: 'asked',
    step: 'solved',
    resolvedAt: ticket.resolvedAt ?? now,
    askedAt: now,
    stepAskedAt: now,
    solved: null,
    rating: null,
    comment: '',
    answeredAt: null,
    phoneFlaggedAt: null,
    buttonToken: randomBytes(12).toString('base64url'),
    quarter: periodKeys(now, timeZone).quarter,
  };
}

/** The visit of this resolution, inserted first if there is none (another instance may win the insert). */
async function visitOf(ctx: VisitContext, ticket: TicketRecord, now: Date) {
  const stored = await ctx.Visits.findById(visitIdOf(ticket)).lean<ReturnVisitRecord>();
  if (stored) return stored;
  const record = newVisit(ticket, now, ctx.settings.timeZone);
  try {
    await ctx.Visits.create(record);
    return record;
  } catch (error) {
    if (!isDuplicateKey(error)) throw error;
    return ctx.Visits.findById(record._id).lean<ReturnVisitRecord>();
  }
}

function ownerAddressOf(visit: ReturnVisitRecord): Address {
  return {
    channel: visit.address.channel as Address['channel'],
    conversationId: visit.address.conversationId,
    ...(visit.address.threadId ? { threadId: visit.address.threadId } : {}),
  };
}

/**
 * Starts the visit of one resolved case: the case moves to its return visit and the owner
 * is asked (or, unreachable, flagged for a phone call). Safe to repeat: keyed by case and
 * round, and false once the visit is past its first question.
 */
export async function startVisit(ctx: VisitContext, ticket: TicketRecord, now: Date): Promise<boolean> {
  const visit = await visitOf(ctx, ticket, now);
  if (!visit || visit.status !== 'asked' || visit.step !== 'solved') return false;
  await unlessDone(() => ctx.tickets.startReturnVisit(visit.ticketId, 'return-visit'));
  const identity = await ctx.owners.identityByKey(visit.identityKey);
  if (identity?.unreachable) {
    await flagPhone(ctx, visit, now);
    return true;
  }
  await ctx.outbox.enqueue({
    key: `return-visit:${visit._id}`,
    address: ownerAddressOf(visit),
    purpose: 'return_visit',
    caseId: visit.ticketId,
    ...(visit.ownerId ? { ownerId: visit.ownerId } : {}),
    message: solvedQuestion(visit, ticket.title),
  });
  return true;
}
