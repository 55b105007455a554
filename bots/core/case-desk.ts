import type { Category, Intent } from '../../nlp';
import type { Address } from '../../services/channels/types';
import { localize, type Language, type LocalizedText } from '../../services/i18n/text';
import type { Outbox } from '../../services/outbox/outbox';
import type { TicketRecord, TicketSummary } from '../../services/tickets/ticket-model';
import type { Staff, TicketEvent, TicketService } from '../../services/tickets/ticket-service';

/** What the owner is told when staff act on their case. */
const OWNER_NOTICES: Partial<Record<TicketEvent['type'], LocalizedText>> = {
  claimed: {
    zh: '您的工单 {reference} 已由 {staff} 负责处理，有进展会及时告诉您。',
    en: 'Your case {reference} is now with {staff}, who will keep you posted.',
  },
  resolved: {
    zh: '您的工单 {reference} 已处理完成。如问题仍未解决，直接回复告诉我们即可。',
    en: 'Your case {reference} has been resolved. If the problem is still there, just reply and tell us.',
  },
  reopened: {
    zh: '您的工单 {reference} 已重新打开，{staff} 会继续跟进。',
    en: 'Your case {reference} is open again; {staff} will follow it up.',
  },
};

const STAFF_REPLY: LocalizedText = {
  zh: '【{reference}】{staff}：{text}',
  en: '[{reference}] {staff}: {text}',
};

function ownerAddress(ticket: TicketRecord): Address {
  return {
    channel: ticket.address.channel as Address['channel'],
    conversationId: ticket.address.conversationId,
    ...(ticket.address.threadId ? { threadId: ticket.address.threadId } : {}),
  };
}

/**
 * What staff do with a case, from whichever desk (Slack, web): the ticket transition, the
 * owner's notice in their language through the outbox (keyed by the event, so a retried
 * action never notifies twice), and corrections fed to the classifier.
 */
export function createCaseDesk(deps: {
  tickets: TicketService;
  outbox: Outbox;
  /** Stores a correction for the classifier (the understanding service). */
  recordCorrection: (correction: {
    text: string;
    intent: Intent;
    category: Category;
    staffId: string;
    caseId: string;
  }) => Promise<void>;
}) {
  async function tellOwner(event: TicketEvent): Promise<TicketEvent> {
    const notice = OWNER_NOTICES[event.type];
    if (!notice) return event;
    const { ticket } = event;
    const language: Language = ticket.language;
    await deps.outbox.enqueue({
      key: `notice:${String(ticket._id)}:${ticket.version}`,
      address: ownerAddress(ticket),
      purpose: 'notification',
      caseId: String(ticket._id),
      ...(ticket.ownerId ? { ownerId: ticket.ownerId } : {}),
      message: {
        language,
        text: localize(notice, language, {
          reference: ticket.reference,
          staff: ticket.assigneeName || localize({ zh: '工作人员', en: 'our staff' }, language),
        }),
      },
    });
    return event;
  }

  return {
    claim: async (id: string, staff: Staff) => tellOwner(await deps.tickets.claim(id, staff)),
    start: (id: string, staff: Staff) => deps.tickets.start(id, staff),
    resolve: async (
      id: string,
      staff: Staff,
      note?: string,
      options?: Parameters<TicketService['resolve']>[3],
    ) => tellOwner(await deps.tickets.resolve(id, staff, note, options)),
    reopen: async (id: string, actor: string, reason: string) =>
      tellOwner(await deps.tickets.reopen(id, actor, reason)),
    close: (id: string, actor: string, summary?: Partial<TicketSummary>) =>
      deps.tickets.close(id, actor, summary),
    offerHandover: (id: string, from: Staff, to: Staff) => deps.tickets.offerHandover(id, from, to),
    acceptHandover: (id: string, to: Staff) => deps.tickets.acceptHandover(id, to),
    declineHandover: (id: string, to: Staff) => deps.tickets.declineHandover(id, to),

    /** A staff member's reply to the owner: kept on the case and sent in the owner's conversation. */
    async reply(id: string, staff: Staff, text: string, replyKey: string): Promise<void> {
      const ticket = await deps.tickets.get(id);
      await deps.tickets.addStaffMessage(id, staff, text, `staff-reply:${replyKey}`);
      await deps.outbox.enqueue({
        key: `staff-reply:${replyKey}`,
        address: ownerAddress(ticket),
        purpose: 'reply',
        caseId: id,
        ...(ticket.ownerId ? { ownerId: ticket.ownerId } : {}),
        message: {
          language: ticket.language,
          text: localize(STAFF_REPLY, ticket.language, {
            reference: ticket.reference,
            staff: staff.name,
            text,
          }),
        },
      });
    },

    /** Staff say what the owner's first message really was; the classifier learns it. */
    async correct(
      id: string,
      staff: Staff,
      labels: { intent: Intent; category: Category },
    ): Promise<TicketEvent> {
      const event = await deps.tickets.correctLabels(id, staff, labels);
      const text = event.ticket.messages[0]?.text ?? event.ticket.title;
      await deps.recordCorrection({ text, ...labels, staffId: staff.id, caseId: id });
      return event;
    },
  };
}

export type CaseDesk = ReturnType<typeof createCaseDesk>;
