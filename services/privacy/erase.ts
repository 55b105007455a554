import type { Connection } from 'mongoose';

/** What a case says in place of erased owner words (reports still count the case). */
export const ERASED_TITLE = '(erased)';

/**
 * Erases owner words from a set of cases: message texts and attachments (all, or only those
 * older than `before`), the title once its first message is erased, and the return-visit
 * comment. Each element is set by index, so a message another instance appends meanwhile is
 * never overwritten. Cases changed by earlier releases also have entries in `ticket_events`,
 * a per-change log that quoted the owner and that nothing reads any more: an erased case's
 * entries are deleted. Returns how many texts were erased.
 */
export async function eraseTicketTexts(
  connection: Connection,
  ticketIds: unknown[],
  options: { before?: Date; extraSet?: Record<string, unknown> } = {},
): Promise<{ tickets: number; messages: number; events: number }> {
  const Tickets = connection.collection('tickets');
  const OldEvents = connection.collection('ticket_events');
  const old = (at: unknown) => !options.before || (at instanceof Date && at < options.before);
  let tickets = 0;
  let messages = 0;
  let events = 0;
  for (const id of ticketIds) {
    const ticket = await Tickets.findOne(
      { _id: id as never },
      { projection: { messages: 1, title: 1, returnVisit: 1 } },
    );
    if (!ticket) continue;
    const set: Record<string, unknown> = { ...(options.extraSet ?? {}) };
    const list = (ticket.messages ?? []) as Array<{ at?: Date; text?: string; attachments?: unknown[] }>;
    list.forEach((message, index) => {
      if (!old(message.at)) return;
      if (message.text) {
        set[`messages.${index}.text`] = '';
        messages++;
      }
      if (message.attachments?.length) set[`messages.${index}.attachments`] = [];
    });
    const firstErased = list.length > 0 && old(list[0]?.at);
    if (firstErased && ticket.title !== ERASED_TITLE) set.title = ERASED_TITLE;
    const comment = (ticket.returnVisit as { comment?: string; at?: Date } | undefined) ?? {};
    if (comment.comment && old(comment.at)) set['returnVisit.comment'] = '';
    if (Object.keys(set).length > 0) {
      await Tickets.updateOne({ _id: id as never }, { $set: set });
      tickets++;
    }
    events += (await OldEvents.deleteMany({ ticketId: String(id) })).deletedCount;
  }
  return { tickets, messages, events };
}
