import { DomainError } from '../errors';
import type { TicketMessage, TicketRecord, TicketStatus } from './ticket-model';
import { addMessage, type Change, type Staff } from './transitions';

/** Statuses in which a case is held by a staff member, who may then write to the owner. */
export const REPLY_STATUSES: readonly TicketStatus[] = ['claimed', 'in_progress'];

const isDuplicate = (ticket: TicketRecord, messageKey: string) =>
  ticket.messages.some((existing) => existing.messageKey === messageKey);

/** What the bot told the owner about a case, as the case keeps it (once per `messageKey`). */
export function botMessage(text: string, messageKey: string, at: Date): TicketMessage {
  return { at, from: 'bot', text, messageKey, attachments: [] };
}

/**
 * A staff reply to the owner. First-inquiry responsibility: only the staff member who holds
 * the case (or a supervisor) writes to the owner, and only while it is held; a reply already
 * on the case (the same key: a double submit, a platform retry) changes nothing.
 */
export function staffReply(ticket: TicketRecord, staff: Staff, message: TicketMessage): Change | null {
  if (isDuplicate(ticket, message.messageKey)) return null;
  if (!REPLY_STATUSES.includes(ticket.status)) {
    throw new DomainError(
      'not_held',
      `Claim case ${ticket.reference} before replying to the owner (it is ${ticket.status})`,
    );
  }
  if (ticket.assignee !== staff.id && !staff.supervisor) {
    throw new DomainError(
      'not_owner',
      `Case ${ticket.reference} belongs to ${ticket.assigneeName || ticket.assignee} (first-inquiry responsibility); only they reply to the owner`,
    );
  }
  return addMessage(ticket, { ...message, from: 'staff', by: staff.id, byName: staff.name });
}

/** A note for colleagues only: any staff member, any status; never sent to the owner. */
export function staffNote(ticket: TicketRecord, staff: Staff, message: TicketMessage): Change | null {
  if (message.text.trim() === '') throw new DomainError('empty_note', 'A note needs some words');
  return addMessage(ticket, { ...message, from: 'note', by: staff.id, byName: staff.name });
}
