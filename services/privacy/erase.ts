import type { Connection } from 'mongoose';

/** What a case says in place of erased owner words (reports still count the case). */
export const ERASED_TITLE = '(erased)';

/**
 * Erases owner words from a set of cases: message texts and attachments (all, or only those
 * older than `before`), the title once its first message is erased, the return-visit comment,
 * and the same fields inside the cases' event log (events carry what they set, so a roll-forward
 * would otherwise bring the words back). Each element is set by index, so a message another
 * instance appends meanwhile is never overwritten. Returns how many texts were erased.
 */
export async function eraseTicketTexts(
  connection: Connection,
  ticketIds: unknown[],
  options: { before?: Date; extraSet?: Record<string, unknown> } = {},
): Promise<{ tickets: number; messages: number; events: number }> {
  const Tickets = connection.collection('tickets');
  const Events = connection.collection('ticket_events');
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
    for (const event of await Events.find({ ticketId: String(id) }).toArray()) {
      if (options.before && !(event.at instanceof Date && event.at < options.before)) continue;
      const scrubbed = { set: scrub(event.set), push: scrub(event.push) };
      if (scrubbed.set.changed || scrubbed.push.changed) {
        await Events.updateOne(
          { _id: event._id },
          { $set: { set: scrubbed.set.value, push: scrubbed.push.value } },
        );
        events++;
      }
    }
  }
  return { tickets, messages, events };
}

/** Blanks `text`, `comment` and `attachments` (and `title`) wherever they appear in an event's fields. */
function scrub(value: unknown): { value: unknown; changed: boolean } {
  let changed = false;
  const walk = (node: unknown, key?: string): unknown => {
    if (Array.isArray(node)) {
      if (key === 'attachments' && node.length > 0) {
        changed = true;
        return [];
      }
      return node.map((item) => walk(item));
    }
    if (node && typeof node === 'object' && !(node instanceof Date)) {
      return Object.fromEntries(Object.entries(node).map(([k, v]) => [k, walk(v, k)]));
    }
    if (typeof node === 'string' && node !== '' && node !== ERASED_TITLE) {
      if (key === 'text' || key === 'comment' || key === 'returnVisit.comment') {
        changed = true;
        return '';
      }
      if (key === 'title') {
        changed = true;
        return ERASED_TITLE;
      }
      if (key?.startsWith('messages.') && key.endsWith('.text')) {
        changed = true;
        return '';
      }
    }
    return node;
  };
  const result = walk(value ?? {});
  return { value: result, changed };
}
